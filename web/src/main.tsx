import { Spin } from "antd";
import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { LocaleProvider } from "./i18n/locale.tsx";
import { ErrorBoundary } from "./shared/ErrorBoundary.tsx";
import { Redirect, useLocation } from "./shared/router.tsx";
import "./shared/base.css";

// Two audiences, two chunks: a customer's phone loads only the H5 pages.
const H5App = lazy(() => import("./h5/H5App.tsx"));
const ConsoleApp = lazy(() => import("./console/ConsoleApp.tsx"));

function Root() {
  const { pathname } = useLocation();
  if (pathname.startsWith("/h5")) return <H5App />;
  if (!pathname.startsWith("/console")) return <Redirect to="/console" />;
  return <ConsoleApp />;
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <LocaleProvider>
      <ErrorBoundary>
        <Suspense
          fallback={
            <div className="page-loading">
              <Spin size="large" />
            </div>
          }
        >
          <Root />
        </Suspense>
      </ErrorBoundary>
    </LocaleProvider>
  </StrictMode>,
);

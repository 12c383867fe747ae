import { App as AntApp, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN_antd from "antd/locale/zh_CN";
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { configureApi } from "../api/client.ts";
import { en } from "./en.ts";
import { type MessageKey, zhCN } from "./zh-CN.ts";

export type Locale = "zh-CN" | "en";
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

const STORAGE_KEY = "aftersale.locale";

/** Chinese unless the person chose English here before, or the link says `?lang=en`. */
function initialLocale(): Locale {
  const fromUrl = new URLSearchParams(window.location.search).get("lang");
  if (fromUrl === "en" || fromUrl === "zh-CN") return fromUrl;
  return window.localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "zh-CN";
}

interface LocaleState {
  locale: Locale;
  setLocale(locale: Locale): void;
  t: Translate;
}

const LocaleContext = createContext<LocaleState | null>(null);

export function LocaleProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const messages = locale === "en" ? en : zhCN;
  const t = useCallback<Translate>(
    (key, vars) =>
      Object.entries(vars ?? {}).reduce(
        (text, [name, value]) => text.replaceAll(`{${name}}`, String(value)),
        messages[key] as string,
      ),
    [messages],
  );
  // The API answers errors in the language the request asks for.
  configureApi({ locale, networkMessage: messages.networkError });
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<LocaleState>(
    () => ({
      locale,
      t,
      setLocale(next) {
        window.localStorage.setItem(STORAGE_KEY, next);
        setLocaleState(next);
      },
    }),
    [locale, t],
  );
  return (
    <LocaleContext.Provider value={value}>
      <ConfigProvider
        locale={locale === "en" ? enUS : zhCN_antd}
        theme={{ token: { colorPrimary: "#1677ff", borderRadius: 8 } }}
      >
        <AntApp>{children}</AntApp>
      </ConfigProvider>
    </LocaleContext.Provider>
  );
}

export function useLocale(): LocaleState {
  const state = useContext(LocaleContext);
  if (!state) throw new Error("useLocale outside LocaleProvider");
  return state;
}

export const useT = (): Translate => useLocale().t;

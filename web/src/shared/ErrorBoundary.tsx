import { Button, Result } from "antd";
import { Component, type ReactNode } from "react";

/**
 * A page that fails to render says so in words and offers a reload, instead of going blank. The words
 * are in both languages because the failure may be in the part that knows which one was chosen.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <Result
        status="error"
        title="页面出错了 · Something went wrong"
        subTitle="请刷新页面重试；如果问题持续，请联系客服。 Please reload the page; if it keeps happening, contact support."
        extra={
          <Button type="primary" onClick={() => window.location.reload()}>
            刷新 · Reload
          </Button>
        }
      />
    );
  }
}

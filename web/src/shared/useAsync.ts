import { type DependencyList, useCallback, useEffect, useRef, useState } from "react";
import { ApiError } from "../api/client.ts";

export interface AsyncState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Loads again; `quiet` keeps the current data on screen instead of showing a spinner. */
  reload(quiet?: boolean): void;
}

/**
 * Runs a request when its inputs change and keeps the latest answer. An answer to an outdated request
 * is dropped, so quick filter changes never show an older list over a newer one.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(true);
  const [version, setVersion] = useState(0);
  const quietRef = useRef(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller names the inputs in `deps`.
  const run = useCallback(load, deps);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the reload trigger.
  useEffect(() => {
    const controller = new AbortController();
    if (!quietRef.current) setLoading(true);
    quietRef.current = false;
    run(controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return;
        setData(value);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        // A plain Error (a fetch of its own, a network failure) shows its message, not "Error: …".
        setError(
          e instanceof ApiError
            ? e
            : new ApiError(0, "UNEXPECTED", e instanceof Error ? e.message : String(e)),
        );
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [run, version]);

  const reload = useCallback((quiet = false) => {
    quietRef.current = quiet;
    setVersion((v) => v + 1);
  }, []);
  return { data, error, loading, reload };
}

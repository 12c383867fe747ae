import { useEffect, useMemo, useRef } from "react";
import { coalesce } from "./coalesce.ts";

/**
 * `coalesce` for a component: the returned function re-reads at most once per `ms` (see there why), always
 * with the latest `fn`, and nothing runs after the component is gone.
 */
export function useCoalesced(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const coalesced = useMemo(() => coalesce(() => latest.current(), ms), [ms]);
  useEffect(() => () => coalesced.cancel(), [coalesced]);
  return coalesced.call;
}

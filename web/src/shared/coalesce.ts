/**
 * Runs `fn` at most once per `ms` however often `call` is made: the first call of a burst schedules it
 * `ms` later, further calls until then are absorbed, and the next call after it ran schedules again.
 * Not a debounce, which never fires under a steady stream; not a call per event, which floods the server.
 */
export function coalesce(fn: () => void, ms: number): { call(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    call() {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        fn();
      }, ms);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

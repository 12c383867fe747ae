/**
 * A one-time signal between two parts of a test: one side awaits `reached`, the other calls `give()`.
 * For holding a transaction open at a chosen point while the test does something else.
 */
export function signal(): { reached: Promise<void>; give: () => void } {
  let give!: () => void;
  const reached = new Promise<void>((resolve) => {
    give = resolve;
  });
  return { reached, give };
}

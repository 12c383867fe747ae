/** Money is integer fen (分) everywhere: never a float, never yuan in storage. */
export type Fen = number & { readonly __fen: unique symbol };

export function fen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`money must be whole fen, got ${value}`);
  return value as Fen;
}

export const isFen = (value: unknown): value is Fen =>
  typeof value === "number" && Number.isSafeInteger(value);

export function formatYuan(amount: Fen): string {
  const sign = amount < 0 ? "-" : "";
  const abs = Math.abs(amount);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

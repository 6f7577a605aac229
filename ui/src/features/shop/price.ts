/** The most an independent shop may ask for a track, in fen (¥50.00). */
export const MAX_PRICE_FEN = 5_000;

/**
 * A price typed in yuan ("0.8", "¥12.50", "3") as integer fen, without floating point;
 * `null` when it is not a price or is above the maximum.
 */
export function parseYuan(text: string): number | null {
  const match = /^\s*¥?\s*(\d{1,6})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  const yuan = Number(match[1]);
  const fen = Number((match[2] ?? "").padEnd(2, "0"));
  const total = yuan * 100 + fen;
  return total > MAX_PRICE_FEN ? null : total;
}

/** Fen as the yuan text a price field shows ("0.80"). */
export function yuanText(fen: number): string {
  return `${Math.floor(fen / 100)}.${(fen % 100).toString().padStart(2, "0")}`;
}

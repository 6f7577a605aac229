/** One line of lyrics, with its time when the lyrics are synced. */
export interface LyricLine {
  atMs: number | null;
  text: string;
}

const TIME_TAG = /\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]/g;
const META_TAG = /^\[[a-z]+:[^\]]*\]$/i;

/**
 * Plain text or synced LRC (`[mm:ss.xx]line`) to clean lines in time order: timestamps and
 * header tags (`[ar:…]`, `[ti:…]`) are dropped; a line with several times appears at each.
 */
export function parseLyrics(source: string): { synced: boolean; lines: LyricLine[] } {
  const rows = source.replace(/\r\n?/g, "\n").split("\n");
  const synced = rows.some((row) => new RegExp(TIME_TAG.source).test(row));
  if (!synced) {
    return { synced, lines: trimBlank(rows.map((row) => ({ atMs: null, text: row.trim() }))) };
  }
  const lines: LyricLine[] = [];
  for (const row of rows) {
    const trimmed = row.trim();
    if (META_TAG.test(trimmed)) continue;
    const times = [...trimmed.matchAll(TIME_TAG)].map(([, min, sec, frac]) => {
      const fraction = frac ? Number(frac.padEnd(3, "0")) : 0;
      return Number(min) * 60_000 + Number(sec) * 1000 + fraction;
    });
    const text = trimmed.replace(TIME_TAG, "").trim();
    if (times.length === 0) {
      if (text) lines.push({ atMs: null, text });
      continue;
    }
    for (const atMs of times) lines.push({ atMs, text });
  }
  lines.sort((a, b) => (a.atMs ?? 0) - (b.atMs ?? 0));
  return { synced, lines: trimBlank(lines) };
}

function trimBlank(lines: LyricLine[]): LyricLine[] {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start]?.text) start++;
  while (end > start && !lines[end - 1]?.text) end--;
  return lines.slice(start, end);
}

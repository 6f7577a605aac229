/** `42 s`, `3 min`, `2 h 5 min`: short, language-neutral uptime. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/**
 * `¥0.80`, `¥1,234.50`, `-¥3.00`: integer fen to yuan, the same in every language.
 * Pure integer arithmetic, so no float ever touches a money value.
 */
export function formatFen(fen: number): string {
  const whole = Math.trunc(fen);
  const sign = whole < 0 ? "-" : "";
  const abs = Math.abs(whole);
  const yuan = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = (abs % 100).toString().padStart(2, "0");
  return `${sign}¥${yuan}.${cents}`;
}

/** `3:07`, `1:02:03`: a track's or a position's clock time. */
export function formatClock(milliseconds: number): string {
  const total = Math.max(0, Math.floor(milliseconds / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = (total % 60).toString().padStart(2, "0");
  return hours > 0
    ? `${hours}:${minutes.toString().padStart(2, "0")}:${seconds}`
    : `${minutes}:${seconds}`;
}

/** "12 seconds ago", "3 分钟前": how long ago `atMs` was, in the reader's language. */
export function formatRelative(atMs: number, nowMs: number, language: string): string {
  const seconds = Math.round((atMs - nowMs) / 1000);
  const format = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
  // A few seconds (or a clock slightly ahead) reads as "now".
  if (seconds > -5) return format.format(0, "second");
  const abs = Math.abs(seconds);
  if (abs < 60) return format.format(seconds, "second");
  if (abs < 3600) return format.format(Math.round(seconds / 60), "minute");
  if (abs < 86_400) return format.format(Math.round(seconds / 3600), "hour");
  return format.format(Math.round(seconds / 86_400), "day");
}

/** A calendar date in UTC (the server's days are UTC days): `Mar 3` / `3月3日`. */
export function formatDay(dayStartMs: number, language: string): string {
  return new Intl.DateTimeFormat(language, {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  }).format(dayStartMs);
}

/** A month in UTC: `Mar 2026` / `2026年3月`. */
export function formatMonth(monthStartMs: number, language: string): string {
  return new Intl.DateTimeFormat(language, {
    year: "numeric",
    month: "short",
    timeZone: "UTC",
  }).format(monthStartMs);
}

/** A moment in the reader's time zone: `Mar 3, 2026, 14:05`. */
export function formatDateTime(atMs: number, language: string): string {
  return new Intl.DateTimeFormat(language, {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(atMs);
}

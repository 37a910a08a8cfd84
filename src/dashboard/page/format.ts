/** How numbers and times read on the page. */

/** A score in [0, 1] with four decimals, or a dash. */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined || !Number.isFinite(score) ? '–' : score.toFixed(4);
}

/** Clock seconds as h:mm:ss (or m:ss under an hour), as the axes and tables show them. */
export function formatClock(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** A duration for people: 0.8s, 42s, 13m05s, 4h00m. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  if (seconds < 10) return `${Math.max(0, seconds).toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Seconds with one decimal, for step durations in tables. */
export function formatSeconds(seconds: number | null | undefined): string {
  return seconds === null || seconds === undefined || !Number.isFinite(seconds) ? '–' : seconds.toFixed(1);
}

/** A hyperparameter value as it reads in a config table. */
export function formatValue(value: string | number | boolean): string {
  if (typeof value !== 'number') return String(value);
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) < 1e-3 ? value.toExponential(2) : String(Number(value.toPrecision(6)));
}

/** "3 min ago" from an ISO time. */
export function formatAgo(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return '–';
  const ms = nowMs - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  return `${formatDuration(Math.max(0, ms / 1000))} ago`;
}

/** Tick steps for clock axes (seconds): round minutes and hours, so h:mm:ss labels read well. */
export const CLOCK_TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 432_000, 864_000];

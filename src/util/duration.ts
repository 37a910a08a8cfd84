import { UsageError } from '../errors.ts';

const UNIT_SECONDS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `90s`, `15m`, `4h`, `1.5h`, `2d` or a plain number of seconds into seconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([smhd]?)\s*$/i.exec(text);
  const unit = match?.[2]?.toLowerCase() ?? '';
  const factor = UNIT_SECONDS[unit];
  if (!match || factor === undefined) {
    throw new UsageError(`${flag}: '${text}' is not a duration (use e.g. 90s, 15m, 4h or a number of seconds)`);
  }
  const seconds = Number(match[1]) * factor;
  if (!(seconds > 0)) throw new UsageError(`${flag}: the duration must be positive, got '${text}'`);
  return seconds;
}

/** Formats seconds compactly for humans: 42s, 13m05s, 4h00m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

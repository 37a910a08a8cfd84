/** Maps data values to pixels along one axis, and proposes tick positions. */
export interface Scale {
  readonly log: boolean;
  readonly domain: readonly [number, number];
  /** Pixel of a value; NaN for a value the scale cannot show (<= 0 on a log scale). */
  map(value: number): number;
  ticks(): number[];
}

/**
 * A linear or log10 scale from `domain` to the pixel range [from, to] (to < from for a y axis, whose pixels
 * grow downwards).
 */
export function makeScale(domain: readonly [number, number], from: number, to: number, log: boolean): Scale {
  const [lo, hi] = domain;
  const t = log ? (v: number) => (v > 0 ? Math.log10(v) : Number.NaN) : (v: number) => v;
  const a = t(lo);
  const b = t(hi);
  return {
    log,
    domain,
    map: (value) => from + ((t(value) - a) / (b - a || 1)) * (to - from),
    ticks: () => (log ? logTicks(lo, hi) : linearTicks(lo, hi)),
  };
}

/** About `count` round ticks (1, 2 or 5 times a power of ten) within [lo, hi]. */
export function linearTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(roundTo(k * step, step));
  return out;
}

/** Powers of ten within [lo, hi]; with fewer than three, the 2x and 5x multiples too. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > lo)) return [lo];
  const first = Math.floor(Math.log10(lo));
  const last = Math.ceil(Math.log10(hi));
  const decades: number[] = [];
  for (let e = first; e <= last; e++) decades.push(10 ** e);
  const inside = (v: number): boolean => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
  const powers = decades.filter(inside);
  if (powers.length >= 3) return powers;
  const multiples = decades.flatMap((d) => [d, 2 * d, 5 * d]).filter(inside);
  return multiples.length >= 2 ? multiples : linearTicks(lo, hi);
}

/** A padded data range: equal ends are widened, so a flat series still gets an axis. */
export function extent(values: readonly number[], log: boolean): [number, number] {
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (usable.length === 0) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...usable);
  let hi = Math.max(...usable);
  if (lo === hi) {
    if (log) return [lo / 10, hi * 10];
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

/** Compact tick text: 0.25, 1500, 1e-4, 2e+6. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential().replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(6)));
}

function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(20, decimals)));
}

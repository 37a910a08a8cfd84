import type { Random } from '../../../util/random.ts';

/** Gamma(shape, 1) by Marsaglia and Tsang; shapes below 1 use the boost Gamma(a + 1) · U^(1/a). */
export function sampleGamma(shape: number, random: Random): number {
  if (shape < 1) return sampleGamma(shape + 1, random) * Math.pow(random.next() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = random.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = random.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

export function sampleBeta(a: number, b: number, random: Random): number {
  const x = sampleGamma(a, random);
  const y = sampleGamma(b, random);
  return x + y > 0 ? x / (x + y) : 0.5;
}

export interface MixSettings {
  readonly mixup: number;
  readonly cutmix: number;
  readonly prob: number;
  readonly smoothing: number;
}

/** True when mixup or cutmix can change a batch (then pixels must be fed, not cached features). */
export function mixingActive(s: MixSettings): boolean {
  return s.prob > 0 && (s.mixup > 0 || s.cutmix > 0);
}

/**
 * timm's batch-mode Mixup/CutMix, in place on a [batch, size, size, 3] float batch: with probability `prob`,
 * blend each sample with the batch reversed (mixup, λ ~ Beta(α, α)) or paste a box of it (cutmix, λ corrected
 * to the box's area); cutmix is chosen with probability ½ when both are on. Returns λ (1 = unmixed).
 */
export function mixBatch(batch: Float32Array, n: number, size: number, s: MixSettings, random: Random): number {
  if (!mixingActive(s) || n < 2 || random.next() >= s.prob) return 1;
  const useCutmix = s.cutmix > 0 && (s.mixup <= 0 || random.next() < 0.5);
  const alpha = useCutmix ? s.cutmix : s.mixup;
  let lam = sampleBeta(alpha, alpha, random);
  const stride = size * size * 3;
  const copy = batch.slice();
  if (!useCutmix) {
    for (let i = 0; i < n; i++) {
      const a = i * stride;
      const b = (n - 1 - i) * stride;
      for (let k = 0; k < stride; k++) batch[a + k] = lam * (copy[a + k] as number) + (1 - lam) * (copy[b + k] as number);
    }
    return lam;
  }
  const cut = Math.sqrt(1 - lam);
  const ch = Math.floor(size * cut);
  const cw = Math.floor(size * cut);
  const cy = random.int(size);
  const cx = random.int(size);
  const y0 = Math.max(0, cy - (ch >> 1));
  const y1 = Math.min(size, cy + (ch >> 1));
  const x0 = Math.max(0, cx - (cw >> 1));
  const x1 = Math.min(size, cx + (cw >> 1));
  for (let i = 0; i < n; i++) {
    const a = i * stride;
    const b = (n - 1 - i) * stride;
    for (let y = y0; y < y1; y++) {
      const row = (y * size + x0) * 3;
      batch.set(copy.subarray(b + row, b + row + (x1 - x0) * 3), a + row);
    }
  }
  lam = 1 - ((y1 - y0) * (x1 - x0)) / (size * size);
  return lam;
}

/**
 * Soft targets [n, classes]: label smoothing (off = s / K, on = 1 − s + off) mixed with the reversed batch's
 * targets by λ, exactly as timm's mixup_target.
 */
export function softTargets(labels: ArrayLike<number>, classes: number, lam: number, smoothing: number): Float32Array {
  const n = labels.length;
  const off = smoothing / classes;
  const on = 1 - smoothing + off;
  const out = new Float32Array(n * classes).fill(off);
  for (let i = 0; i < n; i++) {
    const own = labels[i] as number;
    const other = labels[n - 1 - i] as number;
    out[i * classes + own] = (out[i * classes + own] as number) + lam * (on - off);
    out[i * classes + other] = (out[i * classes + other] as number) + (1 - lam) * (on - off);
  }
  return out;
}

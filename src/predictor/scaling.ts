import { z } from 'zod';

/** An affine map to standardized units: standardized = (value − mean) / std. */
export const StandardizerSchema = z.object({ mean: z.number(), std: z.number().positive() });
export type Standardizer = z.infer<typeof StandardizerSchema>;

export const IDENTITY: Standardizer = { mean: 0, std: 1 };

/** Mean and population std of values (std 1 when they are constant). */
export function fitStandardizer(values: Iterable<number>): Standardizer {
  let n = 0;
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    n++;
    sum += v;
    squares += v * v;
  }
  if (n === 0) return IDENTITY;
  const mean = sum / n;
  const std = Math.sqrt(Math.max(0, squares / n - mean * mean));
  return { mean, std: std > 1e-12 ? std : 1 };
}

export function standardize(s: Standardizer, values: ArrayLike<number>, transform: (v: number) => number = (v) => v): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (transform(values[i]!) - s.mean) / s.std;
  return out;
}

/** Log seconds, with a floor so a recorded 0 s epoch stays finite. */
export function logSeconds(seconds: number): number {
  return Math.log(Math.max(seconds, 1e-3));
}

import { getLogger } from '../../../logging.ts';

/** The frozen prefix's outputs for every sample of one split, kept in JS memory (outside the wasm heap). */
export interface CachedFeatures {
  readonly count: number;
  /** Per frontier tensor: the shape of one sample's activation. */
  readonly shapes: ReadonlyArray<readonly number[]>;
  /** Per frontier tensor: count × size(shape) floats. */
  readonly data: readonly Float32Array[];
}

export function bytesOf(features: CachedFeatures): number {
  return features.data.reduce((n, d) => n + d.byteLength, 0);
}

/** Copies the rows of `indices` into one batch array per frontier tensor. */
export function gatherRows(features: CachedFeatures, indices: readonly number[]): Float32Array[] {
  return features.data.map((data, t) => {
    const per = (features.shapes[t] ?? []).reduce((a, b) => a * b, 1);
    const out = new Float32Array(indices.length * per);
    indices.forEach((row, i) => out.set(data.subarray(row * per, (row + 1) * per), i * per));
    return out;
  });
}

/**
 * Frozen-prefix activations by key (model, frozen layers, input size, dataset, split), evicting the least
 * recently used entries beyond a byte budget. A computation that would not fit returns null (the caller then
 * recomputes the prefix for each batch).
 */
export class FeatureCache {
  private readonly entries = new Map<string, CachedFeatures>();
  private readonly budget: number;

  constructor(budgetBytes: number) {
    this.budget = budgetBytes;
  }

  get budgetBytes(): number {
    return this.budget;
  }

  private used(): number {
    let n = 0;
    for (const e of this.entries.values()) n += bytesOf(e);
    return n;
  }

  /** Makes room for `bytes`; false when it can never fit. */
  reserve(bytes: number): boolean {
    if (bytes > this.budget) return false;
    while (this.used() + bytes > this.budget && this.entries.size > 0) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
      getLogger('tfjs-trainer').debug({ key: oldest }, 'feature cache: evicted');
    }
    return true;
  }

  get(key: string): CachedFeatures | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, features: CachedFeatures): void {
    if (this.reserve(bytesOf(features))) this.entries.set(key, features);
  }

  clear(): void {
    this.entries.clear();
  }
}

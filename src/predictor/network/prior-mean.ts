import type { Standardizer } from '../scaling.ts';
import type { Batch } from './batch.ts';
import type { ParamDeclaration, ParamLayout } from './params.ts';
import { EMBEDDING_DIM } from './performance-net.ts';

/**
 * The GP's prior mean beyond its constant (the paper's, docs/method.md §4.3, is a constant):
 * - 'constant': nothing more (the paper);
 * - 'last-observed': for points with a curve, offset + slope · (last observed score), so the GP models the
 *   change from the last epoch (slope starts at 1);
 * - 'learned': w · z, a linear read-out of the embedding meta-trained across tasks, so a pipeline that was
 *   never observed on this task still gets an informed guess;
 * - 'learned+last-observed': both.
 */
export const PRIOR_MEANS = ['constant', 'last-observed', 'learned', 'learned+last-observed'] as const;
export type PriorMean = (typeof PRIOR_MEANS)[number];

const usesLast = (kind: PriorMean) => kind === 'last-observed' || kind === 'learned+last-observed';
const usesLearned = (kind: PriorMean) => kind === 'learned' || kind === 'learned+last-observed';

/** The scalar parameters a prior mean adds to the layout (JS-only, not tensors). */
export function priorMeanDeclarations(kind: PriorMean): ParamDeclaration[] {
  return [
    ...(usesLast(kind)
      ? [
          { name: 'gp.meanSlope', shape: [1], initValue: 1, tensor: false },
          { name: 'gp.meanOffset', shape: [1], tensor: false },
        ]
      : []),
    ...(usesLearned(kind) ? [{ name: 'gp.meanWeights', shape: [EMBEDDING_DIM], tensor: false }] : []),
  ];
}

/** Evaluates a prior mean and back-propagates through it, in standardized score units. */
export class PriorMeanModel {
  readonly kind: PriorMean;
  private readonly layout: ParamLayout;
  private readonly scale: Standardizer;

  constructor(kind: PriorMean, layout: ParamLayout, scale: Standardizer) {
    this.kind = kind;
    this.layout = layout;
    this.scale = scale;
  }

  /** Each point's prior mean minus the GP constant; `z` is the batch's embedding (n × 32). */
  offsets(theta: Float64Array, batch: Batch, z: ArrayLike<number>): Float64Array {
    const out = new Float64Array(batch.n);
    if (usesLast(this.kind)) {
      const slope = this.layout.scalar(theta, 'gp.meanSlope');
      const offset = this.layout.scalar(theta, 'gp.meanOffset');
      for (let i = 0; i < batch.n; i++) {
        if (batch.hasLast[i] !== 0) out[i] = offset + (slope * (batch.last[i]! - this.scale.mean)) / this.scale.std;
      }
    }
    if (usesLearned(this.kind)) {
      const w = this.layout.spec('gp.meanWeights').offset;
      for (let i = 0; i < batch.n; i++) {
        let s = 0;
        for (let k = 0; k < EMBEDDING_DIM; k++) s += theta[w + k]! * z[i * EMBEDDING_DIM + k]!;
        out[i] = out[i]! + s;
      }
    }
    return out;
  }

  /**
   * Given dLoss/d(prior mean of point i) = `dm[i]`, writes the gradients of the mean's own parameters into
   * `grad` and adds the embedding's share to `dz` (n × 32).
   */
  backward(theta: Float64Array, batch: Batch, z: ArrayLike<number>, dm: ArrayLike<number>, grad: Float64Array, dz: Float64Array): void {
    if (usesLast(this.kind)) {
      let dSlope = 0;
      let dOffset = 0;
      for (let i = 0; i < batch.n; i++) {
        if (batch.hasLast[i] === 0) continue;
        dSlope += (dm[i]! * (batch.last[i]! - this.scale.mean)) / this.scale.std;
        dOffset += dm[i]!;
      }
      grad[this.layout.spec('gp.meanSlope').offset] = dSlope;
      grad[this.layout.spec('gp.meanOffset').offset] = dOffset;
    }
    if (usesLearned(this.kind)) {
      const w = this.layout.spec('gp.meanWeights').offset;
      for (let k = 0; k < EMBEDDING_DIM; k++) grad[w + k] = 0;
      for (let i = 0; i < batch.n; i++) {
        for (let k = 0; k < EMBEDDING_DIM; k++) {
          grad[w + k] = grad[w + k]! + dm[i]! * z[i * EMBEDDING_DIM + k]!;
          dz[i * EMBEDDING_DIM + k] = dz[i * EMBEDDING_DIM + k]! + dm[i]! * theta[w + k]!;
        }
      }
    }
  }
}

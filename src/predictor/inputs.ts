import type { ConfigEncoder, MetaFeatureRecord } from '../encoding/index.ts';
import type { Config } from '../space/types.ts';
import { allocateBatch, type Batch, type InputDims } from './network/batch.ts';

/** A (pipeline, epoch) point by the pipeline's row in a {@link PipelineRows} table. */
export interface PointRef {
  readonly pipeline: number;
  readonly epoch: number;
  readonly curve: ArrayLike<number>;
}

/** The network's input widths for an encoder and a curve length. */
export function inputDims(encoder: ConfigEncoder, maxEpochs: number): InputDims {
  return {
    modelDim: encoder.dims.model,
    hpDim: encoder.dims.hyperparameters,
    metaDim: encoder.dims.metaFeatures,
    maxEpochs,
  };
}

/**
 * The encoded pipelines of one task (model and hyperparameter parts) and its encoded meta-features, computed
 * once, so building a batch of points is only row copies.
 */
export class PipelineRows {
  readonly dims: InputDims;
  readonly count: number;
  private readonly model: Float32Array<ArrayBuffer>;
  private readonly hp: Float32Array<ArrayBuffer>;
  private readonly meta: Float32Array;

  constructor(encoder: ConfigEncoder, dims: InputDims, configs: readonly Config[], metaFeatures: MetaFeatureRecord) {
    this.dims = dims;
    this.count = configs.length;
    this.model = new Float32Array(configs.length * dims.modelDim);
    this.hp = new Float32Array(configs.length * dims.hpDim);
    configs.forEach((config, i) => {
      encoder.encodeModel(config.model, this.model, i * dims.modelDim);
      encoder.encodeHyperparameters(config, this.hp, i * dims.hpDim);
    });
    this.meta = encoder.encodeMetaFeatures(metaFeatures);
  }

  /**
   * A batch of points. Budgets are epoch / T; curves are the scores before the epoch, zero-padded to T
   * (an epoch beyond T, possible when a search runs longer than the meta-dataset's curves, is clamped).
   */
  batch(points: readonly PointRef[]): Batch {
    const { modelDim, hpDim, metaDim, maxEpochs: T } = this.dims;
    const batch = allocateBatch(this.dims, points.length);
    points.forEach((point, i) => {
      const p = point.pipeline;
      if (!(p >= 0 && p < this.count)) throw new RangeError(`pipeline index ${p} is outside the pool of ${this.count}`);
      batch.model.set(this.model.subarray(p * modelDim, (p + 1) * modelDim), i * modelDim);
      batch.hp.set(this.hp.subarray(p * hpDim, (p + 1) * hpDim), i * hpDim);
      batch.meta.set(this.meta, i * metaDim);
      batch.budget[i] = Math.min(point.epoch, T) / T;
      const known = Math.min(point.curve.length, point.epoch - 1, T);
      for (let e = 0; e < known; e++) batch.curve[i * T + e] = point.curve[e]!;
      const observed = Math.min(point.curve.length, point.epoch - 1);
      if (observed > 0) {
        batch.last[i] = point.curve[observed - 1]!;
        batch.hasLast[i] = 1;
      }
    });
    return batch;
  }
}

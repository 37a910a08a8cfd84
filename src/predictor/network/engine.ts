import type { Tf } from '../../backend/tfjs-backend.ts';
import type { ExactGp, GpHyper, NllResult, Posterior } from '../../numerics/exact-gp.ts';
import type { KernelKind } from '../../numerics/linalg-types.ts';
import type { Random } from '../../util/random.ts';
import { curveColumns, type Batch, type InputDims } from './batch.ts';
import { costBackward, costDeclarations, costForward, type CostInputs } from './cost-net.ts';
import { Layers, type Params, type Tensor, type Tensor2D } from './layers.ts';
import type { Standardizer } from '../scaling.ts';
import { ParamLayout } from './params.ts';
import { PriorMeanModel, priorMeanDeclarations, type PriorMean } from './prior-mean.ts';
import {
  dropoutWidth,
  EMBEDDING_DIM,
  performanceBackward,
  performanceDeclarations,
  performanceForward,
  shiftMatrix,
  type NetInputs,
} from './performance-net.ts';

/** Lower bound of the GP noise variance (gpytorch's GreaterThan(1e-4)), on standardized targets. */
export const NOISE_FLOOR = 1e-4;

export { PRIOR_MEANS, type PriorMean } from './prior-mean.ts';

/** Observation noise: one variance for every point, or a second one for points without a curve (epoch 1). */
export const NOISE_MODELS = ['shared', 'split'] as const;
export type NoiseModel = (typeof NOISE_MODELS)[number];

/** The posterior at query points in standardized units, with each point's own noise variance. */
export interface EnginePosterior {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  readonly noise: Float64Array;
}

export interface EngineOptions {
  readonly kernel: KernelKind;
  readonly noise: NoiseModel;
  /** Dropout probability on the flattened curve features, in training steps only. */
  readonly dropout: number;
  readonly priorMean: PriorMean;
  /** The standardization of scores (targets and, for the prior mean, last observed scores). */
  readonly scoreScale: Standardizer;
}

/** One training step's losses and the gradient of their sum w.r.t. the whole parameter vector. */
export interface StepResult {
  /** GP negative log marginal likelihood / n. */
  readonly gpLoss: number;
  /** Mean squared error of the cost predictor (standardized log seconds); 0 when no cost targets. */
  readonly costLoss: number;
  readonly jitter: number;
  readonly grad: Float64Array;
}

/** True when every entry is a finite number (a plain loop: called on every gradient). */
export function allFinite(values: ArrayLike<number>, start = 0, end = values.length): boolean {
  for (let i = start; i < end; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

/**
 * The values of a tensor, then the tensor freed. NOTE: never return a typed array from tf.tidy: tidy walks
 * its result looking for tensors, which visits every element (seconds for a few hundred thousand values).
 */
function read(tensor: Tensor): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

const softplus = (x: number): number => (x > 30 ? x : Math.log1p(Math.exp(x)));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The deep-kernel GP and the cost MLP as functions of one flat parameter vector: the network runs on tfjs
 * (float32), the GP in Float64 through {@link ExactGp}. Holds no weights itself, so meta-training, online
 * refits and checkpoints all pass theta explicitly.
 */
export class DeepKernelEngine {
  readonly layout: ParamLayout;
  readonly dims: InputDims;
  readonly options: EngineOptions;
  readonly gp: ExactGp;
  readonly prior: PriorMeanModel;
  private readonly tf: Tf;
  private readonly layers: Layers;
  private readonly perfNames: ReadonlySet<string>;
  private readonly shift: Float32Array;
  /** The cost MLP's parameters: one contiguous block of theta, [start, end). */
  readonly costRange: { readonly start: number; readonly end: number };

  constructor(tf: Tf, dims: InputDims, options: EngineOptions, gp: ExactGp) {
    this.tf = tf;
    this.dims = dims;
    this.options = options;
    this.gp = gp;
    this.layers = new Layers(tf);
    this.shift = shiftMatrix(dims.maxEpochs);
    const perf = performanceDeclarations(dims);
    this.perfNames = new Set(perf.map((p) => p.name));
    this.layout = new ParamLayout([
      ...perf,
      // NOTE: raw values 0 give gpytorch's initial lengthscale, outputscale and noise (softplus(0) = 0.693).
      { name: 'gp.lengthscale', shape: [1], tensor: false },
      { name: 'gp.outputscale', shape: [1], tensor: false },
      { name: 'gp.noise', shape: [1], tensor: false },
      { name: 'gp.mean', shape: [1], tensor: false },
      ...(options.noise === 'split' ? [{ name: 'gp.noiseNew', shape: [1], tensor: false }] : []),
      ...priorMeanDeclarations(options.priorMean),
      ...costDeclarations(dims),
    ]);
    this.prior = new PriorMeanModel(options.priorMean, this.layout, options.scoreScale);
    const costSpecs = costDeclarations(dims).map((d) => this.layout.spec(d.name));
    const start = Math.min(...costSpecs.map((c) => c.offset));
    const end = Math.max(...costSpecs.map((c) => c.offset + c.size));
    if (end - start !== costSpecs.reduce((a, c) => a + c.size, 0)) throw new Error('the cost parameters must be contiguous');
    this.costRange = { start, end };
  }

  /** The GP hyperparameters encoded in theta. */
  hyper(theta: Float64Array): GpHyper {
    const raw = (name: string) => this.layout.scalar(theta, name);
    return {
      kernel: this.options.kernel,
      lengthscale: softplus(raw('gp.lengthscale')),
      outputscale: softplus(raw('gp.outputscale')),
      noise: NOISE_FLOOR + softplus(raw('gp.noise')),
      mean: raw('gp.mean'),
    };
  }

  /**
   * GP loss on (batch, y) plus, when `logCost` is given, the cost MSE; gradients of their sum. `dropout`
   * draws the training-mode dropout mask (null: no dropout).
   */
  step(theta: Float64Array, batch: Batch, y: ArrayLike<number>, logCost: ArrayLike<number> | null, dropout: Random | null): StepResult {
    const tf = this.tf;
    const n = batch.n;
    const hyper = this.hyper(theta);
    const grad = new Float64Array(this.layout.size);
    let gp: NllResult | undefined;
    let costLoss = 0;
    tf.tidy(() => {
      const x = this.inputs(batch, dropout);
      const perf = this.params(theta, true);
      const { z, cache } = performanceForward(tf, this.layers, this.dims, perf, x);
      const zData = z.dataSync();
      const offsets = this.prior.offsets(theta, batch, zData);
      const target = Float64Array.from(y, (v, i) => v - offsets[i]!);
      const result = this.gp.nll(zData, n, EMBEDDING_DIM, target, hyper, true, this.pointNoise(theta, batch));
      gp = result;
      const dzTotal = Float64Array.from(result.dz);
      this.prior.backward(theta, batch, zData, Float64Array.from(result.alpha, (a) => -a / n), grad, dzTotal);
      const dz = tf.tensor2d(Float32Array.from(dzTotal), [n, EMBEDDING_DIM]);
      this.collect(grad, performanceBackward(tf, this.layers, this.dims, perf, x, cache, dz));
      if (logCost !== null) {
        const cost = this.params(theta, false);
        const { out, cache: costCache } = costForward(tf, this.layers, cost, x);
        const residual = tf.sub(out, tf.tensor2d(Float32Array.from(logCost), [n, 1]));
        costLoss = tf.mean(tf.square(residual)).dataSync()[0]!;
        const dOut = tf.mul(residual, tf.scalar(2 / n)) as Tensor2D;
        this.collect(grad, costBackward(this.layers, cost, costCache, dOut));
      }
    });
    if (!gp) throw new Error('GP loss was not evaluated');
    const r: NllResult = gp;
    const put = (name: string, value: number) => {
      grad[this.layout.spec(name).offset] = value;
    };
    put('gp.lengthscale', r.dLengthscale * sigmoid(this.layout.scalar(theta, 'gp.lengthscale')));
    put('gp.outputscale', r.dOutputscale * sigmoid(this.layout.scalar(theta, 'gp.outputscale')));
    if (this.options.noise === 'split') {
      let dContinuing = 0;
      let dNew = 0;
      for (let i = 0; i < n; i++) {
        if (batch.hasLast[i] !== 0) dContinuing += r.dPointNoise[i]!;
        else dNew += r.dPointNoise[i]!;
      }
      put('gp.noise', dContinuing * sigmoid(this.layout.scalar(theta, 'gp.noise')));
      put('gp.noiseNew', dNew * sigmoid(this.layout.scalar(theta, 'gp.noiseNew')));
    } else {
      put('gp.noise', r.dNoise * sigmoid(this.layout.scalar(theta, 'gp.noise')));
    }
    put('gp.mean', r.dMean);
    return { gpLoss: r.value, costLoss, jitter: r.jitter, grad };
  }

  /**
   * The cost MSE alone and its gradient (zero outside {@link costRange}): no GP, no feature extractor, and
   * none of the curve inputs built.
   */
  costStep(theta: Float64Array, batch: Batch, logCost: ArrayLike<number>): { loss: number; grad: Float64Array } {
    const tf = this.tf;
    const n = batch.n;
    const grad = new Float64Array(this.layout.size);
    let loss = 0;
    tf.tidy(() => {
      const x = this.costInputs(batch);
      const cost = this.params(theta, false);
      const { out, cache } = costForward(tf, this.layers, cost, x);
      const residual = tf.sub(out, tf.tensor2d(Float32Array.from(logCost), [n, 1]));
      loss = tf.mean(tf.square(residual)).dataSync()[0]!;
      this.collect(grad, costBackward(this.layers, cost, cache, tf.mul(residual, tf.scalar(2 / n)) as Tensor2D));
    });
    return { loss, grad };
  }

  /**
   * Conditions the GP on (batch, standardized y) in evaluation mode; NLL/n. Throws FactorizationError.
   * `embedding`: the batch's embedding when the caller already has it (see embed).
   */
  condition(theta: Float64Array, batch: Batch, y: ArrayLike<number>, embedding?: ArrayLike<number>): number {
    const z = embedding ?? this.embed(theta, batch);
    const offsets = this.prior.offsets(theta, batch, z);
    const target = Float64Array.from(y, (v, i) => v - offsets[i]!);
    return this.gp.factor(z, batch.n, EMBEDDING_DIM, target, this.hyper(theta), this.pointNoise(theta, batch)).nll;
  }

  /**
   * The GP prior at a batch, in standardized units: its mean (the constant plus the prior-mean model's offsets,
   * e.g. the meta-learned read-out of the embedding) and variance, before any observation.
   */
  priorAt(theta: Float64Array, batch: Batch, embedding?: ArrayLike<number>): EnginePosterior {
    const z = embedding ?? this.embed(theta, batch);
    const hyper = this.hyper(theta);
    const offsets = this.prior.offsets(theta, batch, z);
    const noise = this.pointNoise(theta, batch) ?? new Float64Array(batch.n).fill(hyper.noise);
    return {
      mean: Float64Array.from(offsets, (o) => hyper.mean + o),
      variance: new Float64Array(batch.n).fill(hyper.outputscale),
      noise: Float64Array.from(noise),
    };
  }

  /** The posterior at a batch given the last {@link DeepKernelEngine.condition}, in standardized units. */
  posterior(theta: Float64Array, batch: Batch, embedding?: ArrayLike<number>): EnginePosterior {
    const z = embedding ?? this.embed(theta, batch);
    const posterior: Posterior = this.gp.posterior(z, batch.n);
    const offsets = this.prior.offsets(theta, batch, z);
    for (let j = 0; j < batch.n; j++) posterior.mean[j] = posterior.mean[j]! + offsets[j]!;
    const noise = this.pointNoise(theta, batch) ?? new Float64Array(batch.n).fill(posterior.noise);
    return { mean: posterior.mean, variance: posterior.variance, noise: Float64Array.from(noise) };
  }

  /** Each point's noise variance under the 'split' noise model; undefined for 'shared' (hyper.noise). */
  pointNoise(theta: Float64Array, batch: Batch): Float64Array | undefined {
    if (this.options.noise !== 'split') return undefined;
    const continuing = this.hyper(theta).noise;
    const fresh = NOISE_FLOOR + softplus(this.layout.scalar(theta, 'gp.noiseNew'));
    return Float64Array.from(batch.hasLast, (has) => (has !== 0 ? continuing : fresh));
  }

  /** Embeddings of the batch in evaluation mode (no dropout): n × 32 float32. */
  embed(theta: Float64Array, batch: Batch): Float32Array {
    const tf = this.tf;
    if (batch.n === 0) return new Float32Array(0);
    return read(tf.tidy(() => performanceForward(tf, this.layers, this.dims, this.params(theta, true), this.inputs(batch, null)).z));
  }

  /** Predicted standardized log seconds of each point. */
  costs(theta: Float64Array, batch: Batch): Float32Array {
    const tf = this.tf;
    if (batch.n === 0) return new Float32Array(0);
    return read(tf.tidy(() => costForward(tf, this.layers, this.params(theta, false), this.inputs(batch, null)).out));
  }

  /** The network inputs of a batch as tensors (inside the caller's tidy); exposed for gradient tests. */
  inputs(batch: Batch, dropout: Random | null): NetInputs {
    const tf = this.tf;
    const { n } = batch;
    const { modelDim, hpDim, metaDim, maxEpochs } = this.dims;
    let mask: Tensor2D | null = null;
    if (dropout) {
      const width = dropoutWidth(maxEpochs);
      const values = new Float32Array(n * width);
      const keep = 1 / (1 - this.options.dropout);
      // NOTE: one 32-bit draw per entry (not a 53-bit float): the mask is built every training step.
      const threshold = this.options.dropout * 4294967296;
      for (let i = 0; i < values.length; i++) values[i] = dropout.nextUint32() < threshold ? 0 : keep;
      mask = tf.tensor2d(values, [n, width]);
    }
    return {
      n,
      model: tf.tensor2d(batch.model, [n, modelDim]),
      hp: tf.tensor2d(batch.hp, [n, hpDim]),
      meta: tf.tensor2d(batch.meta, [n, metaDim]),
      budget: tf.tensor2d(batch.budget, [n, 1]),
      cols1: tf.tensor2d(curveColumns(batch, maxEpochs), [n * maxEpochs, 3]),
      shift: tf.tensor2d(this.shift, [maxEpochs, 3 * maxEpochs]),
      mask,
    };
  }

  /** The cost MLP's inputs of a batch (inside the caller's tidy). */
  private costInputs(batch: Batch): CostInputs {
    const tf = this.tf;
    const { n } = batch;
    const { modelDim, hpDim, metaDim } = this.dims;
    return {
      model: tf.tensor2d(batch.model, [n, modelDim]),
      hp: tf.tensor2d(batch.hp, [n, hpDim]),
      meta: tf.tensor2d(batch.meta, [n, metaDim]),
      budget: tf.tensor2d(batch.budget, [n, 1]),
    };
  }

  /** Float32 tensors of the performance (`perf`) or cost network's parameters. */
  params(theta: Float64Array, perf: boolean): Params {
    const tf = this.tf;
    const out: Record<string, Tensor> = {};
    for (const spec of this.layout.tensorSpecs()) {
      if (this.perfNames.has(spec.name) !== perf) continue;
      out[spec.name] = tf.tensor(Float32Array.from(theta.subarray(spec.offset, spec.offset + spec.size)), [...spec.shape]);
    }
    return out;
  }

  private collect(grad: Float64Array, grads: Record<string, Tensor>): void {
    for (const [name, tensor] of Object.entries(grads)) {
      const spec = this.layout.spec(name);
      const values = tensor.dataSync();
      for (let k = 0; k < spec.size; k++) grad[spec.offset + k] = values[k]!;
    }
  }
}

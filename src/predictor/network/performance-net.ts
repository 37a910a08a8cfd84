import type { Tf } from '../../backend/tfjs-backend.ts';
import type { InputDims } from './batch.ts';
import { param, type Layers, type Params, type Tensor, type Tensor2D } from './layers.ts';
import { linear, type ParamDeclaration } from './params.ts';

export const EMBEDDING_DIM = 32;
export const CONV_CHANNELS = 8;
const CURVE_DIM = 16;
const ENCODER_DIM = 32;

/** Length of the curve after MaxPool(2) (PyTorch floors odd lengths). */
export function pooledLength(maxEpochs: number): number {
  return Math.floor(maxEpochs / 2);
}

/** Width of the flattened curve features the dropout mask applies to. */
export function dropoutWidth(maxEpochs: number): number {
  return pooledLength(maxEpochs) * CONV_CHANNELS;
}

/**
 * The feature extractor of docs/method.md §4.2. Convolutions are im2col matrices: row c·3 + s of
 * conv2.w multiplies input channel c at time offset s − 1 (conv1.w: row s); the flattened pooled curve is
 * time-major (a fixed permutation of PyTorch's channel-major flatten, absorbed by the next layer).
 */
export function performanceDeclarations(dims: InputDims): ParamDeclaration[] {
  const head = ENCODER_DIM + ENCODER_DIM + 1 + dims.metaDim + CURVE_DIM;
  return [
    ...linear('model1', dims.modelDim, ENCODER_DIM),
    ...linear('model2', ENCODER_DIM, ENCODER_DIM),
    ...linear('hp1', dims.hpDim, ENCODER_DIM),
    ...linear('hp2', ENCODER_DIM, ENCODER_DIM),
    ...linear('meta', dims.metaDim, dims.metaDim),
    ...linear('conv1', 3, CONV_CHANNELS),
    ...linear('conv2', 3 * CONV_CHANNELS, CONV_CHANNELS),
    ...linear('curve', dropoutWidth(dims.maxEpochs), CURVE_DIM),
    ...linear('head1', head, EMBEDDING_DIM),
    ...linear('head2', EMBEDDING_DIM, EMBEDDING_DIM),
  ];
}

/** The input tensors of one batch (see batch.ts). */
export interface NetInputs {
  readonly n: number;
  readonly model: Tensor2D;
  readonly hp: Tensor2D;
  readonly meta: Tensor2D;
  readonly budget: Tensor2D;
  /** [n·T, 3] im2col rows of the first convolution (built from the data in JS). */
  readonly cols1: Tensor2D;
  /** [T, 3T] constant: X·shift puts X shifted by s − 1 time steps (zero padded) in column block s. */
  readonly shift: Tensor2D;
  /** [n, dropoutWidth] entries 0 or 1/(1 − p) in training, null in evaluation. */
  readonly mask: Tensor2D | null;
}

/** Activations the backward pass needs. */
export interface PerfCache {
  readonly m1pre: Tensor2D;
  readonly m1: Tensor2D;
  readonly h1pre: Tensor2D;
  readonly h1: Tensor2D;
  readonly c1pre: Tensor2D;
  readonly cols2: Tensor2D;
  readonly a: Tensor2D;
  readonly b: Tensor2D;
  readonly flatD: Tensor2D;
  readonly r: Tensor2D;
  readonly c3pre: Tensor2D;
  readonly joined: Tensor2D;
  readonly e1pre: Tensor2D;
  readonly e1: Tensor2D;
}

/** The [T, 3T] shift matrix of {@link NetInputs.shift}. */
export function shiftMatrix(maxEpochs: number): Float32Array {
  const T = maxEpochs;
  const s = new Float32Array(T * 3 * T);
  for (let shift = 0; shift < 3; shift++) {
    for (let t = 0; t < T; t++) {
      const source = t + shift - 1;
      if (source >= 0 && source < T) s[source * 3 * T + shift * T + t] = 1;
    }
  }
  return s;
}

/** The 32-d embedding [n, 32] and the activations for {@link performanceBackward}. Call inside a tidy. */
export function performanceForward(tf: Tf, layers: Layers, dims: InputDims, p: Params, x: NetInputs): { z: Tensor2D; cache: PerfCache } {
  const { n } = x;
  const T = dims.maxEpochs;
  const C = CONV_CHANNELS;
  const half = pooledLength(T);
  const m1pre = layers.dense(p, 'model1', x.model);
  const m1 = tf.relu(m1pre);
  const modelCode = layers.dense(p, 'model2', m1);
  const h1pre = layers.dense(p, 'hp1', x.hp);
  const h1 = tf.relu(h1pre);
  const hpCode = layers.dense(p, 'hp2', h1);
  const metaCode = layers.dense(p, 'meta', x.meta);
  const c1pre = layers.dense(p, 'conv1', x.cols1);
  const channelsFirst = tf.transpose(tf.reshape(tf.relu(c1pre), [n, T, C]), [0, 2, 1]);
  const shifted = tf.matMul(tf.reshape(channelsFirst, [n * C, T]) as Tensor2D, x.shift);
  const cols2 = tf.reshape(tf.transpose(tf.reshape(shifted, [n, C, 3, T]), [0, 3, 1, 2]), [n * T, 3 * C]) as Tensor2D;
  let out2: Tensor = layers.dense(p, 'conv2', cols2);
  if (T % 2 === 1) out2 = tf.slice(tf.reshape(out2, [n, T, C]), [0, 0, 0], [n, 2 * half, C]);
  const pairs = tf.transpose(tf.reshape(out2, [n * half, 2, C]), [1, 0, 2]);
  const a = tf.reshape(tf.slice(pairs, [0, 0, 0], [1, n * half, C]), [n * half, C]) as Tensor2D;
  const b = tf.reshape(tf.slice(pairs, [1, 0, 0], [1, n * half, C]), [n * half, C]) as Tensor2D;
  const flat = tf.reshape(tf.maximum(a, b), [n, half * C]) as Tensor2D;
  const flatD: Tensor2D = x.mask ? tf.mul(flat, x.mask) : flat;
  const r: Tensor2D = tf.relu(flatD);
  const c3pre = layers.dense(p, 'curve', r);
  const joined: Tensor2D = tf.concat([modelCode, hpCode, x.budget, metaCode, tf.relu(c3pre)], 1);
  const e1pre = layers.dense(p, 'head1', joined);
  const e1 = tf.leakyRelu(e1pre, 0.01);
  const z = layers.dense(p, 'head2', e1);
  return { z, cache: { m1pre, m1, h1pre, h1, c1pre, cols2, a, b, flatD, r, c3pre, joined, e1pre, e1 } };
}

/** Gradients of every parameter given dLoss/dz. Call inside the same tidy as the forward pass. */
export function performanceBackward(
  tf: Tf,
  layers: Layers,
  dims: InputDims,
  p: Params,
  x: NetInputs,
  cache: PerfCache,
  dz: Tensor2D,
): Record<string, Tensor> {
  const { n } = x;
  const T = dims.maxEpochs;
  const C = CONV_CHANNELS;
  const half = pooledLength(T);
  const g: Record<string, Tensor> = {};
  const de1 = layers.denseBackward(p, 'head2', cache.e1, dz, g, true)!;
  const dJoined = layers.denseBackward(p, 'head1', cache.joined, layers.reluBackward(cache.e1pre, de1, 0.01) as Tensor2D, g, true)!;
  const piece = (from: number, width: number) => tf.slice(dJoined, [0, from], [n, width]) as Tensor2D;
  const F = dims.metaDim;
  const dModel = layers.denseBackward(p, 'model2', cache.m1, piece(0, ENCODER_DIM), g, true)!;
  layers.denseBackward(p, 'model1', x.model, layers.reluBackward(cache.m1pre, dModel) as Tensor2D, g, false);
  const dHp = layers.denseBackward(p, 'hp2', cache.h1, piece(ENCODER_DIM, ENCODER_DIM), g, true)!;
  layers.denseBackward(p, 'hp1', x.hp, layers.reluBackward(cache.h1pre, dHp) as Tensor2D, g, false);
  layers.denseBackward(p, 'meta', x.meta, piece(2 * ENCODER_DIM + 1, F), g, false);
  const dCurveCode = piece(2 * ENCODER_DIM + 1 + F, CURVE_DIM);
  const dr = layers.denseBackward(p, 'curve', cache.r, layers.reluBackward(cache.c3pre, dCurveCode) as Tensor2D, g, true)!;
  let dFlat = layers.reluBackward(cache.flatD, dr);
  if (x.mask) dFlat = tf.mul(dFlat, x.mask);
  const dPooled = tf.reshape(dFlat, [n * half, C]);
  // NOTE: the max routes the gradient to a where a ≥ b, as tf.maximum's own gradient does.
  const da = tf.mul(dPooled, tf.cast(tf.greaterEqual(cache.a, cache.b), 'float32'));
  const db = tf.sub(dPooled, da);
  const dPairs = tf.concat([tf.reshape(da, [1, n * half, C]), tf.reshape(db, [1, n * half, C])], 0);
  let dOut2 = tf.reshape(tf.transpose(dPairs, [1, 0, 2]), [n, 2 * half, C]);
  if (T % 2 === 1) dOut2 = tf.pad(dOut2, [[0, 0], [0, 1], [0, 0]]);
  const dCols2 = layers.denseBackward(p, 'conv2', cache.cols2, tf.reshape(dOut2, [n * T, C]) as Tensor2D, g, true)!;
  const dShifted = tf.reshape(tf.transpose(tf.reshape(dCols2, [n, T, C, 3]), [0, 2, 3, 1]), [n * C, 3 * T]) as Tensor2D;
  const dChannelsFirst = tf.matMul(dShifted, x.shift, false, true);
  const dC1 = tf.reshape(tf.transpose(tf.reshape(dChannelsFirst, [n, C, T]), [0, 2, 1]), [n * T, C]);
  layers.denseBackward(p, 'conv1', x.cols1, layers.reluBackward(cache.c1pre, dC1) as Tensor2D, g, false);
  for (const name of Object.keys(p)) if (!g[name]) g[name] = tf.zerosLike(param(p, name));
  return g;
}

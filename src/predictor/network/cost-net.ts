import type { Tf } from '../../backend/tfjs-backend.ts';
import type { InputDims } from './batch.ts';
import type { Layers, Params, Tensor, Tensor2D } from './layers.ts';
import { linear, type ParamDeclaration } from './params.ts';
import type { NetInputs } from './performance-net.ts';

const HIDDEN = 64;

/**
 * The cost predictor (docs/method.md §6): an MLP on the pipeline, dataset and budget inputs predicting
 * the standardized log seconds of the epoch. The observed curve is left out: an epoch's duration does not
 * depend on the scores so far.
 */
export function costDeclarations(dims: InputDims): ParamDeclaration[] {
  const input = dims.modelDim + dims.hpDim + dims.metaDim + 1;
  return [...linear('cost1', input, HIDDEN), ...linear('cost2', HIDDEN, HIDDEN), ...linear('cost3', HIDDEN, 1)];
}

/** What the cost MLP reads of the network inputs. */
export type CostInputs = Pick<NetInputs, 'model' | 'hp' | 'meta' | 'budget'>;

export interface CostCache {
  readonly input: Tensor2D;
  readonly k1pre: Tensor2D;
  readonly k1: Tensor2D;
  readonly k2pre: Tensor2D;
  readonly k2: Tensor2D;
}

/** Standardized log seconds [n, 1] and the activations for {@link costBackward}. */
export function costForward(tf: Tf, layers: Layers, p: Params, x: CostInputs): { out: Tensor2D; cache: CostCache } {
  const input = tf.concat([x.model, x.hp, x.meta, x.budget], 1);
  const k1pre = layers.dense(p, 'cost1', input);
  const k1 = tf.relu(k1pre);
  const k2pre = layers.dense(p, 'cost2', k1);
  const k2 = tf.relu(k2pre);
  return { out: layers.dense(p, 'cost3', k2), cache: { input, k1pre, k1, k2pre, k2 } };
}

export function costBackward(layers: Layers, p: Params, cache: CostCache, dOut: Tensor2D): Record<string, Tensor> {
  const g: Record<string, Tensor> = {};
  const dk2 = layers.denseBackward(p, 'cost3', cache.k2, dOut, g, true)!;
  const dk1 = layers.denseBackward(p, 'cost2', cache.k1, layers.reluBackward(cache.k2pre, dk2) as Tensor2D, g, true)!;
  layers.denseBackward(p, 'cost1', cache.input, layers.reluBackward(cache.k1pre, dk1) as Tensor2D, g, false);
  return g;
}

import type { Tf } from '../../../backend/tfjs-backend.ts';
import { clipGradients } from '../epoch.ts';
import { FinetuneOptimizer } from '../optimizers.ts';
import type { PipelineModel } from '../pipeline-model.ts';
import { OPTIMIZERS } from '../settings.ts';
import { fastest } from './probe-timing.ts';

/** Each optimizer's update, clipping and the L2-SP gradient, in units of one Adam update of the same weights. */
export function relativeCosts(tf: Tf, model: PipelineModel, adamSeconds: number): Record<string, number> {
  const out: Record<string, number> = {};
  const unit = Math.max(adamSeconds, 1e-6);
  // NOTE: the update's cost does not depend on the gradient's values: random ones of the weights' shapes do.
  const grads = new Map(model.params.map((p) => [p.name, tf.randomNormal(p.variable.shape, 0, 1e-3)]));
  for (const name of OPTIMIZERS) {
    const optimizer = new FinetuneOptimizer(tf, model.params, { name, momentum: 0.9, betas: [0.9, 0.999], weightDecay: 1e-4 });
    try {
      // NOTE: a fresh optimizer's first update is slow (first kernels); the second is what a batch costs.
      out[name] = fastest(2, () => optimizer.apply(grads, 1e-3)) / unit;
    } finally {
      optimizer.dispose();
    }
  }
  out.clip = fastest(2, () => {
    const copy = new Map([...grads].map(([k, g]) => [k, tf.clone(g)]));
    clipGradients(tf, copy, 1e-3);
    tf.dispose([...copy.values()]);
  }) / unit;
  const backbone = model.network.params.map((p) => p.variable);
  out.sp = backbone.length === 0 ? 0 : fastest(2, () => {
    const { value, grads: g } = tf.variableGrads(() => model.spPenalty(0.01) as ReturnType<Tf['scalar']>, backbone);
    tf.dispose([value, ...Object.values(g)]);
  }) / unit;
  tf.dispose([...grads.values()]);
  return out;
}

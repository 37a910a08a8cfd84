import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocateBatch } from '../../src/predictor/network/batch.ts';
import { ParamLayout } from '../../src/predictor/network/params.ts';
import { EMBEDDING_DIM } from '../../src/predictor/network/performance-net.ts';
import { PRIOR_MEANS, PriorMeanModel, priorMeanDeclarations } from '../../src/predictor/network/prior-mean.ts';
import { Random } from '../../src/util/random.ts';

for (const kind of PRIOR_MEANS) {
  test(`prior mean '${kind}': its backward pass matches finite differences of Σ c_i · m_i`, () => {
    const rng = new Random(4);
    const layout = new ParamLayout([{ name: 'other', shape: [3], tensor: false }, ...priorMeanDeclarations(kind)]);
    const theta = Float64Array.from({ length: layout.size }, () => rng.normal());
    const scale = { mean: 0.3, std: 0.2 };
    const model = new PriorMeanModel(kind, layout, scale);
    const n = 6;
    const batch = allocateBatch({ modelDim: 1, hpDim: 1, metaDim: 1, maxEpochs: 4 }, n);
    for (let i = 0; i < n; i++) {
      batch.hasLast[i] = i % 2;
      batch.last[i] = i % 2 ? rng.next() : 0;
    }
    const z = Float64Array.from({ length: n * EMBEDDING_DIM }, () => rng.normal());
    const c = Float64Array.from({ length: n }, () => rng.normal());
    const objective = (t: Float64Array, zz: Float64Array) => model.offsets(t, batch, zz).reduce((s, m, i) => s + c[i]! * m, 0);
    const grad = new Float64Array(layout.size);
    const dz = new Float64Array(n * EMBEDDING_DIM);
    model.backward(theta, batch, z, c, grad, dz);
    const h = 1e-6;
    for (let k = 3; k < layout.size; k++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[k]! += h;
      minus[k]! -= h;
      const fd = (objective(plus, z) - objective(minus, z)) / (2 * h);
      assert.ok(Math.abs(fd - grad[k]!) < 1e-6, `parameter ${k}: ${fd} vs ${grad[k]}`);
    }
    for (let k = 0; k < n * EMBEDDING_DIM; k += 7) {
      const plus = Float64Array.from(z);
      const minus = Float64Array.from(z);
      plus[k]! += h;
      minus[k]! -= h;
      const fd = (objective(theta, plus) - objective(theta, minus)) / (2 * h);
      assert.ok(Math.abs(fd - dz[k]!) < 1e-6, `z[${k}]: ${fd} vs ${dz[k]}`);
    }
    if (kind === 'constant') assert.ok(model.offsets(theta, batch, z).every((m) => m === 0));
  });
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExactGp, type GpHyper } from '../../src/numerics/exact-gp.ts';
import { createJsLinalg } from '../../src/numerics/linalg-js.ts';
import { createWasmLinalg } from '../../src/numerics/linalg-wasm.ts';
import { Random } from '../../src/util/random.ts';

const IMPLEMENTATIONS = [
  { name: 'js', make: createJsLinalg },
  { name: 'wasm', make: createWasmLinalg },
] as const;

function problem(seed: number, n: number, d: number) {
  const rng = new Random(seed);
  const z = Float64Array.from({ length: n * d }, () => rng.normal());
  const y = Float64Array.from({ length: n }, () => rng.normal());
  return { z, y };
}

for (const { name, make } of IMPLEMENTATIONS) {
  for (const kernel of ['rbf', 'matern52'] as const) {
    test(`GP loss gradients match central finite differences in Float64 (${name}, ${kernel})`, () => {
      const n = 7;
      const d = 3;
      const { z, y } = problem(11, n, d);
      const hyper: GpHyper = { kernel, lengthscale: 1.4, outputscale: 0.8, noise: 0.05, mean: 0.2 };
      const gp = new ExactGp(make());
      const result = gp.nll(z, n, d, y, hyper);
      assert.equal(result.jitter, 0);
      const h = 1e-6;
      const loss = (zz: Float64Array, hh: GpHyper) => gp.nll(zz, n, d, y, hh, false).value;
      let worst = 0;
      for (let i = 0; i < n * d; i++) {
        const plus = Float64Array.from(z);
        const minus = Float64Array.from(z);
        plus[i]! += h;
        minus[i]! -= h;
        const fd = (loss(plus, hyper) - loss(minus, hyper)) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - result.dz[i]!) / Math.max(1e-3, Math.abs(fd)));
      }
      assert.ok(worst < 1e-6, `dz relative error ${worst}`);
      const fields = [
        ['lengthscale', result.dLengthscale],
        ['outputscale', result.dOutputscale],
        ['noise', result.dNoise],
        ['mean', result.dMean],
      ] as const;
      for (const [field, analytic] of fields) {
        const fd = (loss(z, { ...hyper, [field]: hyper[field] + h }) - loss(z, { ...hyper, [field]: hyper[field] - h })) / (2 * h);
        assert.ok(Math.abs(fd - analytic) < 1e-6 * Math.max(1, Math.abs(fd)), `${field}: fd ${fd} vs ${analytic}`);
      }
    });
  }

  test(`the GP loss equals the closed form for two points, and the posterior matches it (${name})`, () => {
    // Two 1-d points at distance 1: K = [[s+v, c], [c, s+v]], c = s·exp(-1/(2ℓ²)).
    const s = 1.5;
    const v = 0.1;
    const ls = 2;
    const mu = 0.3;
    const c = s * Math.exp(-1 / (2 * ls * ls));
    const z = [0, 1];
    const y = [1, -0.5];
    const gp = new ExactGp(make());
    const hyper: GpHyper = { kernel: 'rbf', lengthscale: ls, outputscale: s, noise: v, mean: mu };
    const det = (s + v) ** 2 - c * c;
    const r = y.map((t) => t - mu) as [number, number];
    const quad = ((s + v) * (r[0] ** 2 + r[1] ** 2) - 2 * c * r[0] * r[1]) / det;
    const expectedNll = (0.5 * quad + 0.5 * Math.log(det) + Math.log(2 * Math.PI)) / 2;
    const { nll, jitter } = gp.factor(z, 2, 1, y, hyper);
    assert.equal(jitter, 0);
    assert.ok(Math.abs(nll - expectedNll) < 1e-14, `${nll} vs ${expectedNll}`);
    assert.ok(Math.abs(gp.nll(z, 2, 1, y, hyper).value - expectedNll) < 1e-14);
    gp.factor(z, 2, 1, y, hyper);
    // Query at x = 0.5 (equidistant) and x = 3.
    const post = gp.posterior([0.5, 3], 2);
    for (const [j, x] of [0.5, 3].entries()) {
      const k = [s * Math.exp(-((x - 0) ** 2) / (2 * ls * ls)), s * Math.exp(-((x - 1) ** 2) / (2 * ls * ls))] as const;
      // K⁻¹ = [[a, -c], [-c, a]] / det with a = s + v.
      const kinvK = [((s + v) * k[0] - c * k[1]) / det, ((s + v) * k[1] - c * k[0]) / det];
      const mean = mu + kinvK[0]! * r[0] + kinvK[1]! * r[1];
      const variance = s - (k[0] * kinvK[0]! + k[1] * kinvK[1]!);
      assert.ok(Math.abs(post.mean[j]! - mean) < 1e-14, `mean ${post.mean[j]} vs ${mean}`);
      assert.ok(Math.abs(post.variance[j]! - variance) < 1e-14, `variance ${post.variance[j]} vs ${variance}`);
    }
    assert.equal(post.noise, v);
  });
}

test('wasm and JS give the same GP loss, gradients and posterior at n = 150', () => {
  const n = 150;
  const d = 32;
  const { z, y } = problem(3, n, d);
  const q = problem(4, 40, d).z;
  const hyper: GpHyper = { kernel: 'matern52', lengthscale: 3, outputscale: 1.1, noise: 1e-3, mean: 0 };
  const [a, b] = [createJsLinalg(), createWasmLinalg()].map((la) => {
    const gp = new ExactGp(la);
    const loss = gp.nll(z, n, d, y, hyper);
    gp.factor(z, n, d, y, hyper);
    return { loss, post: gp.posterior(q, 40) };
  }) as [{ loss: ReturnType<ExactGp['nll']>; post: ReturnType<ExactGp['posterior']> }, { loss: ReturnType<ExactGp['nll']>; post: ReturnType<ExactGp['posterior']> }];
  assert.ok(Math.abs(a.loss.value - b.loss.value) < 1e-12);
  const scale = Math.max(...Array.from(a.loss.dz, Math.abs));
  for (let i = 0; i < n * d; i++) assert.ok(Math.abs(a.loss.dz[i]! - b.loss.dz[i]!) < 1e-10 * scale);
  assert.ok(Math.abs(a.loss.dLengthscale - b.loss.dLengthscale) < 1e-10);
  for (let j = 0; j < 40; j++) {
    assert.ok(Math.abs(a.post.mean[j]! - b.post.mean[j]!) < 1e-10);
    assert.ok(Math.abs(a.post.variance[j]! - b.post.variance[j]!) < 1e-10);
  }
});

test('duplicated inputs without noise need jitter; the loss stays finite and consistent', () => {
  const n = 40;
  const d = 2;
  const rng = new Random(9);
  const base = Float64Array.from({ length: 10 * d }, () => rng.normal());
  // Every point four times: K is rank 10 without noise.
  const z = Float64Array.from({ length: n * d }, (_, i) => base[i % (10 * d)]!);
  const y = Float64Array.from({ length: n }, () => rng.normal());
  const hyper: GpHyper = { kernel: 'rbf', lengthscale: 1, outputscale: 1, noise: 0, mean: 0 };
  for (const make of [createJsLinalg, createWasmLinalg]) {
    const result = new ExactGp(make()).nll(z, n, d, y, hyper);
    assert.ok(result.jitter > 0, 'jitter was needed');
    assert.ok(Number.isFinite(result.value));
    assert.ok(result.dz.every(Number.isFinite));
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf, type Tf } from '../../../src/backend/tfjs-backend.ts';
import { FinetuneOptimizer, type OptimizerOptions } from '../../../src/trainers/tfjs/optimizers.ts';

/** Two updates of w = [1, -2] (+ a rank-2 weight) with fixed gradients; returns w after each. */
async function run(tf: Tf, options: OptimizerOptions, lr: number): Promise<number[][]> {
  const w = tf.variable(tf.tensor2d([1, -2], [1, 2]), true, `w-${Math.random()}`);
  const opt = new FinetuneOptimizer(tf, [{ name: 'w', variable: w, lrScale: 1, decay: true }], options);
  const out: number[][] = [];
  for (const g of [[0.5, 0.25], [-0.5, 1]]) {
    const grad = tf.tensor2d(g, [1, 2]);
    opt.apply(new Map([['w', grad]]), lr);
    grad.dispose();
    out.push(Array.from(w.dataSync()));
  }
  opt.dispose();
  w.dispose();
  return out;
}

function approx(actual: number[][], expected: number[][]): void {
  actual.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (expected[i]?.[j] ?? NaN)) < 1e-5, `step ${i} [${j}]: ${v} vs ${expected[i]?.[j]}`)));
}

/** Reference implementations in plain numbers (torch's formulas). */
function reference(name: OptimizerOptions['name'], wd: number, lr: number, mu: number, b1: number, b2: number): number[][] {
  let w = [1, -2];
  const buf = [0, 0];
  const m = [0, 0];
  const v = [0, 0];
  const out: number[][] = [];
  [[0.5, 0.25], [-0.5, 1]].forEach((g0, step) => {
    const t = step + 1;
    w = w.map((wi, i) => {
      const gi = (g0[i] as number) + (name === 'adamw' ? 0 : wd * wi);
      if (name === 'sgd' || name === 'momentum') {
        buf[i] = mu * (buf[i] as number) + gi;
        const update = name === 'sgd' ? gi + mu * (buf[i] as number) : (buf[i] as number);
        return wi - lr * update;
      }
      m[i] = b1 * (m[i] as number) + (1 - b1) * gi;
      v[i] = b2 * (v[i] as number) + (1 - b2) * gi * gi;
      const denom = Math.sqrt(v[i] as number) / Math.sqrt(1 - b2 ** t) + 1e-8;
      const decayed = name === 'adamw' ? wi * (1 - lr * wd) : wi;
      return decayed - (lr / (1 - b1 ** t)) * ((m[i] as number) / denom);
    });
    out.push([...w]);
  });
  return out;
}

test('sgd (Nesterov), momentum, adam (L2) and adamw (decoupled) follow the torch update rules', async () => {
  const { tf } = await loadTf();
  for (const name of ['sgd', 'momentum', 'adam', 'adamw'] as const) {
    const options: OptimizerOptions = { name, momentum: 0.9, betas: [0.9, 0.99], weightDecay: 0.1 };
    approx(await run(tf, options, 0.1), reference(name, 0.1, 0.1, 0.9, 0.9, 0.99));
  }
});

test('AdamP removes the radial component of the update when the gradient is orthogonal to the weight', async () => {
  const { tf } = await loadTf();
  const w = tf.variable(tf.tensor2d([3, 4], [2, 1]), true, 'adamp-w');
  const opt = new FinetuneOptimizer(tf, [{ name: 'w', variable: w, lrScale: 1, decay: true }], { name: 'adamp', momentum: 0, betas: [0.9, 0.999], weightDecay: 0 });
  const before = Math.hypot(3, 4);
  const g = tf.tensor2d([-4, 3], [2, 1]);
  opt.apply(new Map([['w', g]]), 0.01);
  const after = Array.from(w.dataSync());
  // Projected updates are tangent to the sphere: the norm changes only to second order.
  assert.ok(Math.abs(Math.hypot(after[0] ?? 0, after[1] ?? 0) - before) < 1e-3);
  const plain = tf.variable(tf.tensor2d([3, 4], [2, 1]), true, 'adam-w');
  const adam = new FinetuneOptimizer(tf, [{ name: 'w', variable: plain, lrScale: 1, decay: true }], { name: 'adam', momentum: 0, betas: [0.9, 0.999], weightDecay: 0 });
  adam.apply(new Map([['w', g]]), 0.01);
  const moved = Array.from(plain.dataSync());
  // Plain Adam moves the norm to first order: the projection is what keeps it.
  assert.ok(Math.abs(Math.hypot(moved[0] ?? 0, moved[1] ?? 0) - before) > 1e-3);
  tf.dispose([g, w, plain]);
  opt.dispose();
  adam.dispose();
});

test('optimizer slots survive a save and load', async () => {
  const { tf } = await loadTf();
  const w = tf.variable(tf.tensor1d([1, 2, 3]), true, 'slots-w');
  const opt = new FinetuneOptimizer(tf, [{ name: 'w', variable: w, lrScale: 1, decay: false }], { name: 'adam', momentum: 0, betas: [0.9, 0.999], weightDecay: 0 });
  opt.apply(new Map([['w', tf.tensor1d([1, 1, 1])]]), 0.1);
  const saved = new Map([...opt.state()].map(([k, t]) => [k, Float32Array.from(t.dataSync())]));
  const other = new FinetuneOptimizer(tf, [{ name: 'w', variable: w, lrScale: 1, decay: false }], { name: 'adam', momentum: 0, betas: [0.9, 0.999], weightDecay: 0 });
  other.load(saved, opt.steps);
  assert.equal(other.steps, 1);
  assert.deepEqual(Array.from(other.state().get('w/m')?.dataSync() ?? []), Array.from(saved.get('w/m') ?? []));
  assert.throws(() => other.load(new Map(), 1), /lacks optimizer slot 'w\/m'/);
  opt.dispose();
  other.dispose();
  w.dispose();
});

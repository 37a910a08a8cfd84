import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJsLinalg } from '../../src/numerics/linalg-js.ts';
import { createWasmLinalg } from '../../src/numerics/linalg-wasm.ts';
import type { LinalgKernels } from '../../src/numerics/linalg-types.ts';
import { cholWithJitter, FactorizationError } from '../../src/numerics/jitter.ts';
import { Random } from '../../src/util/random.ts';

/** A random SPD matrix A = M Mᵀ + n·I (full, row-major). */
function randomSpd(n: number, rng: Random): Float64Array {
  const m = Float64Array.from({ length: n * n }, () => rng.normal());
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += m[i * n + k]! * m[j * n + k]!;
      a[i * n + j] = s;
    }
  }
  return a;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, indices?: Iterable<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (const i of indices ?? Array.from({ length: a.length }, (_, k) => k)) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / scale);
  }
  return worst;
}

function lowerIndices(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out.push(i * n + j);
  return out;
}

/** Runs chol, trtri, lauum, cholSolve and trsm on one implementation and returns the results. */
function pipeline(la: LinalgKernels, a: Float64Array, b: Float64Array, rhs: Float64Array, n: number, m: number) {
  const s = la.slots({ L: n * n, U: n * n, K: n * n, b: n, R: m * n, v: m, w: m });
  s.L.set(a);
  assert.equal(la.chol(s.L, n), 0);
  la.trtri(s.L, s.U, n);
  la.lauum(s.U, s.K, n);
  s.b.set(b);
  la.cholSolve(s.L, n, s.b);
  s.R.set(rhs);
  la.gemv(s.R, m, n, s.b, s.v);
  la.trsmRows(s.L, n, s.R, m);
  la.rowSumSquares(s.R, m, n, s.w);
  return {
    L: Float64Array.from(s.L),
    U: Float64Array.from(s.U),
    Kinv: Float64Array.from(s.K),
    x: Float64Array.from(s.b),
    R: Float64Array.from(s.R),
    gemv: Float64Array.from(s.v),
    sumSquares: Float64Array.from(s.w),
  };
}

for (const n of [1, 2, 3, 5, 8, 13, 37, 64]) {
  test(`wasm and JS kernels agree and invert an SPD matrix (n=${n})`, () => {
    const rng = new Random(n);
    const a = randomSpd(n, rng);
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const m = 7;
    const rhs = Float64Array.from({ length: n * m }, () => rng.normal());
    const js = pipeline(createJsLinalg(), a, b, rhs, n, m);
    const wasm = pipeline(createWasmLinalg(), a, b, rhs, n, m);
    const lower = lowerIndices(n);
    assert.ok(maxRelDiff(wasm.L, js.L, lower) < 1e-13, 'chol');
    assert.ok(maxRelDiff(wasm.Kinv, js.Kinv, lower) < 1e-12, 'K⁻¹');
    assert.ok(maxRelDiff(wasm.x, js.x) < 1e-12, 'solve');
    assert.ok(maxRelDiff(wasm.R, js.R) < 1e-12, 'trsmRows');
    assert.ok(maxRelDiff(wasm.gemv, js.gemv) < 1e-12, 'gemv');
    assert.ok(maxRelDiff(wasm.sumSquares, js.sumSquares) < 1e-12, 'rowSumSquares');
    // The JS results are right: L Lᵀ = A, K⁻¹ A = I, A x = b, L R = rhs.
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let llt = 0;
        for (let k = 0; k <= j; k++) llt += js.L[i * n + k]! * js.L[j * n + k]!;
        assert.ok(Math.abs(llt - a[i * n + j]!) < 1e-10 * n, `LLᵀ[${i}][${j}]`);
      }
    }
    const kinv = (i: number, j: number) => (i >= j ? js.Kinv[i * n + j]! : js.Kinv[j * n + i]!);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += kinv(i, k) * a[k * n + j]!;
        assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-10, `K⁻¹A[${i}][${j}] = ${s}`);
      }
      let ax = 0;
      for (let k = 0; k < n; k++) ax += a[i * n + k]! * js.x[k]!;
      assert.ok(Math.abs(ax - b[i]!) < 1e-9);
      for (let c = 0; c < m; c++) {
        let lr = 0;
        for (let k = 0; k <= i; k++) lr += js.L[i * n + k]! * js.R[c * n + k]!;
        assert.ok(Math.abs(lr - rhs[c * n + i]!) < 1e-9, 'L · trsmRows(row) = row');
      }
    }
    for (let i = 0; i < n; i++) for (let k = 0; k < i; k++) assert.equal(wasm.U[i * n + k], 0, 'U has zeros below the diagonal');
    for (let c = 0; c < m; c++) {
      const row = rhs.subarray(c * n, (c + 1) * n);
      assert.ok(Math.abs(js.gemv[c]! - row.reduce((acc, v, k) => acc + v * js.x[k]!, 0)) < 1e-9, "gemv uses the solved vector");
      const solved = js.R.subarray(c * n, (c + 1) * n);
      assert.ok(Math.abs(js.sumSquares[c]! - solved.reduce((acc, v) => acc + v * v, 0)) < 1e-9);
    }
  });
}

test('distances and kernels agree between wasm and JS', () => {
  const rng = new Random(5);
  const n = 9;
  const m = 4;
  const d = 5;
  const z = Float64Array.from({ length: n * d }, () => rng.normal());
  const q = Float64Array.from({ length: m * d }, () => rng.normal());
  for (const kind of ['rbf', 'matern52'] as const) {
    const results = [createJsLinalg(), createWasmLinalg()].map((la) => {
      const s = la.slots({ z: n * d, q: m * d, D: n * n, K: n * n, C: n * m });
      s.z.set(z);
      s.q.set(q);
      la.sqdistSelf(s.z, n, d, s.D);
      la.kernelLower(kind, s.D, n, 1.3, 0.7, 0.01, s.K);
      la.sqdistCross(s.z, n, s.q, m, d, s.C);
      la.kernelDense(kind, s.C, n * m, 1.3, 0.7, s.C);
      return { K: Float64Array.from(s.K), C: Float64Array.from(s.C) };
    });
    const [js, wasm] = results as [(typeof results)[0], (typeof results)[0]];
    assert.ok(maxRelDiff(wasm.K, js.K, lowerIndices(n)) < 1e-14);
    assert.ok(maxRelDiff(wasm.C, js.C) < 1e-14);
    assert.equal(js.K[0], 0.7 + 0.01, 'diagonal = outputscale + noise');
    const d01 = Array.from({ length: d }, (_, k) => (z[d + k]! - z[k]!) ** 2).reduce((a, b) => a + b);
    const r = Math.sqrt(d01) / 1.3;
    const expected =
      kind === 'rbf' ? 0.7 * Math.exp(-0.5 * r * r) : 0.7 * (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);
    assert.ok(Math.abs(js.K[n]! - expected) < 1e-15);
  }
});

test('a singular matrix gets the smallest jitter that factors it, and a hopeless one throws', () => {
  for (const la of [createJsLinalg(), createWasmLinalg()]) {
    const n = 6;
    // Rank one: every entry 1, so only jitter on the diagonal makes it positive definite.
    const s = la.slots({ K: n * n, L: n * n });
    s.K.fill(1);
    const jitter = cholWithJitter(la, s.K, s.L, n, 1);
    assert.equal(jitter, 1e-6, la.implementation);
    assert.equal(s.K[0], 1, 'the input is left intact');
    assert.ok(Math.abs(s.L[0]! - Math.sqrt(1 + 1e-6)) < 1e-15);
    s.K.fill(0);
    for (let i = 0; i < n; i++) s.K[i * n + i] = 1;
    s.K[3 * n + 3] = -5;
    assert.throws(() => cholWithJitter(la, s.K, s.L, n, 1), (error: unknown) => error instanceof FactorizationError && error.row === 3);
  }
});

test('wasm slots keep their content when another slot makes memory grow', () => {
  const la = createWasmLinalg();
  const first = la.slots({ a: 10 });
  first.a.set(Array.from({ length: 10 }, (_, i) => i + 0.5));
  const grown = la.slots({ a: 10, big: 2_000_000 });
  assert.deepEqual(Array.from(grown.a), Array.from({ length: 10 }, (_, i) => i + 0.5));
  assert.throws(() => la.chol(first.a, 3), /stale/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { argMax, erfc, expectedImprovement, logExpectedImprovement, logH, normalCdf } from '../../src/optimizer/acquisition.ts';

test('erfc and the normal cdf match tabulated values', () => {
  assert.ok(Math.abs(erfc(0) - 1) < 1e-7);
  assert.ok(Math.abs(erfc(1) - 0.157299207050285) < 1e-7);
  assert.ok(Math.abs(erfc(-1) - 1.842700792949715) < 1e-7);
  assert.ok(Math.abs(normalCdf(1.96) - 0.9750021048517795) < 1e-7);
  assert.ok(Math.abs(normalCdf(-3) - 0.0013498980316301) < 1e-9);
});

test('expected improvement matches the closed form (μ − y*)Φ(z) + σφ(z)', () => {
  const cases: Array<[number, number, number]> = [
    [0.7, 0.1, 0.6],
    [0.5, 0.2, 0.6],
    [0.9, 0.05, 0.2],
    [0.3, 0.3, 0.3],
  ];
  for (const [mean, std, best] of cases) {
    const z = (mean - best) / std;
    const pdf = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const expected = (mean - best) * normalCdf(z) + std * pdf;
    const got = expectedImprovement(mean, std, best);
    assert.ok(Math.abs(got - expected) < 1e-7 * Math.max(1, expected), `${mean},${std},${best}: ${got} vs ${expected}`);
  }
});

test('log EI stays finite and ordered far below the incumbent, where EI underflows', () => {
  const values = [-5, -10, -30, -40, -100].map((z) => logH(z));
  for (const v of values) assert.ok(Number.isFinite(v));
  for (let i = 1; i < values.length; i++) assert.ok((values[i] ?? 0) < (values[i - 1] ?? 0));
  // NOTE: asymptotically h(z) ≈ φ(z)/z² for z → −∞.
  const z = -40;
  const asymptotic = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z);
  assert.ok(Math.abs(logH(z) - asymptotic) < 2e-3);
  // NOTE: continuity where the computation switches from erfc to the continued fraction.
  assert.ok(Math.abs(logH(-2.999999) - logH(-3.000001)) < 1e-4);
  assert.equal(expectedImprovement(0, 0.001, 1), 0);
  assert.ok(Number.isFinite(logExpectedImprovement(0, 0.001, 1)));
});

test('EI with zero std is the plain improvement', () => {
  assert.equal(expectedImprovement(0.8, 0, 0.5).toFixed(12), (0.3).toFixed(12));
  assert.equal(logExpectedImprovement(0.4, 0, 0.5), -Infinity);
});

test('argMax returns the first of equal maxima and -1 for an empty list', () => {
  assert.equal(argMax([1, 3, 3, 2]), 1);
  assert.equal(argMax([-Infinity, -Infinity]), 0);
  assert.equal(argMax([]), -1);
});

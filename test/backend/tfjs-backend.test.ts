import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTf } from '../../src/backend/tfjs-backend.ts';

test('the backend falls back to wasm when no native TensorFlow package is installed', async () => {
  const { tf, backend, provider } = await loadTf();
  assert.ok(['wasm', 'tensorflow', 'tensorflow-gpu'].includes(backend), backend);
  assert.equal(tf.getBackend(), backend === 'wasm' ? 'wasm' : 'tensorflow');
  assert.match(provider, /@tensorflow\//);
});

test('the patched BatchMatMul gives the same products and gradients with transposed operands', async () => {
  const { tf } = await loadTf();
  const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
  const b = tf.tensor2d([0.5, -1, 2, 0.25, 3, -2], [3, 2]);
  const expected = [
    [1 * 0.5 + 3 * 2 + 5 * 3, 1 * -1 + 3 * 0.25 + 5 * -2],
    [2 * 0.5 + 4 * 2 + 6 * 3, 2 * -1 + 4 * 0.25 + 6 * -2],
  ];
  assert.deepEqual(tf.matMul(a, b, true, false).arraySync(), expected);
  assert.deepEqual(tf.transpose(tf.matMul(b, a, true, false)).arraySync(), expected);
  // d/da sum(aᵀb) = b, whatever path the backward pass takes.
  const grad = tf.grad((x) => tf.sum(tf.matMul(x as typeof a, b, true, false)))(a);
  const bRowSums = (b.arraySync() as number[][]).map((row) => row[0]! + row[1]!);
  assert.deepEqual(grad.arraySync(), bRowSums.map((s) => [s, s]));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import '@tensorflow/tfjs-backend-cpu';
import { loadTf, type Tf } from '../../src/backend/tfjs-backend.ts';
import { setIm2colBudget } from '../../src/backend/wasm-conv2d-grads.ts';
import { setDepthwiseSimd } from '../../src/backend/wasm-depthwise-grads.ts';
import { setDepthwiseChunkBytes } from '../../src/backend/wasm-depthwise-simd.ts';
import { Random } from '../../src/util/random.ts';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

function randomArray(n: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: n }, () => random.normal());
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs a kernel on the given backend from plain arrays and returns its output values. */
async function runOn(
  tf: Tf,
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, { values: Float32Array; shape: number[] }>,
  attrs: Record<string, unknown>,
): Promise<Float32Array> {
  await tf.setBackend(backend);
  const tensors = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.values, v.shape)]));
  const out = tf.engine().runKernel(kernel, tensors as never, attrs as never) as ReturnType<Tf['tensor']>;
  const values = out.dataSync() as Float32Array;
  out.dispose();
  for (const t of Object.values(tensors)) t.dispose();
  return values;
}

function assertClose(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let scale = 1e-6;
  for (const v of expected) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < expected.length; i++) {
    const error = Math.abs((actual[i] as number) - (expected[i] as number)) / scale;
    assert.ok(error < 2e-5, `${what}: element ${i}: ${actual[i]} vs ${expected[i]} (relative ${error.toExponential(2)})`);
  }
}

interface ConvCase {
  readonly x: [number, number, number, number];
  readonly filter: [number, number, number, number];
  readonly strides: [number, number];
  readonly pad: Pad;
  readonly dilations?: [number, number];
}

function outShape(tf: Tf, c: ConvCase, depthwise: boolean): number[] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations ?? 1, c.pad, undefined, depthwise);
  return info.outShape;
}

const CONV_CASES: ConvCase[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 5], filter: [3, 3, 5, 6], strides: [2, 2], pad: 'same' },
  { x: [1, 9, 7, 4], filter: [3, 3, 4, 3], strides: [2, 2], pad: 'valid' },
  { x: [2, 6, 6, 8], filter: [1, 1, 8, 5], strides: [1, 1], pad: 'valid' },
  { x: [2, 6, 6, 8], filter: [1, 1, 8, 5], strides: [2, 2], pad: 'same' },
  { x: [1, 7, 8, 2], filter: [5, 3, 2, 3], strides: [1, 2], pad: 'same' },
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: [2, 2], pad: [[0, 0], [0, 1], [0, 1], [0, 0]] },
];

test('wasm Conv2DBackpropFilter and Conv2DBackpropInput match the cpu backend', async () => {
  const { tf } = await loadTf();
  try {
    for (const [i, c] of CONV_CASES.entries()) {
      const dyShape = outShape(tf, c, false);
      const x = { values: randomArray(size(c.x), 10 + i), shape: [...c.x] };
      const dy = { values: randomArray(size(dyShape), 20 + i), shape: dyShape };
      const filter = { values: randomArray(size(c.filter), 30 + i), shape: [...c.filter] };
      const fAttrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
      const iAttrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
      const what = `case ${i} ${JSON.stringify(c)}`;
      assertClose(
        await runOn(tf, 'wasm', 'Conv2DBackpropFilter', { x, dy }, fAttrs),
        await runOn(tf, 'cpu', 'Conv2DBackpropFilter', { x, dy }, fAttrs),
        `filter grad ${what}`,
      );
      assertClose(
        await runOn(tf, 'wasm', 'Conv2DBackpropInput', { dy, filter }, iAttrs),
        await runOn(tf, 'cpu', 'Conv2DBackpropInput', { dy, filter }, iAttrs),
        `input grad ${what}`,
      );
    }
  } finally {
    await tf.setBackend('wasm');
  }
});

test('the im2col kernels give the same result when the batch is processed in slices', async () => {
  const { tf } = await loadTf();
  const c = CONV_CASES[1] as ConvCase;
  const dyShape = outShape(tf, c, false);
  const x = { values: randomArray(size(c.x), 1), shape: [...c.x] };
  const dy = { values: randomArray(size(dyShape), 2), shape: dyShape };
  const filter = { values: randomArray(size(c.filter), 3), shape: [...c.filter] };
  const fAttrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', filterShape: c.filter };
  const iAttrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x };
  const whole = await runOn(tf, 'wasm', 'Conv2DBackpropFilter', { x, dy }, fAttrs);
  const wholeInput = await runOn(tf, 'wasm', 'Conv2DBackpropInput', { dy, filter }, iAttrs);
  const previous = setIm2colBudget(1);
  try {
    assertClose(await runOn(tf, 'wasm', 'Conv2DBackpropFilter', { x, dy }, fAttrs), whole, 'sliced filter grad');
    assertClose(await runOn(tf, 'wasm', 'Conv2DBackpropInput', { dy, filter }, iAttrs), wholeInput, 'sliced input grad');
  } finally {
    setIm2colBudget(previous);
  }
});

const DEPTHWISE_CASES: ConvCase[] = [
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 1], strides: [1, 1], pad: 'same' },
  { x: [2, 8, 8, 4], filter: [3, 3, 4, 2], strides: [2, 2], pad: 'same' },
  { x: [1, 9, 9, 3], filter: [5, 5, 3, 1], strides: [2, 2], pad: 'valid' },
  { x: [1, 9, 9, 5], filter: [3, 3, 5, 1], strides: [2, 2], pad: [[0, 0], [0, 1], [0, 1], [0, 0]] },
];

test('wasm depthwise filter and input gradients match the cpu backend', async () => {
  const { tf } = await loadTf();
  try {
    for (const [i, c] of DEPTHWISE_CASES.entries()) {
      const dyShape = outShape(tf, c, true);
      const x = { values: randomArray(size(c.x), 40 + i), shape: [...c.x] };
      const dy = { values: randomArray(size(dyShape), 50 + i), shape: dyShape };
      const filter = { values: randomArray(size(c.filter), 60 + i), shape: [...c.filter] };
      const common = { strides: c.strides, pad: c.pad, dilations: c.dilations ?? [1, 1] };
      const what = `case ${i} ${JSON.stringify(c)}`;
      const fAttrs = { ...common, filterShape: c.filter };
      const iAttrs = { ...common, inputShape: c.x };
      assertClose(
        await runOn(tf, 'wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, fAttrs),
        await runOn(tf, 'cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, fAttrs),
        `filter grad ${what}`,
      );
      assertClose(
        await runOn(tf, 'wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, iAttrs),
        await runOn(tf, 'cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, iAttrs),
        `input grad ${what}`,
      );
    }
  } finally {
    await tf.setBackend('wasm');
  }
});

test('autodiff through conv2d and depthwiseConv2d (fused, with bias and relu) trains on wasm as on cpu', async () => {
  const { tf } = await loadTf();
  const xs = randomArray(2 * 8 * 8 * 3, 7);
  const ws = randomArray(3 * 3 * 3 * 4, 8);
  const ds = randomArray(3 * 3 * 4 * 1, 9);
  const bs = randomArray(4, 10);
  const grads = async (backend: 'cpu' | 'wasm'): Promise<Float32Array[]> => {
    await tf.setBackend(backend);
    const x = tf.tensor4d(xs, [2, 8, 8, 3]);
    const w = tf.tensor4d(ws, [3, 3, 3, 4]);
    const d = tf.tensor4d(ds, [3, 3, 4, 1]);
    const b = tf.tensor1d(bs);
    const f = (xx: typeof x, ww: typeof w, dd: typeof d, bb: typeof b) => {
      const h = tf.fused.conv2d({ x: xx, filter: ww, strides: 2, pad: 'same', bias: bb, activation: 'relu' });
      const k = tf.depthwiseConv2d(h, dd, 1, 'same');
      return tf.sum(tf.square(k));
    };
    const g = tf.grads((a, b1, c, e) => f(a as typeof x, b1 as typeof w, c as typeof d, e as typeof b))([x, w, d, b]);
    const out = g.map((t) => t.dataSync() as Float32Array);
    tf.dispose([...g, x, w, d, b]);
    return out;
  };
  try {
    const expected = await grads('cpu');
    const actual = await grads('wasm');
    for (const [i, name] of ['x', 'filter', 'depthwise filter', 'bias'].entries()) {
      assertClose(actual[i] as Float32Array, expected[i] as Float32Array, `d/d${name}`);
    }
  } finally {
    await tf.setBackend('wasm');
  }
});

test('dilated depthwise gradients equal those of the zero-inserted (undilated) filter on cpu', async () => {
  // NOTE: the cpu kernels ignore dilations (tfjs refuses dilated gradients), so the reference is the equivalent
  // undilated filter of size (k - 1)·d + 1 with zeros between the taps.
  const { tf } = await loadTf();
  const x = { values: randomArray(2 * 9 * 8 * 3, 70), shape: [2, 9, 8, 3] };
  const dy = { values: randomArray(2 * 9 * 8 * 3, 71), shape: [2, 9, 8, 3] };
  const small = randomArray(3 * 3 * 3, 72);
  const big = new Float32Array(5 * 5 * 3);
  for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) for (let c = 0; c < 3; c++) {
    big[(kh * 2 * 5 + kw * 2) * 3 + c] = small[(kh * 3 + kw) * 3 + c] as number;
  }
  const dilated = { strides: [1, 1], pad: 'same', dilations: [2, 2] };
  const plain = { strides: [1, 1], pad: 'same', dilations: [1, 1] };
  try {
    const dW = await runOn(tf, 'wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...dilated, filterShape: [3, 3, 3, 1] });
    const dBig = await runOn(tf, 'cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...plain, filterShape: [5, 5, 3, 1] });
    const expected = new Float32Array(27);
    for (let kh = 0; kh < 3; kh++) for (let kw = 0; kw < 3; kw++) for (let c = 0; c < 3; c++) {
      expected[(kh * 3 + kw) * 3 + c] = dBig[(kh * 2 * 5 + kw * 2) * 3 + c] as number;
    }
    assertClose(dW, expected, 'dilated filter grad');
    const dx = await runOn(tf, 'wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: { values: small, shape: [3, 3, 3, 1] } }, { ...dilated, inputShape: x.shape });
    const dxBig = await runOn(tf, 'cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: { values: big, shape: [5, 5, 3, 1] } }, { ...plain, inputShape: x.shape });
    assertClose(dx, dxBig, 'dilated input grad');
  } finally {
    await tf.setBackend('wasm');
  }
});

test('the SIMD depthwise kernels agree with the plain-JS ones, also when the batch is processed in slices', async () => {
  const { tf } = await loadTf();
  const c: ConvCase = { x: [3, 9, 7, 10], filter: [3, 3, 10, 1], strides: [2, 1], pad: 'same' };
  const dyShape = outShape(tf, c, true);
  const x = { values: randomArray(size(c.x), 80), shape: [...c.x] };
  const dy = { values: randomArray(size(dyShape), 81), shape: dyShape };
  const filter = { values: randomArray(size(c.filter), 82), shape: [...c.filter] };
  const common = { strides: c.strides, pad: c.pad, dilations: [1, 1] };
  const run = async (): Promise<Float32Array[]> => [
    await runOn(tf, 'wasm', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...common, filterShape: c.filter }),
    await runOn(tf, 'wasm', 'DepthwiseConv2dNativeBackpropInput', { dy, filter }, { ...common, inputShape: c.x }),
  ];
  const simd = await run();
  const previousChunk = setDepthwiseChunkBytes(1);
  const sliced = await run();
  setDepthwiseChunkBytes(previousChunk);
  const previous = setDepthwiseSimd(false);
  try {
    const plain = await run();
    for (let i = 0; i < 2; i++) {
      assertClose(simd[i] as Float32Array, plain[i] as Float32Array, `simd vs js ${i}`);
      assertClose(sliced[i] as Float32Array, plain[i] as Float32Array, `sliced simd vs js ${i}`);
    }
  } finally {
    setDepthwiseSimd(previous);
  }
});

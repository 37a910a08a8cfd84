import type { Tf } from './tfjs-backend.ts';
import {
  callKernel, convDataFormat, inputOf, registerWasmKernel, viewAs,
  type KernelArgs, type TensorInfoLike, type WasmBackendLike,
} from './wasm-kernel-support.ts';

/** Largest im2col buffer (floats) built at once; bigger batches are processed in slices of images. */
let colBudget = 1 << 23;

/** Changes the im2col budget (floats); returns the previous one. For tests of the sliced path. */
export function setIm2colBudget(floats: number): number {
  const previous = colBudget;
  colBudget = Math.max(1, Math.floor(floats));
  return previous;
}

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];
type Shape4 = [number, number, number, number];

interface Geometry {
  batch: number; inH: number; inW: number; inC: number;
  outH: number; outW: number; outC: number;
  kH: number; kW: number; sH: number; sW: number; top: number; left: number;
}

function geometry(tf: Tf, inShape: Shape4, filterShape: Shape4, attrs: Record<string, unknown>): Geometry {
  const info = tf.backend_util.computeConv2DInfo(
    inShape, filterShape, attrs.strides as [number, number], 1, attrs.pad as Pad,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined, false, 'channelsLast',
  );
  return {
    batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, inC: info.inChannels,
    outH: info.outHeight, outW: info.outWidth, outC: info.outChannels,
    kH: info.filterHeight, kW: info.filterWidth, sH: info.strideHeight, sW: info.strideWidth,
    top: info.padInfo.top, left: info.padInfo.left,
  };
}

function isPointwise(g: Geometry): boolean {
  return g.kH === 1 && g.kW === 1 && g.sH === 1 && g.sW === 1 && g.top === 0 && g.left === 0 && g.outH === g.inH && g.outW === g.inW;
}

function imagesPerSlice(g: Geometry): number {
  const perImage = g.outH * g.outW * g.kH * g.kW * g.inC;
  return Math.max(1, Math.min(g.batch, Math.floor(colBudget / perImage)));
}

/** Rows of image patches, one row per output pixel: col[row, (kh, kw, c)] = x[b, oh·s + kh − pad, ow·s + kw − pad, c]. */
function im2col(x: Float32Array, col: Float32Array, g: Geometry, b0: number, b1: number): void {
  const { inH, inW, inC, outH, outW, kH, kW, sH, sW, top, left } = g;
  const rowLen = kH * kW * inC;
  let dst = 0;
  for (let b = b0; b < b1; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        const iw0 = ow * sW - left;
        const fullRow = iw0 >= 0 && iw0 + kW <= inW;
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH - top + kh;
          if (ih < 0 || ih >= inH) {
            col.fill(0, dst, dst + kW * inC);
            dst += kW * inC;
            continue;
          }
          const rowBase = ((b * inH + ih) * inW) * inC;
          if (fullRow) {
            // NOTE: kW neighbouring pixels are contiguous in NHWC: one copy for the whole patch row (a plain
            // loop when it is short, e.g. an RGB stem, where creating a subarray costs more than the copy).
            const from = rowBase + iw0 * inC;
            const length = kW * inC;
            if (length < 64) for (let k = 0; k < length; k++) col[dst + k] = x[from + k] as number;
            else col.set(x.subarray(from, from + length), dst);
            dst += length;
            continue;
          }
          for (let kw = 0; kw < kW; kw++) {
            const iw = iw0 + kw;
            if (iw < 0 || iw >= inW) col.fill(0, dst, dst + inC);
            else col.set(x.subarray(rowBase + iw * inC, rowBase + (iw + 1) * inC), dst);
            dst += inC;
          }
        }
      }
    }
  }
  if (dst !== (b1 - b0) * outH * outW * rowLen) throw new Error('im2col: size mismatch');
}

/** Inverse of im2col: adds every patch-row entry back onto the input pixel it came from. */
function col2imAdd(col: Float32Array, dx: Float32Array, g: Geometry, b0: number, b1: number): void {
  const { inH, inW, inC, outH, outW, kH, kW, sH, sW, top, left } = g;
  let src = 0;
  for (let b = b0; b < b1; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++) {
        for (let kh = 0; kh < kH; kh++) {
          const ih = oh * sH - top + kh;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - left + kw;
            if (ih >= 0 && ih < inH && iw >= 0 && iw < inW) {
              const base = ((b * inH + ih) * inW + iw) * inC;
              for (let c = 0; c < inC; c++) dx[base + c] = (dx[base + c] as number) + (col[src + c] as number);
            }
            src += inC;
          }
        }
      }
    }
  }
}

/** Copies images [b0, b1) of an NHWC tensor into a new heap tensor of shape [1, rows, channels]. */
function sliceImages(backend: WasmBackendLike, t: TensorInfoLike, b0: number, b1: number): TensorInfoLike {
  const [batch = 1] = t.shape;
  const perImage = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const channels = t.shape[t.shape.length - 1] ?? 1;
  if (b0 === 0 && b1 === batch) return viewAs(t, [1, (batch * perImage) / channels, channels]);
  const out = backend.makeOutput([1, ((b1 - b0) * perImage) / channels, channels], 'float32');
  backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(t).subarray(b0 * perImage, b1 * perImage));
  return out;
}

function conv2dBackpropFilter(tf: Tf, args: KernelArgs): TensorInfoLike {
  const name = 'Conv2DBackpropFilter';
  const backend = args.backend as WasmBackendLike;
  const x = inputOf(args, 'x', name);
  const dy = inputOf(args, 'dy', name);
  const attrs = args.attrs ?? {};
  convDataFormat(attrs, name);
  const filterShape = attrs.filterShape as Shape4;
  const g = geometry(tf, x.shape as Shape4, filterShape, attrs);
  const rowLen = g.kH * g.kW * g.inC;
  if (isPointwise(g)) {
    // NOTE: a 1×1 stride-1 conv is a matmul of the pixels: dW = Xᵀ·dY, no patch matrix needed.
    const rows = g.batch * g.inH * g.inW;
    const out = callKernel(tf, 'BatchMatMul', { a: viewAs(x, [1, rows, g.inC]), b: viewAs(dy, [1, rows, g.outC]) }, backend, { transposeA: true, transposeB: false });
    return viewAs(out, [...filterShape]);
  }
  const step = imagesPerSlice(g);
  let result: TensorInfoLike | undefined;
  for (let b0 = 0; b0 < g.batch; b0 += step) {
    const b1 = Math.min(g.batch, b0 + step);
    const rows = (b1 - b0) * g.outH * g.outW;
    const col = backend.makeOutput([1, rows, rowLen], 'float32');
    const dySlice = sliceImages(backend, dy, b0, b1);
    im2col(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(col), g, b0, b1);
    const part = callKernel(tf, 'BatchMatMul', { a: col, b: dySlice }, backend, { transposeA: true, transposeB: false });
    backend.disposeData(col.dataId);
    if (dySlice.dataId !== dy.dataId) backend.disposeData(dySlice.dataId);
    if (!result) {
      result = part;
    } else {
      const acc = backend.typedArrayFromHeap(result);
      const add = backend.typedArrayFromHeap(part);
      for (let i = 0; i < acc.length; i++) acc[i] = (acc[i] as number) + (add[i] as number);
      backend.disposeData(part.dataId);
    }
  }
  if (!result) throw new Error(`${name}: empty batch`);
  return viewAs(result, [...filterShape]);
}

function conv2dBackpropInput(tf: Tf, args: KernelArgs): TensorInfoLike {
  const name = 'Conv2DBackpropInput';
  const backend = args.backend as WasmBackendLike;
  const dy = inputOf(args, 'dy', name);
  const filter = inputOf(args, 'filter', name);
  const attrs = args.attrs ?? {};
  convDataFormat(attrs, name);
  const inShape = attrs.inputShape as Shape4;
  const g = geometry(tf, inShape, filter.shape as Shape4, attrs);
  const rowLen = g.kH * g.kW * g.inC;
  const wT = viewAs(filter, [1, rowLen, g.outC]);
  if (isPointwise(g)) {
    const rows = g.batch * g.inH * g.inW;
    const out = callKernel(tf, 'BatchMatMul', { a: viewAs(dy, [1, rows, g.outC]), b: wT }, backend, { transposeA: false, transposeB: true });
    return viewAs(out, [...inShape]);
  }
  const dx = backend.makeOutput([...inShape], 'float32');
  backend.typedArrayFromHeap(dx).fill(0);
  const step = imagesPerSlice(g);
  for (let b0 = 0; b0 < g.batch; b0 += step) {
    const b1 = Math.min(g.batch, b0 + step);
    const dySlice = sliceImages(backend, dy, b0, b1);
    // NOTE: dCol = dY·Wᵀ runs on XNNPACK; scattering it back (col2im) is one pass in JS. The stock wasm kernel
    // is a direct loop about 10x slower than this (measured in bench/conv-grads).
    const dcol = callKernel(tf, 'BatchMatMul', { a: dySlice, b: wT }, backend, { transposeA: false, transposeB: true });
    col2imAdd(backend.typedArrayFromHeap(dcol), backend.typedArrayFromHeap(dx), g, b0, b1);
    backend.disposeData(dcol.dataId);
    if (dySlice.dataId !== dy.dataId) backend.disposeData(dySlice.dataId);
  }
  return dx;
}

/** Registers Conv2DBackpropFilter (absent from tfjs-backend-wasm) and a faster Conv2DBackpropInput. */
export function patchWasmConv2dGrads(tf: Tf): void {
  registerWasmKernel(tf, 'Conv2DBackpropFilter', (args) => conv2dBackpropFilter(tf, args));
  registerWasmKernel(tf, 'Conv2DBackpropInput', (args) => conv2dBackpropInput(tf, args));
}

import type { Tf } from './tfjs-backend.ts';
import { depthwiseSimd, type DepthwiseGeometry } from './wasm-depthwise-simd.ts';
import { convDataFormat, inputOf, registerWasmKernel, type KernelArgs, type TensorInfoLike, type WasmBackendLike } from './wasm-kernel-support.ts';

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

type Geometry = DepthwiseGeometry;

/** Whether to run the SIMD kernels (multiplier 1 only); off = the plain-JS loops below (tests compare them). */
let useSimd = true;

export function setDepthwiseSimd(enabled: boolean): boolean {
  const previous = useSimd;
  useSimd = enabled;
  return previous;
}

function geometry(tf: Tf, inShape: Shape4, filterShape: Shape4, attrs: Record<string, unknown>): Geometry {
  const info = tf.backend_util.computeConv2DInfo(
    inShape, filterShape, attrs.strides as [number, number], (attrs.dilations as [number, number] | undefined) ?? 1,
    attrs.pad as Pad, attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined, true, 'channelsLast',
  );
  return {
    batch: info.batchSize, inH: info.inHeight, inW: info.inWidth, channels: info.inChannels,
    multiplier: filterShape[3], outH: info.outHeight, outW: info.outWidth,
    kH: info.filterHeight, kW: info.filterWidth, sH: info.strideHeight, sW: info.strideWidth,
    dH: info.dilationHeight, dW: info.dilationWidth, top: info.padInfo.top, left: info.padInfo.left,
  };
}

/**
 * dW[kh, kw, c, q] = Σ over images and output pixels of x[b, ih, iw, c] · dy[b, oh, ow, c·Q + q], with
 * ih = oh·s + kh·d − pad. NOTE: the inner loop runs over channels, contiguous in NHWC for x, dy and the
 * accumulator; sums are kept in float64 because they run over every pixel of the batch.
 */
function depthwiseFilterGrad(x: Float32Array, dy: Float32Array, g: Geometry): Float64Array {
  const { batch, inH, inW, channels: C, multiplier: Q, outH, outW, kH, kW, sH, sW, dH, dW, top, left } = g;
  const CQ = C * Q;
  const acc = new Float64Array(kH * kW * CQ);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let kh = 0; kh < kH; kh++) {
        const ih = oh * sH - top + kh * dH;
        if (ih < 0 || ih >= inH) continue;
        for (let ow = 0; ow < outW; ow++) {
          const dyBase = ((b * outH + oh) * outW + ow) * CQ;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - left + kw * dW;
            if (iw < 0 || iw >= inW) continue;
            const xBase = ((b * inH + ih) * inW + iw) * C;
            const aBase = (kh * kW + kw) * CQ;
            if (Q === 1) {
              for (let c = 0; c < C; c++) acc[aBase + c] = (acc[aBase + c] as number) + (x[xBase + c] as number) * (dy[dyBase + c] as number);
            } else {
              for (let c = 0; c < C; c++) {
                const xv = x[xBase + c] as number;
                for (let q = 0; q < Q; q++) {
                  const i = c * Q + q;
                  acc[aBase + i] = (acc[aBase + i] as number) + xv * (dy[dyBase + i] as number);
                }
              }
            }
          }
        }
      }
    }
  }
  return acc;
}

/** dx[b, ih, iw, c] = Σ dy[b, oh, ow, c·Q + q] · w[kh, kw, c, q] over the taps that read (ih, iw): a scatter-add. */
function depthwiseInputGrad(dy: Float32Array, w: Float32Array, dx: Float32Array, g: Geometry): void {
  const { batch, inH, inW, channels: C, multiplier: Q, outH, outW, kH, kW, sH, sW, dH, dW, top, left } = g;
  const CQ = C * Q;
  dx.fill(0);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outH; oh++) {
      for (let kh = 0; kh < kH; kh++) {
        const ih = oh * sH - top + kh * dH;
        if (ih < 0 || ih >= inH) continue;
        for (let ow = 0; ow < outW; ow++) {
          const dyBase = ((b * outH + oh) * outW + ow) * CQ;
          for (let kw = 0; kw < kW; kw++) {
            const iw = ow * sW - left + kw * dW;
            if (iw < 0 || iw >= inW) continue;
            const xBase = ((b * inH + ih) * inW + iw) * C;
            const wBase = (kh * kW + kw) * CQ;
            if (Q === 1) {
              for (let c = 0; c < C; c++) dx[xBase + c] = (dx[xBase + c] as number) + (dy[dyBase + c] as number) * (w[wBase + c] as number);
            } else {
              for (let c = 0; c < C; c++) {
                let s = 0;
                for (let q = 0; q < Q; q++) s += (dy[dyBase + c * Q + q] as number) * (w[wBase + c * Q + q] as number);
                dx[xBase + c] = (dx[xBase + c] as number) + s;
              }
            }
          }
        }
      }
    }
  }
}

function backpropFilter(tf: Tf, args: KernelArgs): TensorInfoLike {
  const name = 'DepthwiseConv2dNativeBackpropFilter';
  const backend = args.backend as WasmBackendLike;
  const x = inputOf(args, 'x', name);
  const dy = inputOf(args, 'dy', name);
  const attrs = args.attrs ?? {};
  convDataFormat(attrs, name);
  const filterShape = attrs.filterShape as Shape4;
  const g = geometry(tf, x.shape as Shape4, filterShape, attrs);
  const out = backend.makeOutput([...filterShape], 'float32');
  const simd = useSimd && g.multiplier === 1 ? depthwiseSimd() : null;
  const xs = backend.typedArrayFromHeap(x);
  const dys = backend.typedArrayFromHeap(dy);
  const acc = simd ? simd.filterGrad(xs, dys, g) : depthwiseFilterGrad(xs, dys, g);
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}

function backpropInput(tf: Tf, args: KernelArgs): TensorInfoLike {
  const name = 'DepthwiseConv2dNativeBackpropInput';
  const backend = args.backend as WasmBackendLike;
  const dy = inputOf(args, 'dy', name);
  const filter = inputOf(args, 'filter', name);
  const attrs = args.attrs ?? {};
  convDataFormat(attrs, name);
  const inShape = attrs.inputShape as Shape4;
  const g = geometry(tf, inShape, filter.shape as Shape4, attrs);
  const out = backend.makeOutput([...inShape], 'float32');
  const simd = useSimd && g.multiplier === 1 ? depthwiseSimd() : null;
  const buffers = [backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(filter), backend.typedArrayFromHeap(out), g] as const;
  if (simd) simd.inputGrad(...buffers);
  else depthwiseInputGrad(...buffers);
  return out;
}

/** Registers the two depthwise-convolution gradient kernels that tfjs-backend-wasm lacks. */
export function patchWasmDepthwiseGrads(tf: Tf): void {
  registerWasmKernel(tf, 'DepthwiseConv2dNativeBackpropFilter', (args) => backpropFilter(tf, args));
  registerWasmKernel(tf, 'DepthwiseConv2dNativeBackpropInput', (args) => backpropInput(tf, args));
}

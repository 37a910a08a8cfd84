import { DEPTHWISE_WASM_BASE64 } from './wasm-depthwise-binary.ts';

/** Shape facts of a depthwise convolution (channel multiplier 1), as the kernels need them. */
export interface DepthwiseGeometry {
  batch: number; inH: number; inW: number; channels: number; multiplier: number;
  outH: number; outW: number; kH: number; kW: number;
  sH: number; sW: number; dH: number; dW: number; top: number; left: number;
}

/** The parts of the WebAssembly JS API used here (the ES2023 lib used by the project does not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

interface Exports {
  readonly memory: WasmMemory;
  filterGrad(...args: number[]): void;
  inputGrad(...args: number[]): void;
}

const PAGE = 65536;
let chunkBytes = 64 * 2 ** 20;

/** Changes how many bytes of images one kernel call processes (for tests of the chunked path). */
export function setDepthwiseChunkBytes(bytes: number): number {
  const previous = chunkBytes;
  chunkBytes = Math.max(1, bytes);
  return previous;
}

const align = (n: number): number => Math.ceil(n / 16) * 16;

/**
 * The AssemblyScript SIMD kernels of assembly/depthwise-grads.ts: inputs are copied into the module's own
 * memory a slice of images at a time (bounded scratch memory), results copied back.
 */
class DepthwiseSimd {
  private readonly exports: Exports;

  constructor(exports: Exports) {
    this.exports = exports;
  }

  private reserve(bytes: number): ArrayBuffer {
    const memory = this.exports.memory;
    const missing = Math.ceil((bytes - memory.buffer.byteLength) / PAGE);
    if (missing > 0) memory.grow(missing);
    return memory.buffer;
  }

  private imagesPerCall(g: DepthwiseGeometry): number {
    const perImage = (g.inH * g.inW + g.outH * g.outW) * g.channels * 4;
    return Math.max(1, Math.min(g.batch, Math.floor(chunkBytes / perImage)));
  }

  private args(g: DepthwiseGeometry, images: number): number[] {
    return [images, g.inH, g.inW, g.channels, g.outH, g.outW, g.kH, g.kW, g.sH, g.sW, g.dH, g.dW, g.top, g.left];
  }

  filterGrad(x: Float32Array, dy: Float32Array, g: DepthwiseGeometry): Float64Array {
    const entries = g.kH * g.kW * g.channels;
    const xPer = g.inH * g.inW * g.channels;
    const dyPer = g.outH * g.outW * g.channels;
    const step = this.imagesPerCall(g);
    const acc64 = 0;
    const acc32 = align(entries * 8);
    const xAt = acc32 + align(entries * 4);
    const dyAt = xAt + align(step * xPer * 4);
    const buffer = this.reserve(dyAt + step * dyPer * 4);
    new Float64Array(buffer, acc64, entries).fill(0);
    for (let b0 = 0; b0 < g.batch; b0 += step) {
      const images = Math.min(step, g.batch - b0);
      new Float32Array(buffer, xAt, images * xPer).set(x.subarray(b0 * xPer, (b0 + images) * xPer));
      new Float32Array(buffer, dyAt, images * dyPer).set(dy.subarray(b0 * dyPer, (b0 + images) * dyPer));
      this.exports.filterGrad(xAt, dyAt, acc64, acc32, ...this.args(g, images));
    }
    return new Float64Array(buffer, acc64, entries).slice();
  }

  inputGrad(dy: Float32Array, w: Float32Array, dx: Float32Array, g: DepthwiseGeometry): void {
    const xPer = g.inH * g.inW * g.channels;
    const dyPer = g.outH * g.outW * g.channels;
    const step = this.imagesPerCall(g);
    const wAt = 0;
    const dyAt = align(w.length * 4);
    const dxAt = dyAt + align(step * dyPer * 4);
    const buffer = this.reserve(dxAt + step * xPer * 4);
    new Float32Array(buffer, wAt, w.length).set(w);
    for (let b0 = 0; b0 < g.batch; b0 += step) {
      const images = Math.min(step, g.batch - b0);
      new Float32Array(buffer, dyAt, images * dyPer).set(dy.subarray(b0 * dyPer, (b0 + images) * dyPer));
      this.exports.inputGrad(dyAt, wAt, dxAt, ...this.args(g, images));
      dx.set(new Float32Array(buffer, dxAt, images * xPer), b0 * xPer);
    }
  }
}

let simd: DepthwiseSimd | null | undefined;

/** The SIMD kernels, or null where this WebAssembly engine lacks SIMD (callers fall back to plain JS). */
export function depthwiseSimd(): DepthwiseSimd | null {
  if (simd === undefined) {
    try {
      const api = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
      const module = new api.Module(Buffer.from(DEPTHWISE_WASM_BASE64, 'base64'));
      simd = new DepthwiseSimd(new api.Instance(module, {}).exports as Exports);
    } catch {
      simd = null;
    }
  }
  return simd;
}

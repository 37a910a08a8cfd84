import { InternalError } from '../errors.ts';
import { kernelCode, type LinalgKernels } from './linalg-types.ts';
import { LINALG_WASM_BASE64 } from './linalg-wasm-binary.ts';

interface LinalgExports {
  readonly memory: WasmMemory;
  heapBase(): number;
  chol(a: number, n: number): number;
  cholSolve(l: number, n: number, b: number): void;
  trtri(l: number, u: number, n: number): void;
  lauum(u: number, out: number, n: number): void;
  trsmRows(l: number, n: number, b: number, m: number): void;
  gemv(a: number, m: number, n: number, v: number, out: number): void;
  rowSumSquares(a: number, m: number, n: number, out: number): void;
  sqdistSelf(z: number, n: number, d: number, out: number): void;
  sqdistCross(z: number, n: number, q: number, m: number, d: number, out: number): void;
  kernelDense(kind: number, d2: number, len: number, ls: number, os: number, out: number): void;
  kernelLower(kind: number, d2: number, n: number, ls: number, os: number, diag: number, out: number): void;
  copyLower(src: number, dst: number, n: number, jitter: number): void;
  gpGrad(
    kind: number, kinv: number, d2: number, alpha: number, z: number, n: number, d: number, ls: number, os: number,
    dz: number, hyp: number,
  ): void;
}

/** The part of the WebAssembly JS API used here (the ES2023 lib of this project has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const WASM = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PAGE = 65536;
let compiled: object | undefined;

function module(): object {
  compiled ??= new WASM.Module(Buffer.from(LINALG_WASM_BASE64, 'base64'));
  return compiled;
}

/** True when this runtime can compile the SIMD module (Node 20 can; the JS twin is the fallback). */
export function wasmLinalgAvailable(): boolean {
  try {
    module();
    return true;
  } catch {
    return false;
  }
}

/**
 * A fresh instance of the wasm-SIMD kernels with its own linear memory, so that each GP (a task's predictor,
 * a meta-training run) keeps its buffers between calls. Slots are appended and never moved: growing memory
 * keeps the content of the other slots, only their views are re-created.
 */
export function createWasmLinalg(): LinalgKernels {
  const instance = new WASM.Instance(module(), {});
  const ex = instance.exports as unknown as LinalgExports;
  const memory = ex.memory;
  let top = Math.ceil(ex.heapBase() / 64) * 64;
  const slotTable = new Map<string, { offset: number; capacity: number }>();

  const ptr = (array: Float64Array): number => {
    if (array.buffer !== memory.buffer) {
      throw new InternalError('wasm linalg: a buffer that is not a current view of this module (stale after growth?)');
    }
    return array.byteOffset;
  };

  return {
    implementation: 'wasm',
    slots<K extends string>(sizes: Readonly<Record<K, number>>): Record<K, Float64Array> {
      const names = Object.keys(sizes) as K[];
      for (const name of names) {
        const length = sizes[name];
        const slot = slotTable.get(name);
        if (slot && slot.capacity >= length) continue;
        // NOTE: 1.5x headroom so a GP whose n grows by one per search step does not re-allocate each time.
        const capacity = Math.max(length, Math.ceil((slot?.capacity ?? 0) * 1.5), 16);
        const offset = top;
        top = Math.ceil((offset + capacity * 8) / 64) * 64;
        const needed = Math.ceil(top / PAGE) - memory.buffer.byteLength / PAGE;
        if (needed > 0) memory.grow(needed);
        slotTable.set(name, { offset, capacity });
      }
      const out = {} as Record<K, Float64Array>;
      for (const name of names) {
        const slot = slotTable.get(name);
        if (!slot) throw new InternalError(`wasm linalg: slot ${name} missing`);
        out[name] = new Float64Array(memory.buffer, slot.offset, sizes[name]);
      }
      return out;
    },
    chol: (a, n) => ex.chol(ptr(a), n),
    cholSolve: (l, n, b) => ex.cholSolve(ptr(l), n, ptr(b)),
    trtri: (l, u, n) => ex.trtri(ptr(l), ptr(u), n),
    lauum: (u, out, n) => ex.lauum(ptr(u), ptr(out), n),
    trsmRows: (l, n, b, m) => ex.trsmRows(ptr(l), n, ptr(b), m),
    gemv: (a, m, n, v, out) => ex.gemv(ptr(a), m, n, ptr(v), ptr(out)),
    rowSumSquares: (a, m, n, out) => ex.rowSumSquares(ptr(a), m, n, ptr(out)),
    sqdistSelf: (z, n, d, out) => ex.sqdistSelf(ptr(z), n, d, ptr(out)),
    sqdistCross: (z, n, q, m, d, out) => ex.sqdistCross(ptr(z), n, ptr(q), m, d, ptr(out)),
    kernelDense: (kind, d2, len, ls, os, out) => ex.kernelDense(kernelCode(kind), ptr(d2), len, ls, os, ptr(out)),
    kernelLower: (kind, d2, n, ls, os, diag, out) =>
      ex.kernelLower(kernelCode(kind), ptr(d2), n, ls, os, diag, ptr(out)),
    copyLower: (src, dst, n, jitter) => ex.copyLower(ptr(src), ptr(dst), n, jitter),
    gpGrad: (kind, kinv, d2, alpha, z, n, d, ls, os, dz, hyp) =>
      ex.gpGrad(kernelCode(kind), ptr(kinv), ptr(d2), ptr(alpha), ptr(z), n, d, ls, os, ptr(dz), ptr(hyp)),
  };
}

import { createJsLinalg } from './linalg-js.ts';
import { createWasmLinalg, wasmLinalgAvailable } from './linalg-wasm.ts';
import type { LinalgKernels } from './linalg-types.ts';

export type LinalgImplementation = LinalgKernels['implementation'];

/**
 * A new set of Float64 kernels with its own buffers: the wasm-SIMD module where the runtime supports it,
 * else the plain-JS twin. `QUICKTUNE_LINALG=js` forces the twin (for comparisons).
 */
export function createLinalg(preferred?: LinalgImplementation): LinalgKernels {
  const wanted = preferred ?? (process.env.QUICKTUNE_LINALG === 'js' ? 'js' : 'wasm');
  if (wanted === 'wasm' && wasmLinalgAvailable()) return createWasmLinalg();
  return createJsLinalg();
}

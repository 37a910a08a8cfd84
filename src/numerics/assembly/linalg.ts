// AssemblyScript source of the Float64 linear-algebra kernels of the exact GP (docs/numerics.md §3):
// this entry file and its modules compile, with `npm run build:wasm` (scripts/build-wasm.ts), into
// src/numerics/linalg-wasm-binary.ts; the plain-JS twin in src/numerics/linalg-js.ts implements the same
// functions and is the test oracle. All matrices are row-major Float64; pointers are byte offsets into this
// module's memory. NOTE: these files are not TypeScript (excluded from tsc); they use AssemblyScript builtins.

export { chol, cholSolve } from './cholesky';
export { trtri, lauum } from './inverse';
export { trsmRows, gemv, rowSumSquares } from './solves';
export { sqdistSelf, sqdistCross, kernelDense, kernelLower, copyLower, gpGrad } from './kernels';

/** First byte after the module's static data: the host allocates its buffers from here on. */
export function heapBase(): usize {
  return __heap_base;
}

import type { BackendName, Tf } from './tfjs-backend.ts';
import { patchWasmBatchMatMul } from './wasm-batch-matmul.ts';
import { patchWasmConv2dGrads } from './wasm-conv2d-grads.ts';
import { patchWasmDepthwiseGrads } from './wasm-depthwise-grads.ts';

/**
 * Kernel fixes applied once, right after a backend is selected. Each entry is idempotent and only touches
 * the backend it is written for.
 */
const PATCHES: ReadonlyArray<{ backend: BackendName; apply: (tf: Tf) => void }> = [
  { backend: 'wasm', apply: patchWasmBatchMatMul },
  // NOTE: training convolutions needs filter gradients, which tfjs-backend-wasm does not implement.
  { backend: 'wasm', apply: patchWasmConv2dGrads },
  { backend: 'wasm', apply: patchWasmDepthwiseGrads },
];

export function applyKernelPatches(tf: Tf, backend: BackendName): void {
  for (const patch of PATCHES) if (patch.backend === backend) patch.apply(tf);
}

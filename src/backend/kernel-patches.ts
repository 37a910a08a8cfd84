import type { BackendName, Tf } from './tfjs-backend.ts';
import { patchWasmBatchMatMul } from './wasm-batch-matmul.ts';

/**
 * Kernel fixes applied once, right after a backend is selected. Each entry is idempotent and only touches
 * the backend it is written for.
 */
const PATCHES: ReadonlyArray<{ backend: BackendName; apply: (tf: Tf) => void }> = [
  { backend: 'wasm', apply: patchWasmBatchMatMul },
];

export function applyKernelPatches(tf: Tf, backend: BackendName): void {
  for (const patch of PATCHES) if (patch.backend === backend) patch.apply(tf);
}

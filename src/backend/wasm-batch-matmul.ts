import type { Tf } from './tfjs-backend.ts';

type KernelInputs = Record<string, { shape: number[]; dataId: object } | undefined>;
interface KernelBackend {
  disposeData(dataId: object): void;
}

/**
 * The wasm BatchMatMul kernel is about 10x slower with transposeA/transposeB (XNNPACK is only used for the
 * plain case), and every backward pass of matMul takes that path (docs/numerics.md §2: an MLP Adam step went
 * from 25.9 to 5.9 ms). This re-registers the kernel so it transposes explicitly and calls the fast path.
 */
export function patchWasmBatchMatMul(tf: Tf): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!original || !transpose || (original as { patched?: boolean }).patched) return;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  const kernel = {
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    setupFunc: original.setupFunc,
    disposeFunc: original.disposeFunc,
    patched: true,
    kernelFunc: ({ inputs, backend, attrs }: { inputs: KernelInputs; backend: unknown; attrs?: Record<string, unknown> }) => {
      const temporaries: Array<{ dataId: object }> = [];
      const swapLastTwo = (x: { shape: number[]; dataId: object }) => {
        const rank = x.shape.length;
        const perm = [...Array(rank).keys()];
        [perm[rank - 1], perm[rank - 2]] = [rank - 2, rank - 1];
        const out = transpose.kernelFunc({ inputs: { x } as never, backend: backend as never, attrs: { perm } }) as {
          shape: number[];
          dataId: object;
        };
        temporaries.push(out);
        return out;
      };
      let a = inputs.a;
      let b = inputs.b;
      if (!a || !b) throw new Error('BatchMatMul: missing inputs');
      if (attrs?.transposeA) a = swapLastTwo(a);
      if (attrs?.transposeB) b = swapLastTwo(b);
      const out = original.kernelFunc({
        inputs: { ...inputs, a, b } as never,
        backend: backend as never,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      for (const t of temporaries) (backend as KernelBackend).disposeData(t.dataId);
      return out;
    },
  };
  tf.registerKernel(kernel as never);
}

import type { Tf } from './tfjs-backend.ts';

/** A tensor as kernels see it: no data, just the id under which the backend stores it. */
export interface TensorInfoLike {
  readonly dataId: object;
  shape: number[];
  readonly dtype: string;
}

/** The few members of tfjs-backend-wasm's BackendWasm that hand-written kernels use. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: string): TensorInfoLike;
  /** A Float32Array view on the tensor's bytes in the wasm heap; invalid after the heap grows. */
  typedArrayFromHeap(info: TensorInfoLike): Float32Array;
  disposeData(dataId: object): boolean;
}

export type KernelArgs = {
  inputs: Record<string, TensorInfoLike | undefined>;
  backend: unknown;
  attrs?: Record<string, unknown>;
};

export function inputOf(args: KernelArgs, name: string, kernel: string): TensorInfoLike {
  const info = args.inputs[name];
  if (!info) throw new Error(`${kernel}: missing input '${name}'`);
  if (info.dtype !== 'float32') throw new Error(`${kernel}: only float32 is supported, got ${info.dtype}`);
  return info;
}

/** Runs another wasm kernel from inside a kernel (no engine bookkeeping: the caller disposes what it gets). */
export function callKernel(
  tf: Tf,
  name: string,
  inputs: Record<string, TensorInfoLike>,
  backend: WasmBackendLike,
  attrs: Record<string, unknown>,
): TensorInfoLike {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel.kernelFunc({ inputs: inputs as never, backend: backend as never, attrs: attrs as never }) as TensorInfoLike;
}

/** The same data under another shape, for a callee that only reads it (no reference taken). */
export function viewAs(info: TensorInfoLike, shape: number[]): TensorInfoLike {
  return { dataId: info.dataId, shape, dtype: info.dtype };
}

/** Registers `kernelFunc` for `name` on wasm, replacing an existing kernel; idempotent. */
export function registerWasmKernel(tf: Tf, name: string, kernelFunc: (args: KernelArgs) => TensorInfoLike): void {
  const existing = tf.getKernel(name, 'wasm') as { quicktune?: boolean } | undefined;
  if (existing?.quicktune) return;
  if (existing) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: kernelFunc as never, quicktune: true } as never);
}

export function convDataFormat(attrs: Record<string, unknown> | undefined, kernel: string): void {
  const format = attrs?.dataFormat;
  if (format !== undefined && format !== 'NHWC' && format !== 'channelsLast') {
    throw new Error(`${kernel}: only NHWC is supported on wasm, got ${String(format)}`);
  }
}

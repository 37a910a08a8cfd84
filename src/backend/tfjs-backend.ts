import { getLogger } from '../logging.ts';
import { applyKernelPatches } from './kernel-patches.ts';

/** The tfjs-core module type; imported lazily so commands that do not compute never load tfjs. */
export type Tf = typeof import('@tensorflow/tfjs-core');

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface TfRuntime {
  readonly tf: Tf;
  readonly backend: BackendName;
  /** The npm package that provided the backend, for logs and run metadata. */
  readonly provider: string;
}

let runtime: Promise<TfRuntime> | undefined;

async function tryImport(specifier: string): Promise<boolean> {
  try {
    await import(specifier);
    return true;
  } catch {
    return false;
  }
}

async function select(preferred: BackendName | undefined): Promise<TfRuntime> {
  const log = getLogger('backend');
  const tf: Tf = await import('@tensorflow/tfjs-core');
  // NOTE: tfjs-core's Node bundle registers no gradient functions; tfjs-layers' bundle registers all of them
  // on the shared tfjs-core instance (as the @tensorflow/tfjs umbrella does), so autodiff works on every op.
  await import('@tensorflow/tfjs-layers');
  const wanted = preferred ?? (process.env.QUICKTUNE_BACKEND as BackendName | undefined);
  // NOTE: native TensorFlow bindings register the 'tensorflow' backend on import; they are optional
  // and cannot be installed offline, so a failed import simply falls through to wasm.
  const candidates: Array<{ name: BackendName; provider: string }> = [
    { name: 'tensorflow-gpu', provider: '@tensorflow/tfjs-node-gpu' },
    { name: 'tensorflow', provider: '@tensorflow/tfjs-node' },
    { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm' },
    { name: 'cpu', provider: '@tensorflow/tfjs-backend-cpu' },
  ];
  for (const candidate of candidates) {
    if (wanted !== undefined && wanted !== candidate.name) continue;
    if (!(await tryImport(candidate.provider))) {
      log.debug({ provider: candidate.provider }, 'backend package not installed');
      continue;
    }
    const tfName = candidate.name === 'tensorflow-gpu' ? 'tensorflow' : candidate.name;
    try {
      if (await tf.setBackend(tfName)) {
        await tf.ready();
        applyKernelPatches(tf, candidate.name);
        log.info({ backend: candidate.name, provider: candidate.provider }, `tfjs backend: ${candidate.name}`);
        return { tf, backend: candidate.name, provider: candidate.provider };
      }
    } catch (error) {
      log.warn({ provider: candidate.provider, err: error }, 'backend failed to initialise; trying the next one');
    }
  }
  throw new Error(`no usable tfjs backend${wanted ? ` named '${wanted}'` : ''}`);
}

/**
 * Loads tfjs and selects the fastest available backend: tfjs-node-gpu, then tfjs-node, then wasm (then cpu).
 * `QUICKTUNE_BACKEND` forces one. Selection happens once per process.
 */
export function loadTf(preferred?: BackendName): Promise<TfRuntime> {
  runtime ??= select(preferred);
  return runtime;
}

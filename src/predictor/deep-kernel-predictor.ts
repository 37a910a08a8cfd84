import { loadTf, type Tf } from '../backend/tfjs-backend.ts';
import { InputError } from '../errors.ts';
import type { ModelHub } from '../hub/model-hub.ts';
import { getLogger } from '../logging.ts';
import { ExactGp } from '../numerics/exact-gp.ts';
import { createLinalg } from '../numerics/linalg.ts';
import type { Config } from '../space/types.ts';
import { shippedMetadataPath } from '../util/package-info.ts';
import { Random } from '../util/random.ts';
import { UNCALIBRATED } from './calibration.ts';
import { loadCheckpoint, type PredictorCheckpoint } from './checkpoint.ts';
import { PipelineRows } from './inputs.ts';
import { DeepKernelEngine } from './network/engine.ts';
import { DeepKernelTaskPredictor } from './task-predictor.ts';
import type { MetaFeatures, Predictor, TaskPredictor, TaskPredictorOptions } from './types.ts';

const log = getLogger('predictor');

/** The shipped predictor's directory (metadata/predictor, rebuilt by `npm run build:predictor`). */
export const DEFAULT_PREDICTOR_DIR = (): string => shippedMetadataPath('predictor');

/**
 * A meta-trained predictor checkpoint ready to serve searches: each `forTask` binds its own copy of the
 * weights and its own GP buffers to one candidate pool.
 */
export class DeepKernelPredictor implements Predictor {
  readonly maxEpochs: number;
  readonly checkpoint: PredictorCheckpoint;
  /** Where it came from, for messages (a directory, or a description). */
  readonly label: string;
  private readonly tf: Tf;
  private readonly warned = new Set<string>();

  constructor(tf: Tf, checkpoint: PredictorCheckpoint, label: string) {
    this.tf = tf;
    this.checkpoint = checkpoint;
    this.label = label;
    this.maxEpochs = checkpoint.manifest.metaDataset.maxEpochs;
  }

  get identity(): string {
    return `sha256:${this.checkpoint.manifest.weights.sha256}`;
  }

  /** Tasks the predictor saw while meta-training (training and validation): never benchmark it on them. */
  get seenTasks(): string[] {
    const { train, validation } = this.checkpoint.manifest.tasks;
    return [...train, ...validation];
  }

  forTask(pool: readonly Config[], metaFeatures: MetaFeatures, options: TaskPredictorOptions): TaskPredictor {
    const { manifest, encoder, theta } = this.checkpoint;
    const problems = encoder.checkCompatible(pool);
    const fatal = problems.filter((p) => p.fatal);
    if (fatal.length > 0) {
      throw new InputError(
        [
          `the predictor ${this.label} cannot encode this search space (it was meta-trained on '${manifest.metaDataset.name}'):`,
          ...fatal.map((p) => `  ${p.message}`),
        ],
        'predictor.incompatible',
      );
    }
    for (const problem of problems) {
      // NOTE: once per predictor: a benchmark binds the same space hundreds of times.
      if (this.warned.has(problem.message)) continue;
      this.warned.add(problem.message);
      log.warn({ parameter: problem.parameter }, problem.message);
    }
    const known = encoder.toJSON().metaFeatures.filter((spec) => metaFeatures[spec.name] !== undefined && metaFeatures[spec.name] !== null);
    if (known.length < encoder.toJSON().metaFeatures.length && !this.warned.has('metaFeatures')) {
      this.warned.add('metaFeatures');
      log.warn({ given: Object.keys(metaFeatures) }, 'some dataset meta-features are unknown; they are encoded as missing');
    }
    const { model } = manifest;
    // NOTE: without meta-initialisation (ablation −M, DyHPO) nothing meta-learned may remain: the paper's model
    // (constant prior mean, one noise) from a seeded fresh initialisation, uncalibrated.
    const engineOptions = options.metaInit
      ? { kernel: model.kernel, noise: model.noise, dropout: model.dropout, priorMean: model.priorMean, scoreScale: manifest.scaling.score }
      : { kernel: model.kernel, noise: 'shared' as const, dropout: model.dropout, priorMean: 'constant' as const, scoreScale: manifest.scaling.score };
    const engine = new DeepKernelEngine(this.tf, model.dims, engineOptions, new ExactGp(createLinalg()));
    const rows = new PipelineRows(encoder, model.dims, pool, metaFeatures);
    const initial = options.metaInit ? theta : engine.layout.initialise(new Random(options.seed ^ 0x6a09e667));
    const calibration = options.metaInit ? manifest.calibration : UNCALIBRATED;
    return new DeepKernelTaskPredictor(engine, rows, initial, { ...manifest.scaling, calibration }, options.seed);
  }
}

/** Wraps an in-memory checkpoint (e.g. fresh from metaTrain). */
export async function predictorFromCheckpoint(checkpoint: PredictorCheckpoint, label: string): Promise<DeepKernelPredictor> {
  const { tf } = await loadTf();
  return new DeepKernelPredictor(tf, checkpoint, label);
}

/** Loads a checkpoint directory written by `quicktune meta-train` (InputError naming the file when invalid). */
export async function loadPredictor(dir: string, options: { hub?: ModelHub | null } = {}): Promise<DeepKernelPredictor> {
  return predictorFromCheckpoint(await loadCheckpoint(dir, options.hub ?? null), dir);
}

/** The predictor shipped with quicktune: meta-trained on all of quicktune-extended. */
export async function loadDefaultPredictor(): Promise<DeepKernelPredictor> {
  return loadPredictor(DEFAULT_PREDICTOR_DIR());
}

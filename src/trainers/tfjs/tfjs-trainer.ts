import { join, resolve } from 'node:path';
import { TrainerError, UsageError } from '../../errors.ts';
import { getLogger } from '../../logging.ts';
import { medianCropSide } from '../../data/image-side.ts';
import { loadImageFolder } from '../../data/load-image-folder.ts';
import { loadModelHub } from '../../hub/model-hub.ts';
import type { ImageFolderDataset } from '../../data/types.ts';
import type { CostModelOptions, EpochCostModel, StepOutcome, Trainer, TrainStep } from '../types.ts';
import type { CostProfile } from './cost/cost-profile.ts';
import { currentContention, readCachedProfile, writeCachedProfile, type CostProfileKey } from './cost/cost-profile-cache.ts';
import { WorkerCostModel } from './cost/worker-cost-model.ts';
import { DEFAULT_ACTIVATION_BYTES, DEFAULT_FEATURE_CACHE_BYTES } from './memory-limits.ts';
import type { EngineOptions, FinetuneEngine, StepReport } from './engine.ts';
import { inputSizeForModel } from './input-size.ts';
import { TFJS_CHECKPOINTS } from './checkpoint.ts';
import { TfjsTrainerSettingsSchema, type TfjsTrainerSettings } from './protocol.ts';
import { WorkerHandle } from './worker-handle.ts';

/**
 * The built-in `tfjs` trainer: finetunes tfjs models from the model hub on an image folder, one epoch per
 * step. NOTE: steps run in a persistent worker process (not a worker thread): the wasm heap of a thread cannot
 * be reclaimed or bounded separately, while a process can be killed on timeout, dies alone when memory runs
 * out, and keeps the decoded images, models and cached activations warm between steps.
 */
export class TfjsTrainer implements Trainer {
  readonly name = 'tfjs';
  readonly checkpoints = TFJS_CHECKPOINTS;
  private readonly engineOptions: EngineOptions;
  private readonly settings: TfjsTrainerSettings;
  private readonly dataset: ImageFolderDataset;
  private worker: WorkerHandle | undefined;
  private engine: Promise<{ engine: FinetuneEngine; backend: string }> | undefined;
  /** The profile the last cost model was built from (for logs, tests and the cost benchmark). */
  lastCostProfile: CostProfile | undefined;
  /** The last cost model handed out: told what each step leaves warm in the worker. */
  private costs: WorkerCostModel | undefined;
  /** Details of the last finished step (for logs and tests). */
  lastReport: StepReport | undefined;
  /** Steps run one at a time: a later call waits for the earlier ones (the worker holds one model). */
  private queue: Promise<unknown> = Promise.resolve();

  /** The input size of every tfjs model of the hub on this dataset (see input-size.ts). */
  readonly inputSizes: Readonly<Record<string, number>>;

  /** The devices of this trainer's worker slot (--gpus); empty: the machine's own setting. */
  private readonly devices: readonly string[];

  constructor(engineOptions: EngineOptions, settings: TfjsTrainerSettings, dataset: ImageFolderDataset, inputSizes: Readonly<Record<string, number>>, devices: readonly string[] = []) {
    this.devices = devices;
    this.engineOptions = engineOptions;
    this.settings = settings;
    this.dataset = dataset;
    this.inputSizes = inputSizes;
  }

  describe(): Readonly<Record<string, unknown>> {
    return {
      name: 'tfjs',
      dataset: this.engineOptions.dataset,
      datasetFingerprint: this.dataset.fingerprint,
      classes: this.dataset.classes,
      seed: this.engineOptions.seed,
      inputSize: this.engineOptions.inputSize ?? null,
      // NOTE: the sizes the models train at: a checkpoint only resumes at its own size, so a resumed run whose
      // rule or override now gives other sizes must be refused up front.
      inputSizes: { ...this.inputSizes },
      hubFile: this.engineOptions.hubFile ?? null,
      valFraction: this.dataset.valFraction,
    };
  }

  async datasetMetaFeatures(): Promise<Readonly<Record<string, number>>> {
    return { ...this.dataset.metaFeatures };
  }

  /** The worker's process id (undefined in-process or before the first step). */
  get workerPid(): number | undefined {
    return this.worker?.alive ? this.worker.pid : undefined;
  }

  train(step: TrainStep): Promise<StepOutcome> {
    const run = this.queue.then(() => this.trainNow(step));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async trainNow(step: TrainStep): Promise<StepOutcome> {
    if (step.signal.aborted) throw new TrainerError(`step aborted (${describeReason(step.signal.reason)})`, 'trainer.aborted');
    const request = {
      configId: step.configId,
      config: { ...step.config },
      epoch: step.epoch,
      maxEpochs: step.maxEpochs,
      checkpointDir: step.checkpointDir,
    };
    const report = this.settings.inProcess ? await this.trainInProcess(request, step.signal) : await this.trainInWorker(request, step.signal);
    this.lastReport = report;
    this.costs?.ran(step.config);
    return { score: Math.min(1, Math.max(0, report.score)), seconds: report.seconds, final: report.final };
  }

  /**
   * Measures what epochs cost on this machine (a few seconds per model: cost/probe-costs.ts) and returns the
   * predictor of step seconds built on it. The probe runs where steps run, so it also loads the models and
   * decodes the images the first steps need.
   */
  costModel(options: CostModelOptions = {}): Promise<EpochCostModel> {
    const run = this.queue.then(() => this.measureCosts(options.models, options.sibling));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async measureCosts(models: readonly string[] | undefined, sibling: EpochCostModel | undefined): Promise<EpochCostModel> {
    const log = getLogger('tfjs-trainer');
    if (sibling instanceof WorkerCostModel) {
      // NOTE: another slot of this search measured (or read) the profile: the same one, and a worker of its own.
      this.lastCostProfile = sibling.profile;
      return this.costModelFrom(sibling.profile);
    }
    const key = this.costProfileKey(models);
    const cached = await readCachedProfile(key);
    if (cached) {
      const profile = { ...cached, contention: currentContention() };
      this.lastCostProfile = profile;
      log.info({ models: profile.models.map((m) => `${m.model}@${m.inputSize}`), contention: Math.round(profile.contention * 100) / 100 }, 'epoch costs measured on this machine earlier (cached)');
      return this.costModelFrom(profile);
    }
    const profile = await this.probeCosts(models);
    this.lastCostProfile = profile;
    log.info({ seconds: Math.round(profile.seconds * 10) / 10, models: profile.models.map((m) => `${m.model}@${m.inputSize}`) }, 'measured epoch costs');
    await writeCachedProfile(key, profile);
    const costs = this.costModelFrom(profile);
    // NOTE: the probe ran in the worker that runs the steps: the models it loaded stay loaded there.
    costs.loaded(profile.models.map((m) => m.model));
    return costs;
  }

  /** What identifies a cost profile across searches: the models at their sizes on this data's class count. */
  private costProfileKey(models: readonly string[] | undefined): CostProfileKey {
    const asked = Object.entries(this.inputSizes).filter(([model]) => models === undefined || models.includes(model));
    return { models: Object.fromEntries(asked), classes: this.dataset.classes.length, hubFile: this.engineOptions.hubFile ?? null };
  }

  private costModelFrom(profile: CostProfile): WorkerCostModel {
    this.costs = new WorkerCostModel(profile, {
      trainImages: this.dataset.train.length,
      valImages: this.dataset.val.length,
      featureCacheBytes: this.engineOptions.featureCacheBytes ?? DEFAULT_FEATURE_CACHE_BYTES,
      activationBytes: this.engineOptions.activationBytes ?? DEFAULT_ACTIVATION_BYTES,
    });
    return this.costs;
  }

  /** A worker process for the next request: the running one, or a new one (which has paid for nothing yet). */
  private liveWorker(level: string): WorkerHandle {
    if (this.worker?.alive) return this.worker;
    this.worker = new WorkerHandle(this.engineOptions, level, this.devices);
    this.costs?.coldStart();
    return this.worker;
  }

  private async probeCosts(models: readonly string[] | undefined): Promise<CostProfile> {
    const log = getLogger('tfjs-trainer');
    const signal = new AbortController().signal;
    let profile: CostProfile;
    if (this.settings.inProcess) {
      const { engine, backend } = await this.inProcessEngine();
      profile = await engine.costProfile(signal, backend, models);
    } else {
      const worker = this.liveWorker(log.level);
      await worker.ready;
      const message = await worker.request((id) => ({ type: 'costProfile', id, ...(models ? { models: [...models] } : {}) })).reply;
      if (message.type === 'error') throw new TrainerError(`measuring epoch costs failed: ${message.message}`, message.code);
      if (message.type !== 'costProfile') throw new TrainerError(`unexpected reply '${message.type}' from the tfjs worker`);
      profile = message.value;
    }
    return profile;
  }

  private inProcessEngine(): Promise<{ engine: FinetuneEngine; backend: string }> {
    this.engine ??= Promise.all([import('../../backend/tfjs-backend.ts'), import('./engine.ts')]).then(async ([backend, module]) => {
      const runtime = await backend.loadTf();
      return { engine: new module.FinetuneEngine(runtime.tf, this.engineOptions), backend: runtime.backend };
    });
    return this.engine;
  }

  private async trainInProcess(request: Parameters<FinetuneEngine['run']>[0], signal: AbortSignal): Promise<StepReport> {
    try {
      return await (await this.inProcessEngine()).engine.run(request, signal);
    } catch (error) {
      if (signal.aborted) throw new TrainerError(`step aborted (${describeReason(signal.reason)})`, 'trainer.aborted');
      throw error;
    }
  }

  private async trainInWorker(request: Parameters<FinetuneEngine['run']>[0], signal: AbortSignal): Promise<StepReport> {
    const worker = this.liveWorker(getLogger('tfjs-trainer').level);
    let pendingId: number | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    // NOTE: an abort first asks the worker to stop between batches (it keeps its caches); a worker stuck in a
    // long kernel is killed after the grace period, which rejects the pending reply.
    const onAbort = (): void => {
      if (pendingId !== undefined) worker.abort(pendingId);
      killTimer = setTimeout(() => worker.kill(), (this.settings.abortGraceSeconds ?? 5) * 1000);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const aborted = abortPromise(signal);
    try {
      await Promise.race([worker.ready, aborted.promise]);
      signal.throwIfAborted();
      const { id, reply } = worker.request((requestId) => ({ type: 'train', id: requestId, step: request }));
      pendingId = id;
      const message = await reply;
      signal.throwIfAborted();
      if (message.type === 'result') return message.report;
      if (message.type === 'error') throw new TrainerError(message.message, message.code);
      throw new TrainerError(`unexpected reply '${message.type}' from the tfjs worker`);
    } catch (error) {
      if (signal.aborted) throw new TrainerError(`step aborted (${describeReason(signal.reason)})`, 'trainer.aborted');
      throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      aborted.cancel();
      if (killTimer) clearTimeout(killTimer);
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.kill();
      await worker.exited();
    }
    if (this.engine) await (await this.engine).engine.dispose();
    this.engine = undefined;
  }
}

function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return reason === undefined ? 'timeout or shutdown' : String(reason);
}

/**
 * A promise that resolves when `signal` aborts, and `cancel` to remove its listener: the signal lives as long
 * as the search, so a listener left behind by every step would pile up.
 */
function abortPromise(signal: AbortSignal): { promise: Promise<void>; cancel: () => void } {
  let cancel = (): void => {};
  const promise = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    cancel = () => signal.removeEventListener('abort', onAbort);
  });
  return { promise, cancel };
}

/** What the tfjs trainer is created from. */
export interface TfjsTrainerOptions {
  /** The image folder (`--dataset`). */
  readonly dataset?: string;
  /** The run folder: decoded images are cached under <runDir>/cache. */
  readonly runDir: string;
  readonly seed: number;
  /** Trainer settings (validated); environment variables QUICKTUNE_TFJS_* fill the ones left out. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** The devices of this trainer's worker slot (--gpus): its worker process sees only them (CUDA_VISIBLE_DEVICES). */
  readonly devices?: readonly string[];
}

/** Environment variables that set tfjs trainer settings (the CLI has no flag for adapter settings). */
const ENV_NUMBERS: ReadonlyArray<readonly [string, keyof TfjsTrainerSettings]> = [
  ['QUICKTUNE_TFJS_INPUT_SIZE', 'inputSize'],
  ['QUICKTUNE_TFJS_FEATURE_CACHE_MB', 'featureCacheMb'],
  ['QUICKTUNE_TFJS_ACTIVATION_MB', 'activationMb'],
];

function settingsFromEnv(): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const [name, key] of ENV_NUMBERS) {
    const raw = process.env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new UsageError(`${name}: '${raw}' is not a number`);
    out[key] = value;
  }
  const hub = process.env.QUICKTUNE_TFJS_HUB;
  if (hub !== undefined && hub.trim() !== '') out.hubFile = hub;
  return out;
}

/** Factory registered as `tfjs`: checks the options and scans the dataset folder (input errors surface now). */
export async function createTfjsTrainer(options: TfjsTrainerOptions): Promise<TfjsTrainer> {
  if (!options.dataset) throw new UsageError('--dataset: the tfjs trainer needs an image folder (DIR/<class>/* or DIR/train + DIR/val)');
  const parsed = TfjsTrainerSettingsSchema.safeParse({ ...settingsFromEnv(), ...options.settings });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `trainer setting ${i.path.join('.')}: ${i.message}`));
  const settings = parsed.data;
  const dataset = resolve(options.dataset);
  const scanned = await loadImageFolder(dataset, settings.valFraction === undefined ? {} : { valFraction: settings.valFraction });
  const engineOptions: EngineOptions = {
    dataset,
    cacheDir: join(resolve(options.runDir), 'cache'),
    seed: options.seed,
    ...(settings.hubFile ? { hubFile: resolve(settings.hubFile) } : {}),
    ...(settings.inputSize ? { inputSize: settings.inputSize } : {}),
    ...(settings.featureCacheMb !== undefined ? { featureCacheBytes: settings.featureCacheMb * 2 ** 20 } : {}),
    ...(settings.activationMb !== undefined ? { activationBytes: settings.activationMb * 2 ** 20 } : {}),
    ...(settings.valFraction !== undefined ? { valFraction: settings.valFraction } : {}),
  };
  const hub = await loadModelHub(engineOptions.hubFile);
  const side = medianCropSide([...scanned.train, ...scanned.val]);
  const inputSizes = Object.fromEntries(
    hub.models.filter((m) => m.source.kind !== 'timm').map((m) => [m.name, inputSizeForModel(m, engineOptions.inputSize, side).size]),
  );
  return new TfjsTrainer(engineOptions, settings, scanned, inputSizes, options.devices ?? []);
}

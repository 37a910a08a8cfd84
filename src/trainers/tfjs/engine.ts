import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Tf } from '../../backend/tfjs-backend.ts';
import type { DecodedImages } from '../../data/pixel-cache.ts';
import { TrainerError } from '../../errors.ts';
import { getLogger } from '../../logging.ts';
import type { Config } from '../../space/types.ts';
import { Random } from '../../util/random.ts';
import { medianCropSide } from '../../data/image-side.ts';
import type { HubModel } from '../../hub/model-hub.ts';
import type { CostProfile } from './cost/cost-profile.ts';
import { probeCosts, type ProbeTarget } from './cost/probe-costs.ts';
import { DEFAULT_ACTIVATION_BYTES, DEFAULT_FEATURE_CACHE_BYTES } from './memory-limits.ts';
import { inputSizeForModel, type ResolvedInputSize } from './input-size.ts';
import { checkpointFile, configHashOf, loadCheckpoint, saveCheckpoint } from './checkpoint.ts';
import { chunks, pixelBatch, usableIndices, type InputScaling } from './data/batches.ts';
import { DatasetStore } from './data/dataset-store.ts';
import { FeatureCache, type CachedFeatures } from './data/feature-cache.ts';
import { mixingActive } from './data/mixing.ts';
import { evaluate, peakBytesPerSample, trainEpoch, yieldToEventLoop, type SplitInputs } from './epoch.ts';
import type { PretrainedModel } from './model/pretrained.ts';
import { ModelStore } from './model-store.ts';
import { featureWidth, PipelineModel } from './pipeline-model.ts';
import { initialPlateau, learningRate, observePlateau } from './schedule.ts';
import { parseSettings, type TrainSettings } from './settings.ts';

export interface EngineOptions {
  readonly dataset: string;
  /** Decoded-image cache folder (e.g. <run-dir>/cache); none = decode in memory only. */
  readonly cacheDir?: string;
  readonly hubFile?: string;
  readonly seed: number;
  /** Overrides every model's input size (pixels); default: chosen from the data (input-size.ts). */
  readonly inputSize?: number;
  /** Memory for cached frozen-prefix activations, in bytes. */
  readonly featureCacheBytes?: number;
  /** Peak activation memory of one training micro-batch, in bytes (the wasm heap holds at most 4 GiB). */
  readonly activationBytes?: number;
  readonly valFraction?: number;
}

/** One step as the engine receives it (the trainer contract's TrainStep without its AbortSignal). */
export interface StepRequest {
  readonly configId: string;
  readonly config: Config;
  readonly epoch: number;
  readonly maxEpochs: number;
  readonly checkpointDir: string | undefined;
}

export interface StepReport {
  readonly score: number;
  readonly seconds: number;
  /** CPU seconds of this process during the step (what the cost model's probes measure). */
  readonly cpuSeconds: number;
  readonly final: boolean;
  readonly trainLoss: number;
  readonly lr: number;
  /** Whether the epoch trained from cached frozen-prefix activations. */
  readonly cachedFeatures: boolean;
  readonly frozenLayers: number;
  readonly layers: number;
  /** The checkpoint this step resumed from (null for epoch 1). */
  readonly resumedFrom: string | null;
}

const VAL_BATCH = 64;

function cpuSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

function hash32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}

/**
 * Runs finetuning steps in this process: keeps the dataset (decoded once per input size), the pretrained
 * models and frozen-prefix activations in memory between steps; everything a pipeline trains lives in its
 * checkpoint folder, so any step of any pipeline can follow any other.
 */
export class FinetuneEngine {
  private readonly tf: Tf;
  private readonly options: EngineOptions;
  private readonly models: ModelStore;
  private readonly data: DatasetStore;
  private readonly cache: FeatureCache;
  private readonly widths = new Map<string, number>();
  private readonly bytesPerSample = new Map<string, number>();
  private readonly warned = new Set<string>();

  constructor(tf: Tf, options: EngineOptions) {
    this.tf = tf;
    this.options = options;
    this.models = new ModelStore(tf, options.hubFile);
    this.data = new DatasetStore(options.dataset, options.cacheDir, options.valFraction === undefined ? {} : { valFraction: options.valFraction });
    this.cache = new FeatureCache(options.featureCacheBytes ?? DEFAULT_FEATURE_CACHE_BYTES);
  }

  async metaFeatures(): Promise<Readonly<Record<string, number>>> {
    return { ...(await this.data.dataset()).metaFeatures };
  }

  /** The input size of a hub model on this dataset (the override, the hub's setting or the data rule). */
  private async inputSize(entry: HubModel): Promise<ResolvedInputSize> {
    const dataset = await this.data.dataset();
    return inputSizeForModel(entry, this.options.inputSize, medianCropSide([...dataset.train, ...dataset.val]));
  }

  /**
   * Measures what epochs cost on this machine (cost/probe-costs.ts) for every tfjs model of the hub, or those
   * named. Loads the models and decodes the images at their sizes on the way, so the first steps find them warm.
   */
  async costProfile(signal: AbortSignal, backend: string, models?: readonly string[]): Promise<CostProfile> {
    const entries = (await this.models.tfjsModels()).filter((m) => models === undefined || models.includes(m.name));
    const dataset = await this.data.dataset();
    const targets = async function* (engine: FinetuneEngine): AsyncGenerator<ProbeTarget> {
      for (const entry of entries) {
        const { size } = await engine.inputSize(entry);
        const loading = performance.now();
        const pretrained = await engine.models.get(entry.name);
        const loadSeconds = (performance.now() - loading) / 1000;
        const { train } = await engine.data.pixels(size, signal);
        yield { pretrained, inputSize: size, images: train, classes: dataset.classes.length, loadSeconds };
      }
    };
    return probeCosts({ tf: this.tf, backend, targets: targets(this), signal, ...(this.options.cacheDir ? { scratchDir: this.options.cacheDir } : {}) });
  }

  async run(step: StepRequest, signal: AbortSignal): Promise<StepReport> {
    const tf = this.tf;
    const log = getLogger('tfjs-trainer');
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    const settings = parseSettings(step.config);
    if (settings.ignored.length > 0 && !this.warned.has(step.configId)) {
      this.warned.add(step.configId);
      for (const line of settings.ignored) log.warn({ configId: step.configId }, line);
    }
    const dataset = await this.data.dataset();
    const pretrained = await this.models.get(settings.model);
    const { size, wanted, source } = await this.inputSize(await this.models.entry(settings.model));
    // NOTE: only a size someone asked for is worth a warning; the data rule's minimum is routine.
    if (size !== wanted && source !== 'data' && !this.warned.has(`size:${settings.model}`)) {
      this.warned.add(`size:${settings.model}`);
      log.warn({ model: settings.model, wanted, size }, `${settings.model} needs inputs of at least ${size} px; using ${size}`);
    }
    const { train, val } = await this.data.pixels(size, signal);
    const scaling: InputScaling = { scale: pretrained.settings.input_scale, offset: pretrained.settings.input_offset };
    const width = this.widths.get(`${settings.model}@${size}`) ?? featureWidth(tf, pretrained, size);
    this.widths.set(`${settings.model}@${size}`, width);
    const configHash = configHashOf(step.config);
    const seed = hash32(`${this.options.seed}:${step.configId}`);
    const classes = dataset.classes.length;
    const model = new PipelineModel(tf, pretrained, settings, classes, width, seed);
    try {
      let plateau = initialPlateau();
      let valHistory: number[] = [];
      let trainLoss: number[] = [];
      let resumedFrom: string | null = null;
      if (step.epoch > 1) {
        if (!step.checkpointDir) throw new TrainerError(`epoch ${step.epoch} needs the checkpoint of epoch ${step.epoch - 1}, but no checkpoint folder was given`);
        const file = checkpointFile(step.checkpointDir, step.epoch - 1);
        if (!existsSync(file)) throw new TrainerError(`no checkpoint of epoch ${step.epoch - 1} in ${step.checkpointDir}: cannot resume pipeline ${step.configId}`);
        const checkpoint = await loadCheckpoint(file);
        if (checkpoint.meta.configHash !== configHash || checkpoint.meta.model !== settings.model) {
          throw new TrainerError(`${file} belongs to another configuration than pipeline ${step.configId}`);
        }
        if (checkpoint.meta.inputSize !== size || checkpoint.meta.classes !== classes) {
          throw new TrainerError(`${file} was trained at ${checkpoint.meta.inputSize} px on ${checkpoint.meta.classes} classes; now ${size} px, ${classes} classes`);
        }
        model.restore(checkpoint);
        ({ plateau, valHistory, trainLoss } = { plateau: checkpoint.meta.plateau, valHistory: [...checkpoint.meta.valHistory], trainLoss: [...checkpoint.meta.trainLoss] });
        resumedFrom = file;
      }
      const t = step.epoch - 1;
      const lr = learningRate(settings, t, step.maxEpochs, plateau);
      // NOTE: with no frozen layer the prefix is only the input (and padding): caching it saves no compute.
      const canCache =
        model.network.plan.frozenLayers > 0 &&
        settings.augmentation === 'none' &&
        !mixingActive({ mixup: settings.mixup, cutmix: settings.cutmix, prob: settings.mixupProb, smoothing: 0 });
      const cacheKey = `${settings.model}|${model.network.plan.frozenLayers}|${size}|${dataset.fingerprint}`;
      const trainSplit: SplitInputs = {
        images: train,
        labels: dataset.train.map((s) => s.label),
        features: canCache ? await this.features(`${cacheKey}|train`, model, train, scaling, signal) : null,
      };
      const valSplit: SplitInputs = { images: val, labels: dataset.val.map((s) => s.label), features: await this.features(`${cacheKey}|val`, model, val, scaling, signal) };
      const random = new Random(hash32(`${seed}:epoch:${step.epoch}`));
      const order = random.shuffle(usableIndices(train));
      if (order.length === 0) throw new TrainerError(`${dataset.dir}: no training image could be decoded at ${size} px`);
      const prepared = performance.now();
      const microBatch = await this.microBatch(`${cacheKey}|${trainSplit.features ? 'cached' : 'pixels'}`, model, settings, trainSplit, order, scaling, classes);
      const result = await trainEpoch(tf, model, settings, trainSplit, order, classes, lr, scaling, random, signal, microBatch);
      const trained = performance.now();
      const valIndices = usableIndices(val);
      if (valIndices.length === 0) throw new TrainerError(`${dataset.dir}: no validation image could be decoded at ${size} px`);
      const score = await evaluate(tf, model, valSplit, valIndices, scaling, trainSplit.features ? 256 : VAL_BATCH, signal);
      const evaluated = performance.now();
      const final = result.diverged || step.epoch >= step.maxEpochs;
      if (result.diverged) log.warn({ configId: step.configId, epoch: step.epoch, lr }, 'training diverged (non-finite loss): the pipeline ends here');
      if (!result.diverged && step.checkpointDir) {
        plateau = observePlateau(settings, t, score, plateau);
        await saveCheckpoint(step.checkpointDir, {
          meta: {
            model: settings.model, configHash, epoch: step.epoch, seed, classes, inputSize: size,
            frozenLayers: model.network.plan.frozenLayers, optimizerSteps: model.optimizer.steps, plateau,
            valHistory: [...valHistory, score], trainLoss: [...trainLoss, result.loss],
          },
          tensors: model.snapshot(),
        });
      }
      const ms = (from: number, to: number): number => Math.round(to - from);
      log.debug(
        { configId: step.configId, epoch: step.epoch, microBatch, setupMs: ms(started, prepared), trainMs: ms(prepared, trained), evalMs: ms(trained, evaluated), saveMs: ms(evaluated, performance.now()) },
        'tfjs step timings',
      );
      return {
        score, seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSince(cpuStarted), final, trainLoss: result.loss, lr,
        cachedFeatures: trainSplit.features !== null, frozenLayers: model.network.plan.frozenLayers,
        layers: model.network.plan.layers.length, resumedFrom,
      };
    } finally {
      model.dispose();
    }
  }

  /** Samples per micro-batch so that one micro-batch's activations and gradients fit the activation budget. */
  private async microBatch(key: string, model: PipelineModel, settings: TrainSettings, split: SplitInputs, order: readonly number[], scaling: InputScaling, classes: number): Promise<number> {
    let perSample = this.bytesPerSample.get(key);
    if (perSample === undefined) {
      perSample = await peakBytesPerSample(this.tf, model, settings, split, order, scaling, classes);
      this.bytesPerSample.set(key, perSample);
    }
    const budget = this.options.activationBytes ?? DEFAULT_ACTIVATION_BYTES;
    const micro = Math.max(1, Math.min(settings.batchSize, Math.floor(budget / perSample)));
    if (micro < settings.batchSize) {
      getLogger('tfjs-trainer').debug({ key, perSampleMb: Math.round(perSample / 2 ** 20), micro, batch: settings.batchSize }, 'batch split into micro-batches');
    }
    return micro;
  }

  /** The frozen prefix's outputs for a whole split, from the cache or computed now; null when over budget. */
  private async features(key: string, model: PipelineModel, images: DecodedImages, scaling: InputScaling, signal: AbortSignal): Promise<CachedFeatures | null> {
    const cached = this.cache.get(key);
    if (cached) return cached;
    const tf = this.tf;
    const indices = Array.from({ length: images.count }, (_, i) => i);
    let out: CachedFeatures | null = null;
    for (const batch of chunks(indices, 32)) {
      await yieldToEventLoop();
      signal.throwIfAborted();
      const pixels = pixelBatch(images, batch, scaling, undefined, undefined);
      const frontier = tf.tidy(() => model.network.runPrefix(tf.tensor4d(pixels, [batch.length, images.size, images.size, 3])));
      if (!out) {
        const shapes = frontier.map((t) => t.shape.slice(1));
        const bytes = shapes.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0) * images.count * 4;
        if (!this.cache.reserve(bytes)) {
          tf.dispose(frontier);
          getLogger('tfjs-trainer').info({ key, mb: Math.round(bytes / 2 ** 20) }, 'frozen activations exceed the feature cache; recomputing them per batch');
          return null;
        }
        out = { count: images.count, shapes, data: shapes.map((s) => new Float32Array(images.count * s.reduce((a, b) => a * b, 1))) };
      }
      frontier.forEach((t, k) => {
        const per = t.size / batch.length;
        out?.data[k]?.set(t.dataSync() as Float32Array, (batch[0] ?? 0) * per);
      });
      tf.dispose(frontier);
    }
    if (out) this.cache.set(key, out);
    return out;
  }

  async dispose(): Promise<void> {
    this.cache.clear();
    await this.models.dispose();
  }

  /** For tests: the pretrained model as the engine holds it. */
  pretrained(name: string): Promise<PretrainedModel> {
    return this.models.get(name);
  }

  /** For tests: the parsed settings of a config. */
  static settings(config: Config): TrainSettings {
    return parseSettings(config);
  }
}

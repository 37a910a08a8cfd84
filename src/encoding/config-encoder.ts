import type { ModelHub } from '../hub/model-hub.ts';
import type { CellValue, MetaDataset } from '../metadata/types.ts';
import type { Config } from '../space/types.ts';
import { fitCategorical, fitNumeric } from './column-fit.ts';
import { codecFor, type ColumnCodec } from './column-codec.ts';
import { findProblems } from './find-problems.ts';
import type { EncodingProblem, ParameterValues } from './compatibility.ts';
import { fitModelPart, ModelCodec } from './model-part.ts';
import { resolveOptions, type EncoderOptions } from './options.ts';
import { parseEncoderState, type ColumnSpec, type EncoderState } from './state.ts';
import type { RawValue } from './values.ts';

/** Widths of the encoded parts. `pipeline` = model + hyperparameters, in that order. */
export interface EncoderDims {
  /** The one-hot columns over the meta-dataset's models (the first columns of the model part). */
  readonly modelOneHot: number;
  /** The whole model part: one-hot plus hub descriptors. */
  readonly model: number;
  readonly hyperparameters: number;
  readonly pipeline: number;
  readonly metaFeatures: number;
}

/** Meta-feature values of a dataset by name (datasets.csv columns). */
export type MetaFeatureRecord = Readonly<Record<string, CellValue | undefined>>;

/**
 * Turns (model, hyperparameters) and dataset meta-features into the fixed numeric vectors the predictor
 * consumes (docs/method.md §4.1). Fitted once on a meta-dataset; its state is saved with a predictor
 * and restored with {@link ConfigEncoder.fromJSON}, so new configurations are encoded exactly as in
 * meta-training. Instances are immutable. See docs/encoding.md for the layout.
 */
export class ConfigEncoder {
  readonly dims: EncoderDims;
  private readonly state: EncoderState;
  private readonly model: ModelCodec;
  private readonly hyperparameters: readonly ColumnCodec[];
  private readonly byName: ReadonlyMap<string, ColumnCodec>;
  private readonly metaFeatures: readonly ColumnCodec[];

  private constructor(state: EncoderState, hub: ModelHub | null) {
    this.state = state;
    this.model = new ModelCodec(state.model, hub);
    this.hyperparameters = state.hyperparameters.map((spec) => codecFor(spec, state.fill));
    this.byName = new Map(this.hyperparameters.map((codec) => [codec.spec.name, codec]));
    this.metaFeatures = state.metaFeatures.map((spec) => codecFor(spec, state.fill));
    const hp = this.hyperparameters.reduce((sum, codec) => sum + codec.width, 0);
    this.dims = {
      modelOneHot: this.model.oneHotWidth,
      model: this.model.width,
      hyperparameters: hp,
      pipeline: this.model.width + hp,
      metaFeatures: this.metaFeatures.reduce((sum, codec) => sum + codec.width, 0),
    };
  }

  /** Fits the encoding on every run and dataset of a meta-dataset; `hub` supplies model descriptors. */
  static fit(meta: MetaDataset, hub: ModelHub | null, options: EncoderOptions = {}): ConfigEncoder {
    const o = resolveOptions(options);
    const configs = [...meta.tasks.values()].flatMap((task) => task.configs);
    const hyperparameters: ColumnSpec[] = [];
    for (const column of meta.hyperparameters) {
      if (o.exclude.has(column.name)) continue;
      const raw = configs.map((config) => config.values[column.name]);
      const sentinel = o.sentinels[column.name] ?? null;
      hyperparameters.push(
        column.kind === 'categorical' || o.categorical.has(column.name)
          ? fitCategorical(column.name, raw, sentinel, o.indicators)
          : fitNumeric(column.name, raw, { transform: o.noLog.has(column.name) ? 'identity' : 'auto', logRatio: o.logRatio, sentinel, indicators: o.indicators }),
      );
    }
    const tasks = [...meta.tasks.values()];
    const metaFeatures: ColumnSpec[] = meta.metaFeatures.map((column) => {
      const raw = tasks.map((task) => task.metaFeatures[column.name]);
      return column.kind === 'categorical'
        ? fitCategorical(column.name, raw, null, o.indicators)
        : fitNumeric(column.name, raw, { transform: o.metaFeatureTransform, logRatio: Infinity, sentinel: null, indicators: o.indicators });
    });
    const state: EncoderState = {
      format: 'quicktune-encoder',
      version: 1,
      source: { name: meta.name, contentHash: meta.contentHash, maxEpochs: meta.maxEpochs },
      fill: o.fill,
      model: fitModelPart(meta.models, hub),
      hyperparameters,
      metaFeatures,
    };
    return new ConfigEncoder(state, null);
  }

  /**
   * Restores a saved encoder (validated; `label` names the file in problems). A `hub` adds descriptors for
   * models unknown at fit time; descriptors saved in the state are never replaced.
   */
  static fromJSON(data: unknown, options: { hub?: ModelHub | null; label?: string } = {}): ConfigEncoder {
    return new ConfigEncoder(parseEncoderState(data, options.label ?? 'encoder state'), options.hub ?? null);
  }

  /** A plain-JSON copy of the state (JSON.stringify of the encoder gives it too). */
  toJSON(): EncoderState {
    return structuredClone(this.state);
  }

  /** The meta-dataset the encoding was fitted on. */
  get source(): EncoderState['source'] {
    return { ...this.state.source };
  }

  /** Hyperparameter names in encoding order. */
  get hyperparameterNames(): string[] {
    return this.state.hyperparameters.map((spec) => spec.name);
  }

  /** The model part alone: one-hot over the meta-dataset's models, then hub descriptors. */
  encodeModel(model: string, out = new Float32Array(this.dims.model), at = 0): Float32Array {
    this.model.encode(model, out, at, this.state.fill);
    return out;
  }

  /** The hyperparameter part alone; keys of `config` the encoding does not know are ignored (see checkCompatible). */
  encodeHyperparameters(config: Readonly<Record<string, RawValue>>, out = new Float32Array(this.dims.hyperparameters), at = 0): Float32Array {
    let k = at;
    for (const codec of this.hyperparameters) {
      codec.encode(config[codec.spec.name], out, k);
      k += codec.width;
    }
    return out;
  }

  /** [model part | hyperparameter part] of one pipeline. */
  encodePipeline(config: Config, out = new Float32Array(this.dims.pipeline), at = 0): Float32Array {
    this.encodeModel(config.model, out, at);
    this.encodeHyperparameters(config, out, at + this.dims.model);
    return out;
  }

  /** Row-major n × dims.pipeline matrix of many pipelines. */
  encodePipelines(configs: readonly Config[]): Float32Array {
    const out = new Float32Array(configs.length * this.dims.pipeline);
    configs.forEach((config, i) => this.encodePipeline(config, out, i * this.dims.pipeline));
    return out;
  }

  /** A dataset's meta-features, scaled as in meta-training (log1p, then standardized). */
  encodeMetaFeatures(record: MetaFeatureRecord, out = new Float32Array(this.dims.metaFeatures), at = 0): Float32Array {
    let k = at;
    for (const codec of this.metaFeatures) {
      codec.encode(record[codec.spec.name], out, k);
      k += codec.width;
    }
    return out;
  }

  /**
   * What keeps configurations (or a search space's parameters and their possible values) from being
   * encoded faithfully: unknown parameters, categories never seen, non-numbers in numeric columns
   * (fatal), parameters the input lacks and models with neither one-hot nor descriptors (not fatal).
   */
  checkCompatible(input: readonly Config[] | readonly ParameterValues[]): EncodingProblem[] {
    return findProblems(input, {
      codecs: this.byName,
      isKnownModel: (model) => this.model.isKnown(model),
      source: this.state.source.name,
    });
  }

  /** A readable name for every entry of each part, in vector order. */
  columnNames(): { model: string[]; hyperparameters: string[]; metaFeatures: string[] } {
    return {
      model: this.model.names(),
      hyperparameters: this.hyperparameters.flatMap((codec) => codec.names()),
      metaFeatures: this.metaFeatures.flatMap((codec) => codec.names()),
    };
  }
}

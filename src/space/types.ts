/** A hyperparameter value as the optimizer and trainers see it; `null` = inactive or unknown. */
export type ParamValue = string | number | boolean | null;

/**
 * One pipeline: the pretrained model plus its finetuning hyperparameters. The model is the `model` key,
 * so a config is a flat record that serializes to one JSON object and one CSV row.
 */
export type Config = Readonly<Record<string, ParamValue>> & { readonly model: string };

/** A candidate pipeline of a search: a stable id plus its config. */
export interface Pipeline {
  readonly id: string;
  readonly config: Config;
}

/** A value a parameter can take when active (a choice, an ordinal value or a number). */
export type Scalar = string | number | boolean;

/** The values a parameter can take when it is active. */
export type Domain =
  /** Unordered choices; sampled uniformly. */
  | { readonly kind: 'categorical'; readonly choices: readonly Scalar[] }
  /** Ordered finite values (e.g. batch sizes); sampled uniformly, the order is meaningful to encoders. */
  | { readonly kind: 'ordinal'; readonly values: readonly (string | number)[] }
  /** Integers in [low, high], both included; uniform or log-uniform. */
  | { readonly kind: 'integer'; readonly low: number; readonly high: number; readonly log: boolean }
  /** Reals in [low, high]; uniform or log-uniform. */
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log: boolean };

/** `parent` must be active and take one of `values` for the parameter holding this condition to be active. */
export interface Condition {
  readonly parent: string;
  readonly values: readonly Scalar[];
}

/** One parameter of a resolved search space. */
export interface ParameterSpec {
  readonly name: string;
  readonly domain: Domain;
  /** All must hold (AND) for the parameter to be active; empty = always active. */
  readonly conditions: readonly Condition[];
  /** The value a config records when the parameter is inactive (null unless the space file says otherwise). */
  readonly inactive: ParamValue;
  /** The value a pinned config gets when it leaves this (active) parameter out. */
  readonly default: Scalar | undefined;
}

/**
 * A validated, normalized search space (docs/search-space.md). `parameters` keeps the file's order;
 * every parameter's condition parents come before it in `order`, so configs can be built in one pass.
 */
export interface SearchSpace {
  readonly name: string | undefined;
  /** The file it was read from (for messages), or a label such as "(built-in)". */
  readonly source: string;
  readonly parameters: readonly ParameterSpec[];
  /** Parameter names, parents before children (a topological order of the conditions). */
  readonly order: readonly string[];
  /** Configurations the user wants evaluated; complete (inactive and default values filled in). */
  readonly pinned: readonly Config[];
  /** Sampled configurations in a candidate pool (besides the pinned ones). */
  readonly poolSize: number;
  /** sha256 of the normalized space (parameters, pinned, pool size): identifies it in a run's journal. */
  readonly hash: string;
}

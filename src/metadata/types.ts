/** A cell of a free column of the meta-dataset: a number, a category, or missing (empty cell). */
export type CellValue = number | string | null;

/** Type and statistics of one free column (hyperparameter or dataset meta-feature). */
export interface ColumnInfo {
  readonly name: string;
  /** numeric when every non-empty cell parses as a finite number, categorical otherwise. */
  readonly kind: 'numeric' | 'categorical';
  /** Number of empty cells. */
  readonly missing: number;
  /** Numeric columns: statistics over the non-missing cells. */
  readonly min?: number;
  readonly max?: number;
  readonly mean?: number;
  readonly std?: number;
  /** Distinct non-missing values, sorted: category labels, or (numeric) the distinct numbers as strings. */
  readonly distinct: readonly string[];
}

/** One run of the meta-dataset: a pipeline trained on one dataset, with its learning curve. */
export interface MetaConfig {
  readonly id: string;
  readonly dataset: string;
  readonly model: string;
  /** Hyperparameter columns of configs.csv (everything but config_id, dataset, model). */
  readonly values: Readonly<Record<string, CellValue>>;
  /** scores[e - 1] = validation score after epoch e, in [0, 1]; length = epochs the run finished. */
  readonly scores: Float64Array;
  /** costs[e - 1] = seconds of epoch e alone (train + validation). */
  readonly costs: Float64Array;
}

/** One dataset (task) of the meta-dataset. */
export interface MetaTask {
  readonly name: string;
  readonly metaFeatures: Readonly<Record<string, CellValue>>;
  readonly configs: readonly MetaConfig[];
  /** Best score of any run at any epoch of this task. */
  readonly yBest: number;
  /** Lowest score anywhere in this task's curves. */
  readonly yWorst: number;
}

/** A loaded, validated meta-dataset in memory (docs/metadataset-format.md). */
export interface MetaDataset {
  readonly name: string;
  readonly description?: string;
  readonly metric?: string;
  readonly maxEpochs: number;
  /** The folder it was loaded from. */
  readonly dir: string;
  /** sha256 of the four files' bytes: identifies the data a predictor was trained on. */
  readonly contentHash: string;
  /** Hyperparameter columns of configs.csv in file order (the `model` column excluded). */
  readonly hyperparameters: readonly ColumnInfo[];
  /** Meta-feature columns of datasets.csv in file order (the `dataset` column excluded). */
  readonly metaFeatures: readonly ColumnInfo[];
  /** Distinct models, sorted. */
  readonly models: readonly string[];
  /** Tasks in datasets.csv order. */
  readonly tasks: ReadonlyMap<string, MetaTask>;
  readonly totals: { readonly configs: number; readonly curvePoints: number };
  /** Looks a run up by config_id. */
  config(id: string): MetaConfig | undefined;
}

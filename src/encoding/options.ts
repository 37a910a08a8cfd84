/**
 * The "none" sentinels of the Quick-Tune meta-dataset: -1 in clip_grad and layer_decay means no clipping
 * and no layer-wise decay. A sentinel is encoded as a missing value.
 */
export const QUICKTUNE_SENTINELS: Readonly<Record<string, number | string>> = { clip_grad: -1, layer_decay: -1 };

/** Choices made when fitting an encoder; all of them end up in the saved state. */
export interface EncoderOptions {
  /** column → value that means "none", treated as missing. Default: {@link QUICKTUNE_SENTINELS}. */
  readonly sentinels?: Readonly<Record<string, number | string>>;
  /** Add a missing-indicator entry for every column that had missing values at fit time. Default true. */
  readonly indicators?: boolean;
  /** The standardized value written for a missing numeric. Default 0 (the training mean). */
  readonly fill?: number;
  /** Non-negative numerics whose largest / smallest positive value reaches this are log-transformed. Default 10. */
  readonly logRatio?: number;
  /** Hyperparameter columns never log-transformed. */
  readonly noLog?: readonly string[];
  /** Numeric hyperparameter columns to one-hot instead (e.g. a flag whose values are codes). */
  readonly categorical?: readonly string[];
  /** Hyperparameter columns left out of the encoding. */
  readonly exclude?: readonly string[];
  /** Meta-feature scaling before standardization: 'log1p' (the decision of docs/method.md §4.1) or 'identity'. */
  readonly metaFeatureTransform?: 'log1p' | 'identity';
}

export interface ResolvedEncoderOptions {
  readonly sentinels: Readonly<Record<string, number | string>>;
  readonly indicators: boolean;
  readonly fill: number;
  readonly logRatio: number;
  readonly noLog: ReadonlySet<string>;
  readonly categorical: ReadonlySet<string>;
  readonly exclude: ReadonlySet<string>;
  readonly metaFeatureTransform: 'log1p' | 'identity';
}

export function resolveOptions(options: EncoderOptions = {}): ResolvedEncoderOptions {
  return {
    sentinels: options.sentinels ?? QUICKTUNE_SENTINELS,
    indicators: options.indicators ?? true,
    fill: options.fill ?? 0,
    logRatio: options.logRatio ?? 10,
    noLog: new Set(options.noLog ?? []),
    categorical: new Set(options.categorical ?? []),
    exclude: new Set(options.exclude ?? []),
    metaFeatureTransform: options.metaFeatureTransform ?? 'log1p',
  };
}

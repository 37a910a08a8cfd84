/** Widths of the predictor's inputs (docs/method.md §4.1). */
export interface InputDims {
  /** Model columns: the one-hot model id plus, optionally, the hub descriptors. */
  readonly modelDim: number;
  /** Every other encoded hyperparameter column. */
  readonly hpDim: number;
  /** Scaled dataset meta-features. */
  readonly metaDim: number;
  /** T: curves are zero-padded to this length, budgets are epoch / T. */
  readonly maxEpochs: number;
}

/** n (pipeline, epoch) points as flat float32 rows, ready to become tensors. */
export interface Batch {
  readonly n: number;
  /** n × modelDim */
  readonly model: Float32Array;
  /** n × hpDim */
  readonly hp: Float32Array;
  /** n × metaDim */
  readonly meta: Float32Array;
  /** n: epoch / T */
  readonly budget: Float32Array;
  /** n × T: scores of the epochs before the predicted one, zero-padded. */
  readonly curve: Float32Array;
  /** n: the last observed score before the predicted epoch (0 when none). */
  readonly last: Float32Array;
  /** n: 1 when the point has an observed curve (epoch > 1), else 0. */
  readonly hasLast: Float32Array;
}

/** An empty batch of n rows to be filled in place. */
export function allocateBatch(dims: InputDims, n: number): Batch {
  return {
    n,
    model: new Float32Array(n * dims.modelDim),
    hp: new Float32Array(n * dims.hpDim),
    meta: new Float32Array(n * dims.metaDim),
    budget: new Float32Array(n),
    curve: new Float32Array(n * dims.maxEpochs),
    last: new Float32Array(n),
    hasLast: new Float32Array(n),
  };
}

/**
 * The first convolution's input as im2col rows: for each point and time step t, the curve at t−1, t, t+1
 * ('same' zero padding). Built in JS because the curve is data, so no gradient has to flow through it.
 */
export function curveColumns(batch: Batch, maxEpochs: number): Float32Array {
  const { n, curve } = batch;
  const T = maxEpochs;
  const cols = new Float32Array(n * T * 3);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) {
      const o = (i * T + t) * 3;
      if (t > 0) cols[o] = curve[i * T + t - 1]!;
      cols[o + 1] = curve[i * T + t]!;
      if (t < T - 1) cols[o + 2] = curve[i * T + t + 1]!;
    }
  }
  return cols;
}

/** The rows of `a` followed by the rows of `b` (one forward pass for both). */
export function concatBatches(dims: InputDims, a: Batch, b: Batch): Batch {
  const out = allocateBatch(dims, a.n + b.n);
  for (const key of ['model', 'hp', 'meta', 'budget', 'curve', 'last', 'hasLast'] as const) {
    out[key].set(a[key]);
    out[key].set(b[key], a[key].length);
  }
  return out;
}

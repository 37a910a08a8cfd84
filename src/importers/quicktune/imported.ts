/** Meta-feature columns both release layouts provide, in their order. */
export const DESCRIPTOR_COLUMNS = ['num_samples', 'num_classes', 'image_size', 'num_channels'] as const;

/** One run in canonical form: hyperparameter cells already formatted as CSV text. */
export interface ImportedRun {
  readonly id: string;
  readonly dataset: string;
  readonly model: string;
  readonly cells: Readonly<Record<string, string>>;
  /** Fractions in [0, 1], one per finished epoch. */
  readonly scores: readonly number[];
  /** Seconds of each epoch alone. */
  readonly costs: readonly number[];
}

/** A release converted in memory, ready to be written in the canonical layout. */
export interface ImportedMetaDataset {
  readonly variant: 'release' | 'table';
  readonly version: string;
  readonly datasets: readonly { readonly name: string; readonly descriptors: readonly number[] }[];
  /** Hyperparameter columns in output order (config_id, dataset, model come first and are not listed). */
  readonly columns: readonly string[];
  readonly runs: readonly ImportedRun[];
  /** Source columns left out (bookkeeping, not hyperparameters, or constant). */
  readonly droppedColumns: readonly string[];
  /** Runs with no usable epoch (diverged at epoch 1), or with hyperparameters but no curve. */
  readonly droppedRuns: number;
}

/**
 * Matches the release's dataset ids (`mtlbm/micro/set0/BCT` in curves, `micro/set0/BCT` or `BCT` in
 * meta-features) by full id without the `mtlbm/` prefix, then by last path segment when that is unique.
 */
export function matchDataset(id: string, candidates: readonly string[]): string | undefined {
  const strip = (name: string): string => name.replace(/^mtlbm\//, '');
  const exact = candidates.find((c) => c === id || strip(c) === strip(id));
  if (exact !== undefined) return exact;
  const last = (name: string): string => name.split('/').pop() ?? name;
  const byLast = candidates.filter((c) => last(c) === last(id));
  return byLast.length === 1 ? byLast[0] : undefined;
}

/** Canonical dataset names: the last path segment of each id when those are unique, the full ids otherwise. */
export function datasetNames(ids: readonly string[]): Map<string, string> {
  const last = ids.map((id) => id.split('/').pop() ?? id);
  const unique = new Set(last).size === ids.length;
  return new Map(ids.map((id, i) => [id, unique ? (last[i] ?? id) : id]));
}

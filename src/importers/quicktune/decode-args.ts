/**
 * Entries of the authors' args.json that are bookkeeping, outcomes or dataset properties, not finetuning
 * hyperparameters (the lists their own loaders drop), plus run-specific paths. `model` becomes the model
 * column and `dataset` comes from the curves' keys.
 */
const NOT_HYPERPARAMETERS = new Set([
  'model', 'dataset', 'experiment', 'project', 'project_name', 'device', 'distributed', 'rank', 'world_size',
  'prefetcher', 'epochs', 'curve_length', 'device_count', 'final_batch_size', 'invalid_loss_value',
  'max_memory_allocated', 'test_mode', 'initial_eval_top1', 'initial_eval_top5', 'initial_eval_loss',
  'num_classes', 'max_eval_top1', 'max_eval_top5', 'output', 'data_dir', 'data', 'dataset_download',
]);

/** args.json decoded into canonical hyperparameter columns. */
export interface DecodedArgs {
  readonly columns: string[];
  readonly cells: Map<string, Record<string, string>>;
  readonly dropped: string[];
}

/**
 * Turns the kept runs' args into CSV cells. A column whose values are all numbers or booleans is numeric:
 * booleans become 1/0 and null an empty (missing) cell. Any other column is categorical and written as
 * Python's str() writes the value (None, True, [0.9, 0.999]), the labels the authors' one-hot tables use,
 * so both release layouts import to the same categories. Constant columns are dropped.
 */
export function decodeArgs(args: ReadonlyMap<string, Readonly<Record<string, unknown>>>): DecodedArgs {
  const order: string[] = [];
  const seen = new Set<string>();
  for (const entry of args.values()) {
    for (const key of Object.keys(entry)) {
      if (!seen.has(key)) {
        seen.add(key);
        order.push(key);
      }
    }
  }
  const columns: string[] = [];
  const dropped: string[] = [];
  const cells = new Map<string, Record<string, string>>([...args.keys()].map((id) => [id, {}]));
  for (const key of order) {
    const values = [...args.values()].map((entry) => entry[key] ?? null);
    if (NOT_HYPERPARAMETERS.has(key) || values.some((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) {
      if (key !== 'model' && key !== 'dataset') dropped.push(key);
      continue;
    }
    const numeric = values.every((v) => v === null || typeof v === 'number' || typeof v === 'boolean');
    const text = values.map((v) => (numeric ? numericCell(v) : pythonStr(v)));
    if (new Set(text).size <= 1) {
      dropped.push(key);
      continue;
    }
    columns.push(key);
    [...args.keys()].forEach((id, i) => {
      const row = cells.get(id);
      if (row !== undefined) row[key] = text[i] ?? '';
    });
  }
  return { columns, cells, dropped };
}

function numericCell(value: unknown): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

/** Python's str() of a JSON value: None, True/False, 'text' inside lists, [a, b]. */
export function pythonStr(value: unknown, nested = false): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return nested ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    // NOTE: JSON has lost the difference between 0 and 0.0. A list holding a non-integer was a list of
    // floats in Python (the optimizer betas), so its integral members are written 0.0, as str() did.
    const floats = value.some((v) => typeof v === 'number' && !Number.isInteger(v));
    return `[${value.map((v) => (floats && typeof v === 'number' && Number.isInteger(v) ? `${v}.0` : pythonStr(v, true))).join(', ')}]`;
  }
  return JSON.stringify(value);
}

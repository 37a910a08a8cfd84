/** What `quicktune evaluate --json` reports. */
export interface ClassificationScores {
  /** Share of images whose predicted class is their folder's class. */
  readonly accuracy: number;
  readonly images: number;
  /** Accuracy per class, for the classes that have images. */
  readonly per_class: Readonly<Record<string, number>>;
  /** confusion[true][predicted]: image counts, in the order of `classes`. */
  readonly confusion: readonly (readonly number[])[];
  readonly classes: readonly string[];
}

/** Scores predicted labels against true ones (both indices into `classes`). */
export function classificationScores(classes: readonly string[], truth: readonly number[], predicted: readonly number[]): ClassificationScores {
  const confusion = classes.map(() => classes.map(() => 0));
  truth.forEach((label, i) => {
    const row = confusion[label];
    const guess = predicted[i] ?? -1;
    if (row && guess >= 0 && guess < classes.length) row[guess] = (row[guess] ?? 0) + 1;
  });
  const perClass: Record<string, number> = {};
  confusion.forEach((row, label) => {
    const total = row.reduce((a, b) => a + b, 0);
    if (total > 0) perClass[classes[label] as string] = (row[label] ?? 0) / total;
  });
  const correct = truth.filter((label, i) => predicted[i] === label).length;
  return { accuracy: truth.length > 0 ? correct / truth.length : 0, images: truth.length, per_class: perClass, confusion, classes: [...classes] };
}

/** The index of the largest of `classes` values starting at `offset` (the predicted class of one row). */
export function argmaxRow(probabilities: Float32Array, offset: number, classes: number): number {
  let best = 0;
  for (let c = 1; c < classes; c++) if ((probabilities[offset + c] as number) > (probabilities[offset + best] as number)) best = c;
  return best;
}

/** One thing wrong with a space file: where (a path into the written document) and what. */
export interface SpaceProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** `parameters.lr.low`, `pinned[2].model`: the dotted path users see in messages. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(root)' : out;
}

export function problem(path: readonly (string | number)[], message: string): SpaceProblem {
  return { path, message };
}

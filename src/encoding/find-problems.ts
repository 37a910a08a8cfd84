import type { Config, ParamValue } from '../space/types.ts';
import type { ColumnCodec } from './column-codec.ts';
import { describeValue, listShort, type EncodingProblem, type ParameterValues } from './compatibility.ts';

interface Context {
  readonly codecs: ReadonlyMap<string, ColumnCodec>;
  readonly isKnownModel: (model: string) => boolean;
  /** The meta-dataset's name, for messages. */
  readonly source: string;
}

const MODEL = 'model';

function isParameterList(input: readonly Config[] | readonly ParameterValues[]): input is readonly ParameterValues[] {
  const first = input[0];
  return first !== undefined && 'values' in first && Array.isArray(first.values);
}

/** Every distinct problem of a list of configs or of a space's parameters, in input order. */
export function findProblems(input: readonly Config[] | readonly ParameterValues[], context: Context): EncodingProblem[] {
  const parameters: ParameterValues[] = isParameterList(input) ? [...input] : valuesByParameter(input);
  const found = new Map<string, EncodingProblem>();
  const add = (problem: EncodingProblem): void => {
    const key = `${problem.kind}\u0000${problem.parameter}\u0000${String(problem.value)}`;
    if (!found.has(key)) found.set(key, problem);
  };
  const present = new Set(parameters.map((p) => p.name));
  for (const { name, values } of parameters) {
    if (name === MODEL) {
      for (const value of values) {
        const model = String(value);
        if (!context.isKnownModel(model)) {
          add({ kind: 'unknownModel', parameter: MODEL, value, fatal: false, message: `model '${model}' is neither in meta-dataset '${context.source}' nor in the model hub: it is encoded without descriptors` });
        }
      }
      continue;
    }
    const codec = context.codecs.get(name);
    if (codec === undefined) {
      add({ kind: 'unknownParameter', parameter: name, fatal: true, message: `parameter '${name}' is not in the predictor's encoding (meta-dataset '${context.source}' has no such column)` });
      continue;
    }
    for (const value of values) {
      const problem = codec.check(value);
      if (problem?.kind === 'notNumeric') {
        add({ kind: 'notNumeric', parameter: name, value, fatal: true, message: `${name}: value ${describeValue(value)} is not a number, but the column is numeric in meta-dataset '${context.source}'` });
      } else if (problem?.kind === 'unknownCategory') {
        add({ kind: 'unknownCategory', parameter: name, value, fatal: true, message: `${name}: value ${describeValue(value)} never occurs in meta-dataset '${context.source}' (known: ${listShort(problem.known)})` });
      }
    }
  }
  for (const name of context.codecs.keys()) {
    if (!present.has(name)) {
      add({ kind: 'absentParameter', parameter: name, fatal: false, message: `parameter '${name}' of the predictor's encoding is absent: it is always encoded as missing` });
    }
  }
  return [...found.values()];
}

function valuesByParameter(configs: readonly Config[]): ParameterValues[] {
  const byName = new Map<string, ParamValue[]>();
  for (const config of configs) {
    for (const [name, value] of Object.entries(config)) {
      const list = byName.get(name) ?? [];
      list.push(value);
      byName.set(name, list);
    }
  }
  return [...byName].map(([name, values]) => ({ name, values }));
}

import { NotAvailableError } from '../errors.ts';
import type { Predictor } from '../predictor/types.ts';

/**
 * The predictor of a real search: `--predictor DIR` or the shipped default.
 * TODO(runs): call the predictor checkpoint loader (loadPredictor / loadDefaultPredictor) once it is on main.
 */
export async function loadSearchPredictor(dir: string | undefined, method: string): Promise<Predictor> {
  const which = dir === undefined ? 'the shipped meta-trained predictor' : `the predictor checkpoint ${dir}`;
  throw new NotAvailableError(`${which} (needed by --method ${method}; asha, random and random-pairs need none)`);
}

import { NotAvailableError } from '../../errors.ts';
import type { TestScorer } from './real-runner.ts';

/** Scores a run's incumbent checkpoint on the test folder (wired to the trainer's evaluation). */
export const scoreIncumbentOnTest: TestScorer = async () => {
  throw new NotAvailableError('scoring a checkpoint on a test folder');
};

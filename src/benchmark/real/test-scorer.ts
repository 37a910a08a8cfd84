import { evaluateRun } from '../../model-export/evaluate-run.ts';
import type { TestScorer } from './real-runner.ts';

/**
 * Scores a run's incumbent on the test folder the way `quicktune evaluate` does: the incumbent's own
 * checkpoint restored and run on every test image (the search never saw them).
 */
export const scoreIncumbentOnTest: TestScorer = async (_outcome, runDir, testDir) => {
  const evaluation = await evaluateRun({ runDir, dataset: testDir, datasetFlag: 'the benchmark test split' });
  return { accuracy: evaluation.accuracy, images: evaluation.images };
};

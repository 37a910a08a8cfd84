import { METHODS } from '../../src/optimizer/registry.ts';
import { optimizerContract } from '../../src/testing/optimizer-contract.ts';
import { CurveMeanPredictor } from '../helpers/curve-mean-predictor.ts';
import { syntheticTask } from '../helpers/synthetic-metadataset.ts';

const T = 12;

optimizerContract([...METHODS.values()], {
  task: syntheticTask('contract', 7, 30, T),
  maxEpochs: T,
  predictor: () => new CurveMeanPredictor(T),
});

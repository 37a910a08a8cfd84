import { join } from 'node:path';
import { CommandTrainer } from '../../src/trainers/command/command-trainer.ts';
import { ReplayTrainer } from '../../src/trainers/replay.ts';
import { createTfjsTrainer } from '../../src/trainers/tfjs/tfjs-trainer.ts';
import { trainerContract } from '../../src/testing/trainer-contract.ts';
import { tempDir, writeClassFolders } from '../helpers/image-folder.ts';
import { fixturePath } from '../helpers/paths.ts';
import { shellQuote } from '../helpers/processes.ts';
import { makeTask } from '../helpers/synthetic-metadataset.ts';

const task = makeTask('contract', [{ id: 'contract', model: 'm1', scores: [0.3, 0.5, 0.6], costs: [4, 4, 4] }]);

trainerContract('replay', {
  make: async () => new ReplayTrainer(task),
  config: { model: 'm1' },
  maxEpochs: 3,
  checkpointed: false,
});

trainerContract('command (the toy training program)', {
  make: async () => {
    const root = await tempDir('qt-contract-command-');
    return new CommandTrainer({
      command: `${shellQuote(process.execPath)} ${shellQuote(fixturePath('trainers', 'toy-trainer.mjs'))}`,
      dataPath: await writeClassFolders(join(root, 'imgs'), ['a', 'b'], 2),
      seed: 0,
      checkpointRoot: join(root, 'checkpoints'),
    });
  },
  config: { model: 'toy', lr: 0.01 },
  maxEpochs: 5,
  checkpointed: true,
});

let tfjsDataset: Promise<string> | undefined;
trainerContract('tfjs (MobileNetV2, linear probe at 64 px)', {
  make: async () => {
    // NOTE: one folder for every trainer the suite makes: describe() names the data (path and fingerprint).
    tfjsDataset ??= tempDir('qt-contract-tfjs-').then((root) => writeClassFolders(join(root, 'imgs'), ['a', 'b'], 5));
    return createTfjsTrainer({ dataset: await tfjsDataset, runDir: await tempDir('qt-contract-tfjs-run-'), seed: 0, settings: { inputSize: 64 } });
  },
  config: { model: 'mobilenet_v2_100_nsfwjs', lr: 0.001, batch_size: 4, opt: 'adam', pct_to_freeze: 1 },
  maxEpochs: 3,
  checkpointed: true,
  timeoutMs: 180_000,
});

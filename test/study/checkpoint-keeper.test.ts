import assert from 'node:assert/strict';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { PoolState } from '../../src/core/pool-state.ts';
import type { StepRecord } from '../../src/core/step.ts';
import { CheckpointKeeper } from '../../src/study/checkpoint-keeper.ts';
import type { CheckpointLayout } from '../../src/trainers/types.ts';
import { folderBytes, formatBytes } from '../../src/util/folder-size.ts';
import { tempDir } from '../helpers/image-folder.ts';

/** One file per epoch, as a trainer would write them. */
const layout: CheckpointLayout = {
  path: (dir, epoch) => join(dir, `epoch-${epoch}.ckpt`),
  async prune(dir, keep) {
    let freed = 0;
    for (const name of await readdir(dir).catch(() => [])) {
      const epoch = Number(/^epoch-(\d+)\.ckpt$/.exec(name)?.[1]);
      if (!Number.isInteger(epoch) || keep.includes(epoch)) continue;
      freed += (await stat(join(dir, name))).size;
      await rm(join(dir, name));
    }
    return freed;
  },
  bytes: (dir) => folderBytes(dir),
};

test('the keeper keeps the incumbent and the last epoch of each pipeline that may continue, and deletes the rest', async () => {
  const root = await tempDir('qt-keeper-');
  const dirOf = (id: string): string => join(root, id);
  const state = new PoolState(['a', 'b'], 4);
  const keeper = new CheckpointKeeper(layout, dirOf, state);
  const step = async (configId: string, epoch: number, score: number, final = false): Promise<void> => {
    await mkdir(dirOf(configId), { recursive: true });
    await writeFile(layout.path(dirOf(configId), epoch), Buffer.alloc(100));
    const record: StepRecord = { configId, epoch, score, seconds: 1, status: 'ok', final, finishedAt: 0 };
    state.observe(record);
    await keeper.afterStep(record);
  };
  const files = async (id: string): Promise<string[]> => (await readdir(dirOf(id)).catch(() => [])).sort();
  await step('a', 1, 0.5);
  await step('a', 2, 0.8);
  await step('a', 3, 0.6);
  assert.deepEqual(await files('a'), ['epoch-2.ckpt', 'epoch-3.ckpt'], 'the incumbent (epoch 2) and the last epoch stay');
  await step('b', 1, 0.9);
  assert.deepEqual(await files('a'), ['epoch-3.ckpt'], 'a is no longer the incumbent: only its last epoch stays');
  await step('a', 4, 0.7);
  assert.deepEqual(await files('a'), [], 'a finished and is not the incumbent: nothing stays');
  await step('b', 2, 0.4, true);
  assert.deepEqual(await files('b'), ['epoch-1.ckpt'], 'b finished: only the incumbent epoch stays');
  assert.equal(keeper.bytesFreed, 500);
  assert.equal(await folderBytes(root), 100);
  assert.equal(formatBytes(100), '100 B');
  assert.equal(formatBytes(123_456_789), '123.5 MB');
});

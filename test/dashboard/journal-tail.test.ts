import assert from 'node:assert/strict';
import { appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { JournalTail } from '../../src/dashboard/journal-tail.ts';
import { tempDir } from '../helpers/image-folder.ts';

test('a journal tail returns only the complete lines appended since the last read', async () => {
  const path = join(await tempDir('qt-dashboard-'), 'journal.jsonl');
  await writeFile(path, '{"op":"header","n":1}\n{"op":"pool","n":2}\n{"op":"ste');
  const tail = new JournalTail(path);
  assert.deepEqual(await tail.read(), [{ op: 'header', n: 1 }, { op: 'pool', n: 2 }]);
  assert.equal(tail.incompleteTail, true, 'a line without its newline waits');
  assert.deepEqual(await tail.read(), [], 'nothing changed: nothing read');
  await appendFile(path, 'p","n":3}\n\n{"op":"step","n":4}\n');
  assert.deepEqual(await tail.read(), [{ op: 'step', n: 3 }, { op: 'step', n: 4 }]);
  assert.equal(tail.incompleteTail, false);

  await appendFile(path, '[1, 2]\n');
  await assert.rejects(tail.read(), /journal\.jsonl:6: corrupt run journal: this line is not a journal entry/);

  const other = join(await tempDir('qt-dashboard-'), 'journal.jsonl');
  await writeFile(other, '{"op":"header"}\n');
  const replaced = new JournalTail(path);
  await replaced.read().catch(() => undefined);
  await rename(other, path);
  await assert.rejects(replaced.read(), /the journal was replaced or cut short while the dashboard followed it/);
});

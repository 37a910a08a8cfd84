import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { JournalFile } from '../../src/storage/journal-file.ts';

const tempJournal = async (): Promise<string> => join(await mkdtemp(join(tmpdir(), 'qt-journal-')), 'journal.jsonl');

test('appended entries read back in order, from any index, one JSON object per line', async () => {
  const path = await tempJournal();
  const backend = await JournalFile.create(path);
  await backend.appendLogs([{ op: 'a', n: 0 }, { op: 'b', n: 1 }]);
  await backend.appendLogs([{ op: 'c', n: 2, nested: { x: [1, 2] } }]);
  await backend.close();
  const reader = JournalFile.reader(path);
  assert.deepEqual(await reader.readLogs(0), [{ op: 'a', n: 0 }, { op: 'b', n: 1 }, { op: 'c', n: 2, nested: { x: [1, 2] } }]);
  assert.deepEqual(await reader.readLogs(2), [{ op: 'c', n: 2, nested: { x: [1, 2] } }]);
  const lines = (await readFile(path, 'utf8')).split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[3], '');
  assert.deepEqual(reader.warnings, []);
});

test('creating a journal where one exists fails instead of overwriting it', async () => {
  const path = await tempJournal();
  await (await JournalFile.create(path)).close();
  await assert.rejects(JournalFile.create(path), /a run journal already exists here/);
});

test('a torn last line is ignored with a warning when reading, and truncated before the next append', async () => {
  const path = await tempJournal();
  const backend = await JournalFile.create(path);
  await backend.appendLogs([{ op: 'a' }, { op: 'b' }]);
  await backend.close();
  await appendFile(path, '{"op":"c","half');
  const reader = JournalFile.reader(path);
  assert.deepEqual(await reader.readLogs(0), [{ op: 'a' }, { op: 'b' }]);
  assert.equal(reader.warnings.length, 1);
  assert.match(reader.warnings[0] ?? '', /journal\.jsonl:3: ignored a torn last line \(15 bytes\)/);
  assert.match(await readFile(path, 'utf8'), /half$/, 'a reader never modifies the file');

  const appender = JournalFile.appender(path);
  await appender.appendLogs([{ op: 'd' }]);
  await appender.close();
  assert.equal(await readFile(path, 'utf8'), '{"op":"a"}\n{"op":"b"}\n{"op":"d"}\n');
});

test('a complete but unparsable last line, or zero bytes left by a crash, count as torn too', async () => {
  const path = await tempJournal();
  await writeFile(path, '{"op":"a"}\n{"op":"b",\n');
  assert.deepEqual(await JournalFile.reader(path).readLogs(0), [{ op: 'a' }]);
  await writeFile(path, '{"op":"a"}\n\0\0\0\0');
  const reader = JournalFile.reader(path);
  assert.deepEqual(await reader.readLogs(0), [{ op: 'a' }]);
  assert.equal(reader.warnings.length, 1);
});

test('a bad line before the end is corruption, reported with its line number', async () => {
  const path = await tempJournal();
  await writeFile(path, '{"op":"a"}\nnot json\n{"op":"c"}\n');
  await assert.rejects(JournalFile.reader(path).readLogs(0), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /journal\.jsonl:2: corrupt run journal/);
    return true;
  });
  await writeFile(path, '{"op":"a"}\n[1,2]\n{"op":"c"}\n');
  await assert.rejects(JournalFile.reader(path).readLogs(0), /journal\.jsonl:2: corrupt/);
});

test('concurrent appends of one backend never interleave', async () => {
  const path = await tempJournal();
  const backend = await JournalFile.create(path);
  await Promise.all(Array.from({ length: 50 }, (_, i) => backend.appendLogs([{ op: 'x', i, pad: 'y'.repeat(500) }, { op: 'z', i }])));
  await backend.close();
  const entries = await JournalFile.reader(path).readLogs(0);
  assert.equal(entries.length, 100);
  for (let k = 0; k < 100; k += 2) {
    assert.equal(entries[k]?.op, 'x');
    assert.equal(entries[k + 1]?.op, 'z');
    assert.equal(entries[k]?.i, entries[k + 1]?.i);
  }
});

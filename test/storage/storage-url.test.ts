import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { NotAvailableError } from '../../src/errors.ts';
import { fingerprintFolder, resolveStorage } from '../../src/storage/index.ts';

test('--storage: absent -> the run directory journal; a path or file:// URL -> that journal file', () => {
  assert.deepEqual(resolveStorage(undefined, 'runs/a'), { kind: 'journal', path: resolve('runs/a', 'journal.jsonl') });
  assert.deepEqual(resolveStorage('elsewhere/j.jsonl', 'runs/a'), { kind: 'journal', path: resolve('elsewhere/j.jsonl') });
  const file = resolve(tmpdir(), 'j.jsonl');
  assert.deepEqual(resolveStorage(pathToFileURL(file).href, 'runs/a'), { kind: 'journal', path: file });
});

test('--storage with a server URL is not available yet (exit 2) and never echoes the URL', () => {
  assert.throws(
    () => resolveStorage('postgres://user:secret@db.example/quicktune', 'runs/a'),
    (error: unknown) => {
      assert.ok(error instanceof NotAvailableError);
      assert.equal(error.exitCode, 2);
      assert.match(error.message, /--storage with a postgres:\/\/ URL .* is not available yet/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    },
  );
  assert.throws(() => resolveStorage('redis://localhost', 'runs/a'), /redis:\/\/ URL/);
});

test('a folder fingerprint changes when a file is added, removed or resized, not when the folder moves', async () => {
  const root = await mkdtemp(join(tmpdir(), 'qt-fp-'));
  const make = async (dir: string): Promise<void> => {
    await mkdir(join(dir, 'cat'), { recursive: true });
    await mkdir(join(dir, 'dog'), { recursive: true });
    await writeFile(join(dir, 'cat', '1.png'), 'aaaa');
    await writeFile(join(dir, 'dog', '1.png'), 'bbbbbb');
    await writeFile(join(dir, '.DS_Store'), 'ignored');
  };
  await make(join(root, 'a'));
  await make(join(root, 'b'));
  const a = await fingerprintFolder(join(root, 'a'));
  assert.equal(a.files, 2);
  assert.match(a.fingerprint, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(await fingerprintFolder(join(root, 'b')), a);
  await writeFile(join(root, 'b', 'dog', '1.png'), 'bbbbbbb');
  const resized = await fingerprintFolder(join(root, 'b'));
  assert.notEqual(resized.fingerprint, a.fingerprint);
  await writeFile(join(root, 'a', 'dog', '2.png'), 'c');
  assert.notEqual((await fingerprintFolder(join(root, 'a'))).fingerprint, a.fingerprint);
  await assert.rejects(fingerprintFolder(join(root, 'missing')), /missing: cannot read the dataset folder/);
});

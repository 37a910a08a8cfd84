import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../src/errors.ts';
import { fingerprintFolder, openStorage, redactUrl } from '../../src/storage/index.ts';

test('--storage: absent -> the run directory journal; a path or file:// URL -> that journal file; memory:// -> memory', async () => {
  const fromDir = await openStorage({ url: undefined, runDir: 'runs/a' });
  assert.equal(fromDir.location, resolve('runs/a', 'journal.jsonl'));
  assert.equal((await openStorage({ url: 'elsewhere/j.jsonl', runDir: 'runs/a' })).location, resolve('elsewhere/j.jsonl'));
  const file = resolve(tmpdir(), 'j k.jsonl');
  assert.equal((await openStorage({ url: pathToFileURL(file).href })).location, file);
  const memory = await openStorage({ url: 'memory://x' });
  assert.equal(memory.location, 'memory://x');
  assert.equal(await openStorage({ url: 'memory://x' }), memory, 'memory:// URLs of one process share a study');
});

test('an unknown storage scheme is a usage error (exit 2) that never echoes the URL', async () => {
  await assert.rejects(openStorage({ url: 'redis://user:secret@db.example/0' }), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /--storage: unknown storage scheme 'redis:\/\/' \(known: file:\/\/, memory:\/\/, postgres:\/\/, postgresql:\/\//);
    assert.doesNotMatch(error.message, /secret/);
    return true;
  });
});

test('redactUrl hides the password of a URL and nothing else', () => {
  assert.equal(redactUrl('postgres://alice:s3cr%40t@db.example:5432/qt'), 'postgres://alice:***@db.example:5432/qt');
  assert.equal(redactUrl('postgres://alice@db.example/qt'), 'postgres://alice@db.example/qt');
  assert.equal(redactUrl('/runs/a/journal.jsonl'), '/runs/a/journal.jsonl');
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

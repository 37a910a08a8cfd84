import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSpace } from '../../../src/space/index.ts';
import { projectRoot } from '../../helpers/paths.ts';

const SCRIPT = join(projectRoot(), 'examples', 'timm_trainer.py');
const python = spawnSync('python3', ['--version'], { encoding: 'utf8' });
const noPython = python.status === 0 ? false : 'python3 is not installed here';

test('examples/timm_trainer.py compiles (python3 -m py_compile)', { skip: noPython }, () => {
  const result = spawnSync('python3', ['-m', 'py_compile', SCRIPT], {
    encoding: 'utf8',
    // NOTE: bytecode goes to a temporary folder, not into examples/.
    env: { ...process.env, PYTHONPYCACHEPREFIX: mkdtempSync(join(tmpdir(), 'qt-pyc-')) },
  });
  assert.equal(result.status, 0, result.stderr);
});

test('the example reads only request fields the protocol sends and only parameters of the paper space', async () => {
  const source = readFileSync(SCRIPT, 'utf8');
  const sent = ['protocol', 'config_id', 'config', 'epoch', 'max_epochs', 'data', 'checkpoint_in', 'checkpoint_out', 'seed'];
  const read = new Set([...source.matchAll(/request(?:\["(\w+)"\]|\.get\("(\w+)")/g)].map((m) => m[1] ?? m[2]));
  assert.ok(read.size >= 6, `found ${[...read].join(', ')}`);
  for (const key of read) assert.ok(sent.includes(key ?? ''), `the script reads request["${key}"], which quicktune never sends`);
  const space = await loadSpace();
  const names = new Set(space.parameters.map((p) => p.name));
  const used = new Set([...source.matchAll(/(?:number\(config, |(?<!\w)config\.get\(|(?<!\w)config\[)"(\w+)"/g)].map((m) => m[1]));
  assert.ok(used.size >= 25, `found ${used.size} parameters`);
  for (const name of used) assert.ok(names.has(name ?? ''), `the script reads config "${name}", which the paper space lacks`);
});

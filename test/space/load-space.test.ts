import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { loadSpace, parseSpace } from '../../src/space/index.ts';
import { fixturePath } from '../helpers/paths.ts';

const BASE = `
parameters:
  model: { type: categorical, choices: [a, b] }
  opt: { type: categorical, choices: [sgd, adam] }
  lr: { type: float, low: 1.0e-4, high: 0.1, log: true }
`;

/** The problems of a YAML space made of BASE plus `extra` lines (parameters or top-level keys). */
function problemsOf(extra: string, base = BASE): readonly string[] {
  const result = parseSpace(base + extra, 'space.yaml');
  assert.equal(result.ok, false, 'expected the space to be rejected');
  return result.ok ? [] : result.problems;
}

function assertOneProblem(problems: readonly string[], pattern: RegExp): void {
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0] ?? '', pattern);
}

test('the small fixture space parses, with the parameters in file order and parents first', async () => {
  const space = await loadSpace(fixturePath('space', 'small.yaml'));
  assert.equal(space.name, 'small');
  assert.equal(space.poolSize, 50);
  assert.deepEqual(space.parameters.map((p) => p.name).slice(0, 4), ['model', 'opt', 'beta1', 'beta_schedule']);
  assert.ok(space.order.indexOf('opt') < space.order.indexOf('beta1'));
  assert.ok(space.order.indexOf('beta1') < space.order.indexOf('beta_schedule'));
  assert.equal(space.pinned.length, 2);
  // Completed pinned configs: inactive parameters get their inactive value, left-out active ones their default.
  assert.equal(space.pinned[0]?.beta1, null);
  assert.equal(space.pinned[0]?.batch_size, 32);
  assert.equal(space.pinned[1]?.momentum, 0.9);
  assert.match(space.hash, /^[0-9a-f]{64}$/);
});

test('an unknown parameter in a condition is named with its path', () => {
  const problems = problemsOf(`  beta: { type: float, low: 0.5, high: 0.99, when: { optt: adam } }\n`);
  assertOneProblem(problems, /^space\.yaml: parameters\.beta\.when\.optt: unknown parameter 'optt' in the condition \(line 6\)$/);
});

test('a condition value outside the parent domain is rejected', () => {
  const problems = problemsOf(`  beta: { type: float, low: 0.5, high: 0.99, when: { opt: [adam, rmsprop] } }\n`);
  assertOneProblem(problems, /parameters\.beta\.when\.opt: "rmsprop" is not a value of 'opt' \(one of "sgd", "adam"\)/);
});

test('empty choices are rejected', () => {
  assertOneProblem(problemsOf(`  act: { type: categorical, choices: [] }\n`), /parameters\.act\.choices: choices is empty/);
  assertOneProblem(problemsOf(`  bs: { type: ordinal, values: [] }\n`), /parameters\.bs\.values: values is empty/);
});

test('a choice listed twice is rejected', () => {
  assertOneProblem(problemsOf(`  act: { type: categorical, choices: [relu, gelu, relu] }\n`), /parameters\.act\.choices\[2\]: "relu" is listed twice/);
});

test('low >= high is rejected', () => {
  assertOneProblem(problemsOf(`  wd: { type: float, low: 0.1, high: 0.1 }\n`), /parameters\.wd\.low: low \(0\.1\) must be less than high \(0\.1\)/);
  assertOneProblem(problemsOf(`  n: { type: integer, low: 9, high: 3 }\n`), /parameters\.n\.low: low \(9\) must be less than high \(3\)/);
});

test('a log scale with low <= 0 is rejected', () => {
  assertOneProblem(problemsOf(`  wd: { type: float, low: 0, high: 0.1, log: true }\n`), /parameters\.wd\.low: a log scale needs low > 0, got 0/);
});

test('a cycle of conditions is rejected and spelled out', () => {
  const problems = problemsOf(
    `  x: { type: categorical, choices: [u, v], when: { y: u } }\n  y: { type: categorical, choices: [u, v], when: { x: v } }\n`,
  );
  assertOneProblem(problems, /parameters\.x\.when: conditions form a cycle: x -> y -> x/);
  assertOneProblem(problemsOf(`  x: { type: categorical, choices: [u], when: { x: u } }\n`), /parameters\.x\.when\.x: a parameter cannot depend on itself/);
});

test('a wrong type and an unknown key are reported by path', () => {
  assertOneProblem(problemsOf(`  wd: { type: real, low: 0, high: 1 }\n`), /parameters\.wd\.type: Invalid discriminator value/);
  assertOneProblem(problemsOf(`  wd: { type: float, low: 0, high: 1, scale: log }\n`), /parameters\.wd: Unrecognized key: "scale"/);
  assertOneProblem(problemsOf(`  wd: { type: float, low: zero, high: 1 }\n`), /parameters\.wd\.low: Invalid input: expected number, received string/);
});

test('a space without a model parameter, or with a conditional one, is rejected', () => {
  const noModel = `parameters:\n  lr: { type: float, low: 0.001, high: 0.1 }\n`;
  assertOneProblem(problemsOf('', noModel), /parameters\.model: missing: every space needs a 'model' parameter/);
  const conditional = `parameters:\n  opt: { type: categorical, choices: [sgd] }\n  model: { type: categorical, choices: [a], when: { opt: sgd } }\n`;
  assertOneProblem(problemsOf('', conditional), /parameters\.model\.when: the model cannot be conditional/);
});

test('pinned configurations outside the space are rejected, each problem naming pinned[i].<parameter>', () => {
  const problems = problemsOf(
    [
      'pinned:',
      '  - { model: a, opt: sgd, lr: 0.5 }',
      '  - { model: c, opt: adam, lr: 0.01 }',
      '  - { model: a, lr: 0.01 }',
      '  - { model: a, opt: sgd, lr: 0.01, dropout: 0.1 }',
      '',
    ].join('\n'),
  );
  assert.deepEqual(
    problems.map((p) => p.replace(/ \(line \d+\)$/, '')),
    [
      'space.yaml: pinned[0].lr: 0.5 is not a number in [0.0001, 0.1]',
      'space.yaml: pinned[1].model: "c" is not one of "a", "b"',
      'space.yaml: pinned[2].opt: missing: the parameter is active here and has no default',
      "space.yaml: pinned[3].dropout: unknown parameter 'dropout'",
    ],
  );
});

test('a pinned value for a parameter inactive in that configuration is rejected', () => {
  const extra = `  beta: { type: float, low: 0.5, high: 0.99, when: { opt: adam } }\npinned:\n  - { model: a, opt: sgd, lr: 0.01, beta: 0.9 }\n`;
  assertOneProblem(problemsOf(extra), /pinned\[0\]\.beta: the parameter is inactive in this configuration \(needs opt in "adam"\); leave it out/);
});

test('YAML syntax errors give the line and column', () => {
  const result = parseSpace('parameters:\n  model: { type: categorical, choices: [a, b }\n', 'bad.yaml');
  assert.equal(result.ok, false);
  if (!result.ok) assert.match(result.problems[0] ?? '', /^bad\.yaml:2:\d+: not valid YAML/);
});

test('JSON space files are read as JSON; loadSpace throws an InputError listing every problem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'qt-space-'));
  const file = join(dir, 'space.json');
  const space = {
    parameters: {
      model: { type: 'categorical', choices: ['a'] },
      lr: { type: 'float', low: 1, high: 0.1 },
      act: { type: 'categorical', choices: [] },
    },
  };
  await writeFile(file, JSON.stringify(space, null, 2));
  await assert.rejects(loadSpace(file), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.exitCode, 2);
    assert.equal(error.problems.length, 2);
    assert.match(error.problems[0] ?? '', new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: parameters\\.lr\\.low: low \\(1\\) must be less than high \\(0\\.1\\) \\(line 11\\)$`));
    assert.match(error.problems[1] ?? '', /parameters\.act\.choices: choices is empty/);
    return true;
  });
  await writeFile(file, '{"parameters": ');
  await assert.rejects(loadSpace(file), /not valid JSON/);
  await assert.rejects(loadSpace(join(dir, 'absent.yaml')), /absent\.yaml: search space file not found/);
});

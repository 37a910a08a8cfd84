import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { buildPool, configId, configInSpace, loadSpace, parseSpace, sampleConfig } from '../../src/space/index.ts';
import { Random } from '../../src/util/random.ts';
import { fixturePath } from '../helpers/paths.ts';

const small = () => loadSpace(fixturePath('space', 'small.yaml'));

test('a pool is the pinned configs first, then pool_size distinct sampled ones, each id the hash of its config', async () => {
  const space = await small();
  const pool = buildPool(space, { seed: 7 });
  assert.equal(pool.length, space.pinned.length + space.poolSize);
  assert.deepEqual(pool.slice(0, 2).map((p) => p.config), [...space.pinned]);
  assert.equal(new Set(pool.map((p) => p.id)).size, pool.length);
  for (const pipeline of pool) {
    assert.equal(pipeline.id, configId(pipeline.config));
    assert.ok(configInSpace(space, pipeline.config), JSON.stringify(pipeline.config));
  }
  assert.equal(buildPool(space, { seed: 7, size: 10 }).length, 12);
});

test('config ids are the first 16 hex digits of sha256 over the key-sorted JSON, whatever the key order', () => {
  const expected = createHash('sha256').update('{"lr":0.001,"model":"net_a","opt":null}').digest('hex').slice(0, 16);
  assert.equal(configId({ model: 'net_a', lr: 0.001, opt: null }), expected);
  assert.equal(configId({ opt: null, lr: 0.001, model: 'net_a' }), expected);
  assert.notEqual(configId({ model: 'net_a', lr: '0.001', opt: null }), expected);
});

test('sampling is seeded: same seed, same pool and ids; another seed, another pool', async () => {
  const space = await small();
  const a = buildPool(space, { seed: 3 });
  const b = buildPool(await small(), { seed: 3 });
  const c = buildPool(space, { seed: 4 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.slice(2).map((p) => p.id), c.slice(2).map((p) => p.id));
});

test('sampling respects conditions: inactive parameters hold their inactive value, active ones a domain value', async () => {
  const space = await small();
  const rng = new Random(11);
  let adam = 0;
  for (let i = 0; i < 500; i++) {
    const config = sampleConfig(space, rng);
    if (config.opt === 'adam') {
      adam++;
      assert.equal(typeof config.beta1, 'number');
      assert.equal(config.momentum, 0.9, 'momentum inactive under adam records its inactive value');
    } else {
      assert.equal(config.beta1, null);
      assert.equal(config.beta_schedule, null, 'a child of an inactive parent is inactive');
      assert.ok(config.momentum === 0 || config.momentum === 0.9);
    }
    // beta_schedule needs beta1 == 0.9 exactly, which a continuous draw (almost) never gives.
    if (config.beta1 !== 0.9) assert.equal(config.beta_schedule, null);
  }
  assert.ok(adam > 200 && adam < 300, `adam drawn ${adam} times out of 500`);
});

test('log-scale parameters are log-uniform: about half of lr in [1e-5, 1e-1] falls below 1e-3', async () => {
  const space = await small();
  const rng = new Random(5);
  const draws = Array.from({ length: 2000 }, () => sampleConfig(space, rng));
  const below = draws.filter((c) => Number(c.lr) < 1e-3).length / draws.length;
  assert.ok(below > 0.45 && below < 0.55, `fraction below 1e-3: ${below}`);
  const widths = new Set(draws.map((c) => c.width));
  assert.ok(widths.has(8) && [...widths].every((w) => Number.isInteger(w) && Number(w) >= 8 && Number(w) <= 512));
  const narrow = draws.filter((c) => Number(c.width) < 64).length / draws.length;
  // ln(64/8) / ln(513/8) = 0.50 for log-uniform integers; a uniform draw would give 56/505 = 0.11.
  assert.ok(narrow > 0.44 && narrow < 0.56, `log-uniform integers: fraction below 64 = ${narrow}`);
});

test('a finite space smaller than the pool size gives every configuration once', () => {
  const result = parseSpace(
    'pool_size: 400\nparameters:\n  model: { type: categorical, choices: [a, b] }\n  opt: { type: categorical, choices: [sgd, adam] }\n',
    'tiny.yaml',
  );
  assert.ok(result.ok);
  const pool = buildPool(result.space, { seed: 0 });
  assert.equal(pool.length, 4);
  assert.deepEqual(new Set(pool.map((p) => `${p.config.model}/${String(p.config.opt)}`)), new Set(['a/sgd', 'a/adam', 'b/sgd', 'b/adam']));
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineChart, linearTicks, logTicks } from '../../src/plot/index.ts';
import { findAll, parseXml } from '../helpers/xml.ts';

test('the XML checker used below rejects malformed documents', () => {
  assert.throws(() => parseXml('<svg><g></svg>'), /closes <g>/);
  assert.throws(() => parseXml('<svg a="1" a="2"/>'), /duplicate attribute/);
  assert.throws(() => parseXml('<svg>a & b</svg>'), /bare &/);
  assert.throws(() => parseXml('<svg><text>x</text>'), /unclosed <svg>/);
  assert.equal(parseXml('<svg><text>a &amp; b</text></svg>').children[0]?.text, 'a &amp; b');
});

test('round ticks: 1, 2 or 5 times a power of ten, within the range', () => {
  assert.deepEqual(linearTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(linearTicks(1, 50), [10, 20, 30, 40, 50]);
  assert.deepEqual(linearTicks(0.31, 0.37), [0.31, 0.32, 0.33, 0.34, 0.35, 0.36, 0.37]);
  assert.deepEqual(logTicks(0.001, 10), [0.001, 0.01, 0.1, 1, 10]);
  assert.deepEqual(logTicks(60, 3600), [100, 200, 500, 1000, 2000]);
});

test('a chart with several series, a band, a log x axis and a legend is well-formed SVG', () => {
  const svg = lineChart({
    title: 'Regret <over> time & more',
    xLabel: 'seconds',
    yLabel: 'regret',
    xLog: true,
    yLog: true,
    series: [
      { name: 'quicktune', points: [[60, 0.5], [600, 0.1], [3600, 0.02]], band: [[60, 0.4, 0.6], [600, 0.05, 0.15], [3600, 0.01, 0.03]], step: true },
      { name: 'random "baseline"', points: [[60, 0.7], [200, 0.5], [600, 0], [1200, 0.4], [3600, 0.3]], dash: '4 3' },
      { name: 'hidden', points: [[100, 0.2]], legend: false, markers: true },
    ],
    notes: [{ label: 'gray: others', color: '#aaa' }],
  });
  const root = parseXml(svg);
  assert.equal(root.name, 'svg');
  assert.equal(root.attributes.xmlns, 'http://www.w3.org/2000/svg');
  const paths = findAll(root, 'path');
  assert.equal(paths.length, 2);
  assert.match(paths[0]?.attributes.d ?? '', /^M[\d.]+ [\d.]+(H[\d.]+V[\d.]+){2}$/, 'step line');
  // The zero regret cannot be drawn on a log axis: the line breaks there instead of diving to -Infinity.
  assert.equal((paths[1]?.attributes.d ?? '').match(/M/g)?.length, 2);
  assert.equal(findAll(root, 'polygon').length, 1);
  assert.equal(findAll(root, 'circle').length, 1);
  const texts = findAll(root, 'text').map((t) => t.text);
  assert.ok(texts.includes('Regret &lt;over&gt; time &amp; more'));
  assert.ok(texts.includes('random &quot;baseline&quot;'));
  assert.ok(texts.includes('gray: others'));
  assert.ok(!texts.includes('hidden'));
  assert.ok(texts.includes('1000'), 'log ticks on x');
});

test('a single flat point still gets an axis and a marker', () => {
  const root = parseXml(lineChart({ series: [{ name: 'one', points: [[1, 0.5]], markers: true }] }));
  assert.equal(findAll(root, 'circle').length, 1);
  assert.ok(findAll(root, 'text').length > 4);
});

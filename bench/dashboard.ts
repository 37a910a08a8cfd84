import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { StudyFollower } from '../src/dashboard/study-follower.ts';
import { StudyView } from '../src/dashboard/study-view.ts';
import { getLogger } from '../src/logging.ts';
import { loadMetaDataset } from '../src/metadata/index.ts';
import { FileBackend } from '../src/storage/backends/file.ts';
import { Study } from '../src/study/study.ts';
import { Random } from '../src/util/random.ts';
import { addStep, benchPool, generateStudy, writeJournal } from './dashboard-study.ts';
import { sharedMetadataset } from './predictor-shared.ts';

// The dashboard at scale (npm run bench:dashboard): a study of 10 000 steps from real learning curves, served by
// `quicktune dashboard` in its own process and opened in headless Chromium. Measures the server's start-up,
// snapshot and poll costs, the page's first paint and the latency of live updates (journal append -> page
// redrawn), and compares a delta with a whole snapshot per update. Medians; the load average goes with them.
const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '10000' },
    workers: { type: 'string', default: '4' },
    loads: { type: 'string', default: '3' },
    updates: { type: 'string', default: '20' },
    chromium: { type: 'string', default: process.env.QUICKTUNE_CHROMIUM ?? '/usr/bin/chromium' },
    keep: { type: 'boolean', default: false },
    /** Reuse the journal of an earlier run (--keep) instead of generating one (generating takes minutes). */
    journal: { type: 'string' },
  },
});

const TASKS = ['TEX_DTD', 'CRS'];
const ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? Number.NaN;
}

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

function load(): string {
  return loadavg().map((l) => l.toFixed(2)).join(', ');
}

function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

function time<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

async function timeAsync<T>(f: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, ms: performance.now() - t0 };
}

/**
 * Median ms per panel (`qt-panel`) and per chart redraw (`qt-draw`): the first of each (`reset`) or the others.
 */
async function panelCosts(page: Page, reset: boolean, measure = 'qt-panel', key = 'panel'): Promise<string> {
  const text = await page.evaluate(`JSON.stringify(performance.getEntriesByName('${measure}').map((e) => ({ panel: e.detail.${key}, duration: e.duration })))`);
  const entries = JSON.parse(String(text)) as Array<{ panel: string; duration: number }>;
  const byPanel = new Map<string, number[]>();
  const panels = [...new Set(entries.map((e) => e.panel))];
  // NOTE: the first render is the first entry of each panel; updates are the others.
  for (const panel of panels) {
    const durations = entries.filter((e) => e.panel === panel).map((e) => e.duration);
    byPanel.set(panel, reset ? durations.slice(0, 1) : durations.slice(1));
  }
  return [...byPanel].map(([panel, durations]) => `${panel} ${median(durations).toFixed(1)}`).join(', ');
}

interface RenderEntry {
  readonly start: number;
  readonly duration: number;
  readonly steps: number;
  readonly reset: boolean;
}

async function renders(page: Page): Promise<{ origin: number; renders: RenderEntry[]; messages: Array<{ start: number; steps: number }>; painted: Array<{ start: number; steps: number }> }> {
  const text = await page.evaluate(`JSON.stringify({
    origin: performance.timeOrigin,
    painted: performance.getEntriesByName('qt-painted').map((e) => ({ start: e.startTime, steps: e.detail.steps })),
    renders: performance.getEntriesByName('qt-render').map((e) => ({ start: e.startTime, duration: e.duration, steps: e.detail.steps, reset: e.detail.reset })),
    messages: performance.getEntriesByName('qt-message').map((e) => ({ start: e.startTime, steps: e.detail.steps })),
  })`);
  return JSON.parse(String(text)) as Awaited<ReturnType<typeof renders>>;
}

/** Polls `expression` in the page until it is true (page.waitForFunction would need eval, which the page's CSP forbids). */
async function until(page: Page, expression: string, timeoutMs: number): Promise<void> {
  for (const end = Date.now() + timeoutMs; (await page.evaluate(expression)) !== true; ) {
    if (Date.now() > end) throw new Error(`not true within ${timeoutMs} ms: ${expression}`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 10));
  }
}

async function startDashboard(runDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'quicktune.js'), 'dashboard', runDir, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolvePromise, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolvePromise(line);
    });
    child.on('close', (code) => reject(new Error(`quicktune dashboard exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolvePromise) => {
        child.on('close', () => resolvePromise());
        child.kill('SIGTERM');
      }),
  };
}

const steps = Number(values.steps);
const workerCount = Number(values.workers);
const metadataset = sharedMetadataset();
if (!existsSync(join(metadataset, 'curves.csv'))) {
  console.error(`bench:dashboard needs the real meta-dataset at ${metadataset} (or QUICKTUNE_SHARED)`);
  process.exit(2);
}
if (!existsSync(values.chromium)) {
  console.error(`bench:dashboard needs Chromium at ${values.chromium} (apt-get install -y chromium, or --chromium PATH)`);
  process.exit(2);
}
console.log(`load average before: ${load()}`);

// 1. The study: real curves of two tasks, written through the Study API with 4 simulated workers.
const meta = await loadMetaDataset(metadataset);
const { pool, runs } = benchPool(meta, TASKS);
const dir = await mkdtemp(join(tmpdir(), 'qt-dashboard-bench-'));
const runDir = join(dir, 'run');
await mkdir(runDir);
const journal = join(runDir, 'journal.jsonl');
if (values.journal === undefined) {
  const generated = await timeAsync(() => generateStudy(pool, runs, { steps, workers: workerCount, seed: 1 }));
  await writeJournal(journal, generated.value.entries);
  console.log(
    `study: ${generated.value.steps} steps on ${pool.length} pipelines (${TASKS.join(' + ')}), ${workerCount} workers, ` +
      `${generated.value.entries.length} entries, generated in ${ms(generated.ms)}`,
  );
} else {
  await copyFile(values.journal, journal);
  console.log(`study: ${values.journal}`);
}
console.log(`journal: ${((await stat(journal)).size / 1e6).toFixed(1)} MB`);

// 2. The server's costs, in this process: open + first view, a full re-read (what a changed journal costs a
//    poll), a snapshot and a delta of one step.
const log = getLogger('bench');
const opened = await timeAsync(() => StudyFollower.open({ kind: 'run', dir: runDir }, { log }));
const view = new StudyView({ artifacts: runDir });
const firstView = await timeAsync(() => view.update(opened.value.current()));
const reread = await timeAsync(() => new FileBackend(journal).read(0));
const snapshot = time(() => JSON.stringify(view.snapshot()));
const cursor = view.cursor;
const oneMore = await timeAsync(async () => {
  const study = await Study.open(new FileBackend(journal), { role: 'search', workers: ['w1'], budget: { seconds: 86_400 } });
  await addStep(study, runs, 'w1', new Random(2));
  await study.close();
});
await opened.value.poll();
await view.update(opened.value.current());
const delta = time(() => JSON.stringify(view.deltaSince(cursor)));
await opened.value.close();
console.log(`server: open + read ${ms(opened.ms)}, first view ${ms(firstView.ms)}, re-read of the whole journal ${ms(reread.ms)}`);
console.log(
  `snapshot: ${(snapshot.value.length / 1e6).toFixed(2)} MB (${(gzipSync(snapshot.value).length / 1e3).toFixed(0)} kB gzipped), built + serialized in ${ms(snapshot.ms)}; ` +
    `delta of one step: ${delta.value.length} bytes in ${ms(delta.ms)} (one more step written in ${ms(oneMore.ms)})`,
);

// 3. The page: first paint of the whole study, in fresh pages.
const dashboard = await startDashboard(runDir);
const browser = await chromium.launch({
  executablePath: values.chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const loads: Array<{ fcp: number; message: number; ready: number; render: number }> = [];
for (let i = 0; i < Number(values.loads); i++) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(dashboard.url);
  await page.waitForSelector('html[data-ready="true"]', { timeout: 120_000 });
  const fcp = Number(await page.evaluate(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN`));
  await until(page, `performance.getEntriesByName('qt-painted').length > 0`, 60_000);
  const ready = Number(await page.evaluate(`performance.getEntriesByName('qt-painted')[0]?.startTime ?? NaN`));
  const entries = await renders(page);
  loads.push({ fcp, message: entries.messages[0]?.start ?? Number.NaN, ready, render: entries.renders[0]?.duration ?? Number.NaN });
  if (i === 0) console.log(`first render by panel (ms): ${await panelCosts(page, true)}; chart draws: ${await panelCosts(page, true, 'qt-draw', 'chart')}`);
  await page.close();
}
console.log(
  `first paint (median of ${loads.length} loads, ms since navigation): skeleton ${ms(median(loads.map((l) => l.fcp)))}, ` +
    `snapshot received ${ms(median(loads.map((l) => l.message)))}, whole study on screen ${ms(median(loads.map((l) => l.ready)))} ` +
    `(of which the first render ${ms(median(loads.map((l) => l.render)))})`,
);

// 4. Live updates: a search continues the study (a new session, one step at a time, about one a second).
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(dashboard.url);
await page.waitForSelector('html[data-ready="true"]', { timeout: 120_000 });
const live = await Study.open(new FileBackend(journal), { role: 'search', workers: ['w1'], budget: { seconds: 86_400 } });
const random = new Random(3);
const updates: Array<{ arrive: number; visible: number; render: number }> = [];
for (let i = 0; i < Number(values.updates); i++) {
  await new Promise((resolvePromise) => setTimeout(resolvePromise, 700 + Math.floor(random.next() * 600)));
  await addStep(live, runs, 'w1', random);
  const committed = Date.now();
  const expected = live.snapshot().steps.length;
  const painted = `performance.getEntriesByName('qt-painted').some((e) => e.detail.steps >= ${expected})`;
  await until(page, painted, 10_000);
  const entries = await renders(page);
  const render = entries.renders.find((r) => r.steps === expected);
  const message = entries.messages.find((m) => m.steps === expected);
  const onScreen = entries.painted.find((p) => p.steps === expected);
  if (!render || !message || !onScreen) continue;
  updates.push({ arrive: entries.origin + message.start - committed, visible: entries.origin + onScreen.start - committed, render: render.duration });
}
await live.close();
console.log(`update render by panel (median ms): ${await panelCosts(page, false)}; chart redraws: ${await panelCosts(page, false, 'qt-draw', 'chart')}`);
console.log(
  `updates (${updates.length}; median / p90): step written -> delta in the page ${ms(median(updates.map((u) => u.arrive)))} / ${ms(quantile(updates.map((u) => u.arrive), 0.9))}; ` +
    `-> on screen ${ms(median(updates.map((u) => u.visible)))} / ${ms(quantile(updates.map((u) => u.visible), 0.9))}; ` +
    `render ${ms(median(updates.map((u) => u.render)))} / ${ms(quantile(updates.map((u) => u.render), 0.9))}`,
);

// 5. Interactions at this size: all curves at once, a sort of the steps table.
const allCurves = Number(
  await page.evaluate(`(() => { const s = document.getElementById('top-k'); const t = performance.now(); s.value = 'all'; s.dispatchEvent(new Event('change')); return performance.now() - t; })()`),
);
const sort = Number(
  await page.evaluate(`(() => { const b = document.querySelector('#steps-table th button[data-sort="score"]'); const t = performance.now(); b.click(); return performance.now() - t; })()`),
);
const curves = await page.evaluate(`document.getElementById('curves-chart').dataset.curves`);
console.log(`interactions: draw all ${String(curves)} curves ${ms(allCurves)}, sort 10 000 steps by score ${ms(sort)}`);
await page.screenshot({ path: join(dir, 'dashboard-10k.png'), fullPage: true });
await browser.close();
await dashboard.stop();
console.log(`load average after: ${load()}`);
if (values.keep) console.log(`kept: ${dir} (the run, and dashboard-10k.png)`);
else await rm(dir, { recursive: true, force: true });

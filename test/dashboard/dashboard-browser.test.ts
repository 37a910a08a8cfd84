import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { tempDir, writeClassFolders } from '../helpers/image-folder.ts';
import { fixturePath, projectRoot } from '../helpers/paths.ts';
import { shellQuote } from '../helpers/processes.ts';
import { runCli } from '../helpers/run-cli.ts';
import { chromiumSkip, launchChromium } from './helpers/chromium.ts';
import { startDashboardProcess } from './helpers/dashboard-process.ts';
import { finish, fixtureStudy } from './helpers/fixture-study.ts';

const TOY = `${shellQuote(process.execPath)} ${shellQuote(fixturePath('trainers', 'toy-trainer.mjs'))}`;
/** How long a page may take to show what the server sent (the contract: within two seconds of a new step). */
const LIVE_MS = 2000;
/** NOTE: the contract's two seconds, with slack for a loaded 2-core CI machine running Chromium and a search at once. */
const LIVE_SLACK_MS = 2.5 * LIVE_MS;

async function field(page: Page, name: string): Promise<string> {
  return ((await page.locator(`[data-field="${name}"]`).first().textContent()) ?? '').trim();
}

/** Opens the dashboard and waits for its first full render. */
async function open(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.goto(url);
  await page.waitForSelector('html[data-ready="true"]').catch((error: unknown) => {
    throw new Error(`the page never finished its first render (${String(error)}); page errors: ${errors.join(' | ') || 'none'}`);
  });
  assert.deepEqual(errors, [], 'the page logs no errors');
  return page;
}

/**
 * Waits until `expression` is true in the page, checking every 50 ms. NOTE: page.waitForFunction would compile
 * the expression inside the page, which the page's Content-Security-Policy (rightly) forbids; page.evaluate
 * goes through the DevTools protocol instead.
 */
async function until(page: Page, expression: string, timeoutMs: number, failure: () => Promise<string> | string): Promise<void> {
  for (const end = Date.now() + timeoutMs; ; ) {
    if ((await page.evaluate(expression)) === true) return;
    if (Date.now() > end) throw new Error(await failure());
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
}

/** Waits until the page holds more than `count` steps; returns how many it holds then. */
async function stepsAbove(page: Page, count: number, timeoutMs: number, what: string, diagnose: () => Promise<string>): Promise<number> {
  await until(page, `Number(document.documentElement.dataset.steps) > ${count}`, timeoutMs, async () => `${what}: the page still shows ${count} steps after ${timeoutMs} ms (${await diagnose()})`);
  return Number(await page.evaluate('document.documentElement.dataset.steps'));
}

describe('the dashboard page in Chromium', { skip: chromiumSkip() }, () => {
  let browser: Browser | undefined;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('follows a running search live: the first steps, a new step without a reload, a pipeline\'s configuration on click', async (t) => {
    assert.ok(browser);
    const data = await writeClassFolders(join(await tempDir('qt-dashboard-'), 'imgs'), ['cat', 'dog'], 3);
    const runDir = join(await tempDir('qt-dashboard-'), 'run');
    // NOTE: the toy trainer runs everywhere (no shared data); 400 ms per step keeps the search going for the whole test.
    const search = spawn(
      process.execPath,
      [join(projectRoot(), 'bin', 'quicktune.js'), 'search', '--dataset', data, '--trainer', 'command', '--trainer-cmd', TOY, '--method', 'random-pairs', '--workers', '2', '--run-dir', runDir, '--budget', '10m', '--max-steps', '400', '--log-level', 'warn'],
      { cwd: projectRoot(), env: { ...process.env, QUICKTUNE_MAX_EPOCHS: '5', QT_TOY_DELAY_MS: '400' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let searchErr = '';
    search.stderr.setEncoding('utf8').on('data', (chunk: string) => (searchErr += chunk));
    const searchEnded = new Promise<number | null>((resolvePromise) => search.on('close', (code) => resolvePromise(code)));
    let dashboard: Awaited<ReturnType<typeof startDashboardProcess>> | undefined;
    try {
      for (let waited = 0; !existsSync(join(runDir, 'journal.jsonl')); waited += 100) {
        if (waited > 30_000 || search.exitCode !== null) throw new Error(`the search did not start its run: ${searchErr}`);
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
      }
      dashboard = await startDashboardProcess([runDir]);
      const page = await open(browser, dashboard.url);
      await page.evaluate('window.__sameDocument = true');

      const journalSteps = async (): Promise<number> =>
        (await readFile(join(runDir, 'journal.jsonl'), 'utf8')).split('\n').filter((line) => line.includes('"op":"step"')).length;
      const diagnose = async (): Promise<string> => {
        const served = (await (await fetch(new URL('api/snapshot', dashboard?.url))).json()) as { cursor: { steps: number } };
        const connection = await page.evaluate('document.getElementById("connection").dataset.status');
        return `the server holds ${served.cursor.steps} steps, the journal ${await journalSteps()}; connection ${String(connection)}; search: ${searchErr.slice(-1000)}; dashboard: ${dashboard?.stderr().slice(-1000)}`;
      };
      // NOTE: the search's pace depends on the machine's load; what is timed is the page, once the journal has a new step.
      const first = await stepsAbove(page, 0, 60_000, 'the first steps', diagnose);
      assert.equal(await page.locator('#workers-table [data-worker]').count(), 2, 'both worker slots are listed');
      let journal = await journalSteps();
      for (const until = Date.now() + 60_000; journal <= first && Date.now() < until; journal = await journalSteps()) {
        await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
      }
      assert.ok(journal > first, `the search recorded no step after the first ${first} within a minute: ${searchErr}`);
      const written = Date.now();
      const next = await stepsAbove(page, journal - 1, LIVE_SLACK_MS, 'a new step', diagnose);
      const latency = Date.now() - written;
      assert.ok(next >= journal);
      assert.equal(await page.evaluate('window.__sameDocument === true'), true, 'the step arrived without a reload');
      assert.ok(Number(await field(page, 'steps-total')) >= next, 'the step count card follows (more steps may have come since)');
      t.diagnostic(`a new step was on the page ${latency} ms after the test saw it in the journal`);

      const id = await page.locator('#pipelines-table tr.row').first().getAttribute('data-key');
      assert.ok(id);
      // NOTE: the table re-renders as steps arrive and its order can change: click the row of that pipeline, not
      // whatever row is first by the time of the click (under load, another pipeline's).
      await page.locator(`#pipelines-table tr.row[data-key="${id}"]`).click();
      const details = page.locator(`#pipeline-details[data-pipeline="${id}"]`);
      await details.waitFor();
      const config = await page.locator('#pipeline-details [data-field="pipeline-config"]').innerText();
      assert.match(config, /^model\s+\S+/m, 'the configuration names the model');
      assert.match(config, /^lr\s+[\d.e-]+/m, 'and the hyperparameters (the paper space has lr)');
      assert.equal(await page.locator(`#pipelines-table tr.selected[data-key="${id}"]`).count(), 1, 'the picked row is highlighted');

      search.kill('SIGINT');
      assert.equal(await searchEnded, 0, `the interrupted search ends cleanly: ${searchErr}`);
      await until(page, `document.getElementById('search-state').textContent.startsWith('ended')`, 5000, () => 'the page does not show that the search ended');
      await page.close();
    } finally {
      if (search.exitCode === null) search.kill('SIGKILL');
      if (dashboard) {
        const stopped = await dashboard.stop();
        assert.equal(stopped.code, 0, stopped.stderr);
      }
    }
  });

  test('on a finished run the page shows what report --json says: the incumbent and the counts', async () => {
    assert.ok(browser);
    const runDir = join(await tempDir('qt-dashboard-'), 'run');
    await mkdir(runDir, { recursive: true });
    const fixture = await fixtureStudy(join(runDir, 'journal.jsonl'));
    await finish(fixture.study, fixture.running, { score: 0.6, status: 'ok', final: false, finishedAt: 61 });
    await fixture.study.stop('budget', 101);
    await fixture.study.close();
    const report = await runCli(['report', runDir, '--json']);
    assert.equal(report.code, 0, report.stderr);
    const expected = JSON.parse(report.stdout) as { incumbent: { config_id: string; epoch: number; score: number }; steps: Array<{ status: string }> };
    await mkdir(join(runDir, 'checkpoints', expected.incumbent.config_id, `epoch-${expected.incumbent.epoch}`), { recursive: true });

    const dashboard = await startDashboardProcess([runDir]);
    try {
      const page = await open(browser, dashboard.url);
      assert.equal(await field(page, 'incumbent-config-id'), expected.incumbent.config_id);
      assert.equal(await field(page, 'incumbent-score'), expected.incumbent.score.toFixed(4));
      assert.equal(await field(page, 'incumbent-epoch'), String(expected.incumbent.epoch));
      assert.equal(await field(page, 'incumbent-checkpoint'), join(runDir, 'checkpoints', expected.incumbent.config_id, `epoch-${expected.incumbent.epoch}`));
      assert.equal(await field(page, 'steps-total'), String(expected.steps.length));
      assert.equal(await field(page, 'count-ok'), String(expected.steps.filter((s) => s.status === 'ok').length));
      assert.equal(await field(page, 'count-failed'), String(expected.steps.filter((s) => s.status === 'failed').length));
      assert.equal(await field(page, 'count-running'), '0');
      assert.equal(await field(page, 'count-expired'), '1');
      assert.equal(await page.locator('#search-state').textContent(), 'ended: budget');
      assert.equal(await field(page, 'stop-reason'), 'budget');

      await page.locator('#failed-only').check();
      const failed = page.locator('#steps-table tr.row');
      await until(page, `document.querySelectorAll('#steps-table tr.row').length === 1`, LIVE_MS, () => '"failed only" does not leave the one failed step');
      assert.match((await failed.first().innerText()) ?? '', /failed\s.*training program exited with code 1: boom/s, 'a failed step shows its error');
      await page.locator('#failed-only').uncheck();

      await page.locator('#steps-table th button[data-sort="score"]').click();
      assert.match(await page.locator('#steps-table tr.row').first().innerText(), /0\.7100/, 'sorted by score, best first');
      await page.close();
    } finally {
      const stopped = await dashboard.stop();
      assert.equal(stopped.code, 0, stopped.stderr);
    }
  });
});

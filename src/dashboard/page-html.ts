import { createHash } from 'node:crypto';

/** Lets the page's modules import uPlot by its package name, served from the installed package. */
const IMPORT_MAP = JSON.stringify({ imports: { uplot: '/vendor/uplot.js' } });

/**
 * The Content-Security-Policy of every response: the page runs only the scripts quicktune serves (the import
 * map is allowed by its hash) and talks only to this server. Study data (error texts from trainers, config
 * values) is only ever put in the page as text, never as markup; this is the second line of defence.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  `script-src 'self' 'sha256-${createHash('sha256').update(IMPORT_MAP).digest('base64')}'`,
  // NOTE: uPlot positions its cursor and legend with inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page's skeleton: each panel is filled in by the page's modules (src/dashboard/page). */
export function pageHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>quicktune dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/vendor/uplot.css">
<link rel="stylesheet" href="/style.css">
<script type="importmap">${IMPORT_MAP}</script>
<script type="module" src="/app/page/main.js"></script>
</head>
<body>
<header class="top">
  <h1>quicktune <span class="thin">dashboard</span></h1>
  <span id="location" class="muted mono"></span>
  <span class="spacer"></span>
  <span id="search-state" class="badge">connecting…</span>
  <span id="connection" class="connection" title="connection to the dashboard server"></span>
</header>
<div id="warnings" class="warnings" hidden></div>
<main>
  <section id="summary" class="cards" aria-label="state of the search">
    <div class="card"><h3>Steps</h3><div class="big" data-field="steps-total">–</div>
      <div class="states">
        <span class="state running"><b data-field="count-running">0</b> running</span>
        <span class="state ok"><b data-field="count-ok">0</b> ok</span>
        <span class="state failed"><b data-field="count-failed">0</b> failed</span>
        <span class="state expired"><b data-field="count-expired">0</b> expired</span>
      </div></div>
    <div class="card"><h3>Budget</h3><div class="big" data-field="budget-used">–</div>
      <div class="bar"><div class="fill" data-field="budget-bar"></div></div>
      <div class="muted" data-field="budget-left"></div></div>
    <div class="card"><h3>Pipelines</h3><div class="big" data-field="pipelines-tried">–</div>
      <div class="muted" data-field="pipelines-detail"></div></div>
    <div class="card"><h3>Best score</h3><div class="big" data-field="best-score">–</div>
      <div class="muted" data-field="best-detail"></div></div>
  </section>

  <section class="panel" id="incumbent-panel">
    <h2>Incumbent</h2>
    <dl class="facts" id="incumbent-facts"></dl>
    <div id="best-chart" class="chart"></div>
  </section>

  <div class="column">
  <section class="panel" id="workers-panel">
    <h2>Workers <span class="muted" data-field="workers-count"></span></h2>
    <div class="table-box"><table id="workers-table" class="grid"></table></div>
    <h2>Run</h2>
    <dl class="facts" id="run-facts"></dl>
  </section>
  <section class="panel" id="models-panel">
    <h2>Per model</h2>
    <div id="models-table"></div>
  </section>
  </div>

  <section class="panel wide" id="curves-panel">
    <h2>Learning curves
      <label class="control">show <select id="top-k">
        <option value="10">best 10</option><option value="25" selected>best 25</option>
        <option value="100">best 100</option><option value="all">all</option>
      </select></label>
      <span class="legend-states">
        <span class="key finished">finished</span><span class="key paused">paused</span>
        <span class="key running">running</span><span class="key failed">failed (✕)</span>
      </span>
    </h2>
    <div class="split">
      <div id="curves-chart" class="chart"></div>
      <aside id="pipeline-details" class="details"><p class="muted">Hover over a curve to see its pipeline; click it (or a row below) to keep it here.</p></aside>
    </div>
  </section>

  <section class="panel wide" id="timeline-panel">
    <h2>Timeline of steps per worker <span class="muted small">(drag to zoom, double-click to reset)</span></h2>
    <div id="timeline-chart" class="chart"></div>
    <div id="model-legend" class="model-legend"></div>
  </section>


  <section class="panel wide" id="pipelines-panel">
    <h2>Pipelines <span class="muted" data-field="pipelines-count"></span></h2>
    <div id="pipelines-table"></div>
  </section>

  <section class="panel wide" id="steps-panel">
    <h2>Steps <span class="muted" data-field="steps-count"></span>
      <label class="control"><input type="checkbox" id="failed-only"> failed only</label></h2>
    <div id="steps-table"></div>
  </section>
</main>
</body>
</html>
`;
}

/**
 * The page's style sheet. NOTE: kept as a module (not a .css file) because the compiler copies only what it
 * compiles, and the published package ships compiled files: this way the dashboard needs no copy step.
 */
export const PAGE_CSS: string = `
:root {
  --bg: #f4f5f7; --panel: #fff; --ink: #1d2330; --muted: #6b7280; --line: #e3e6eb;
  --ok: #1a7f37; --failed: #c62828; --running: #1f6feb; --expired: #9a6700; --accent: #d1242f;
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.muted { color: var(--muted); }
.small { font-size: 12px; font-weight: normal; }
.thin { font-weight: 300; }
header.top { display: flex; align-items: center; gap: 12px; padding: 10px 18px; background: #1d2330; color: #fff; position: sticky; top: 0; z-index: 10; }
header.top h1 { font-size: 18px; margin: 0; }
header.top .muted { color: #aab2c0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
.spacer { flex: 1; }
.badge { padding: 2px 10px; border-radius: 10px; background: #3b4252; font-size: 13px; white-space: nowrap; }
.badge.running { background: var(--running); }
.badge.ended { background: #57606a; }
.connection { width: 10px; height: 10px; border-radius: 50%; background: #888; flex: none; }
.connection.live { background: #2da44e; }
.connection.lost { background: var(--failed); }
.warnings { background: #fff8c5; border-bottom: 1px solid #d4a72c; padding: 6px 18px; font-size: 13px; white-space: pre-wrap; }
main { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; padding: 14px 18px 40px; }
.cards { grid-column: 1 / -1; display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 14px; }
.card, .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
.panel.wide { grid-column: 1 / -1; }
.column { display: flex; flex-direction: column; gap: 14px; min-width: 0; }
.chips { display: flex; flex-wrap: wrap; gap: 3px 4px; }
.chip { background: #eef1f5; border-radius: 3px; padding: 0 5px; font-size: 12px; white-space: nowrap; }
.card h3 { margin: 0 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.card .big { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.states { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 13px; }
.state b { font-variant-numeric: tabular-nums; }
.state.running b { color: var(--running); } .state.ok b { color: var(--ok); }
.state.failed b { color: var(--failed); } .state.expired b { color: var(--expired); }
.bar { height: 8px; background: var(--line); border-radius: 4px; margin: 6px 0 4px; overflow: hidden; }
.bar .fill { height: 100%; width: 0; background: var(--running); transition: width .4s; }
.panel h2 { font-size: 15px; margin: 0 0 10px; display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.panel h2 + h2, .table-box + h2 { margin-top: 14px; }
.control { font-size: 13px; font-weight: normal; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 10px; font-size: 13px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; font-variant-numeric: tabular-nums; }
.chart { position: relative; min-height: 120px; }
.split { display: grid; grid-template-columns: minmax(0, 1fr) 340px; gap: 14px; }
.details { border-left: 1px solid var(--line); padding-left: 12px; font-size: 13px; max-height: 420px; overflow: auto; }
.details h4 { margin: 0 0 6px; font-size: 14px; overflow-wrap: anywhere; }
.details table { border-collapse: collapse; width: 100%; }
.details td { padding: 1px 6px 1px 0; vertical-align: top; overflow-wrap: anywhere; }
.details td:first-child { color: var(--muted); white-space: nowrap; }
.details .error { color: var(--failed); white-space: pre-wrap; }
.legend-states { display: inline-flex; gap: 12px; font-size: 12px; font-weight: normal; color: var(--muted); }
.key::before { content: ""; display: inline-block; width: 22px; height: 0; margin-right: 5px; vertical-align: middle; border-top: 2px solid #555; }
.key.paused::before { border-top-style: dashed; } .key.running::before { border-top: 2px dashed var(--running); }
.key.failed::before { border-top: 2px dotted var(--failed); }
.model-legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; margin-top: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.tooltip { position: absolute; z-index: 5; pointer-events: none; background: rgba(29,35,48,.94); color: #fff; padding: 6px 8px; border-radius: 4px; font-size: 12px; line-height: 1.35; max-width: 360px; white-space: pre-wrap; }
.table-box { overflow: auto; }
table.grid { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
table.grid th, table.grid td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; }
table.grid td.num, table.grid th.num { text-align: right; }
table.grid td.wrap { white-space: normal; }
table.grid th { position: sticky; top: 0; background: #f0f2f5; z-index: 1; font-weight: 600; }
table.grid th button { all: unset; cursor: pointer; }
table.grid th[aria-sort="ascending"] button::after { content: " ▲"; font-size: 10px; }
table.grid th[aria-sort="descending"] button::after { content: " ▼"; font-size: 10px; }
.vt-scroll { overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
.vt-scroll table.grid td { height: 26px; overflow: hidden; text-overflow: ellipsis; max-width: 420px; }
.vt-scroll tr.row { cursor: pointer; }
.vt-scroll tr.row:hover td { background: #f6f8fa; }
tr.selected td { background: #ddf4ff !important; }
td.status-failed { color: var(--failed); font-weight: 600; }
td.status-running { color: var(--running); }
td.status-finished { color: var(--ok); }
td.error { color: var(--failed); }
@media (max-width: 1000px) { main, .cards, .split { grid-template-columns: minmax(0, 1fr); } }
`;

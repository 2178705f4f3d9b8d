/** The dashboard's stylesheet (inline: the page loads nothing but the API). Colours pass WCAG AA on white. */
export const DASHBOARD_STYLE = String.raw`
:root {
  --ink: #1d2430; --muted: #5b6472; --line: #d9dee6; --bg: #f5f7fa; --card: #fff; --accent: #1f5fbf;
  --s1: #1f5fbf; --s2: #c2410c; --s3: #0f766e; --s4: #7c3aed; --bad: #b42318; --ok: #067647;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink);
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); }
header { display: flex; align-items: baseline; gap: 16px; padding: 12px 20px; background: #13213a; color: #fff; }
header h1 { font-size: 18px; margin: 0; letter-spacing: .02em; }
header .head { color: #c8d3e6; font-size: 13px; }
.layout { display: grid; grid-template-columns: 260px 1fr; gap: 16px; padding: 16px 20px; align-items: start; }
nav, section, aside { background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
nav { padding: 12px; position: sticky; top: 12px; }
nav h2, section h2 { font-size: 15px; margin: 0 0 8px; }
nav ul { list-style: none; margin: 0; padding: 0; }
nav li + li { margin-top: 6px; }
.exp { width: 100%; text-align: left; padding: 8px 10px; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; font: inherit; color: inherit; }
.exp:hover { border-color: var(--accent); }
.exp[aria-current="true"] { border-color: var(--accent); background: #eaf1fc; box-shadow: inset 3px 0 0 var(--accent); }
.exp .name { font-weight: 600; display: block; word-break: break-all; }
.exp .meta { color: var(--muted); font-size: 12px; }
main { display: grid; gap: 16px; min-width: 0; }
section { padding: 14px 16px; }
.title-row { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: baseline; }
.title-row h2 { font-size: 17px; margin: 0; }
.muted { color: var(--muted); }
.timetravel { display: grid; grid-template-columns: auto 1fr auto; gap: 12px; align-items: center; margin-top: 12px; }
.timetravel input[type=range] { width: 100%; accent-color: var(--accent); }
.asof { font-variant-numeric: tabular-nums; font-weight: 600; min-width: 16em; text-align: right; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px; }
figure { margin: 0; padding: 10px 12px 8px; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
figcaption { font-weight: 600; margin-bottom: 2px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px; color: var(--muted); margin-bottom: 4px; }
.legend span::before { content: ""; display: inline-block; width: 14px; height: 3px; margin-right: 5px; vertical-align: middle; background: var(--c); }
.legend span.band::before { height: 10px; opacity: .25; }
.legend span.dash::before { background: repeating-linear-gradient(90deg, var(--c) 0 4px, transparent 4px 7px); }
details.numbers { margin-top: 4px; font-size: 12px; }
details.numbers summary { cursor: pointer; color: var(--muted); }
details.numbers .table-wrap { max-height: 220px; }
svg.chart { width: 100%; height: auto; display: block; overflow: visible; }
svg .grid line { stroke: #eceff3; }
svg .axis text { fill: var(--muted); font-size: 11px; }
svg .axis line, svg .axis path { stroke: #9aa3af; }
svg .series { fill: none; stroke-width: 2.2; stroke-linejoin: round; stroke-linecap: round; }
svg .band { stroke: none; opacity: .18; }
svg .marker { stroke: #fff; stroke-width: 1.5; cursor: pointer; }
svg .marker:hover, svg .marker:focus { stroke: var(--ink); outline: none; }
svg .threshold { stroke: var(--bad); stroke-dasharray: 5 4; stroke-width: 1.3; }
svg .empty { fill: var(--muted); font-size: 13px; }
.c1 { stroke: var(--s1); fill: var(--s1); } .c2 { stroke: var(--s2); fill: var(--s2); }
.c3 { stroke: var(--s3); fill: var(--s3); } .c4 { stroke: var(--s4); fill: var(--s4); }
path.series.c1, path.series.c2, path.series.c3, path.series.c4 { fill: none; }
.cands-head { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin-bottom: 8px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; }
tr.admitted td { background: #f0f8f3; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; border: 1px solid var(--line); }
.badge.admitted { color: var(--ok); border-color: #a6d8bb; background: #ecfdf3; }
.badge.rejected { color: var(--bad); border-color: #f3b7b1; background: #fef3f2; }
.linkish { background: none; border: 0; padding: 0; font: inherit; color: var(--accent); cursor: pointer; text-decoration: underline; text-underline-offset: 2px; }
.table-wrap { max-height: 420px; overflow: auto; }
aside { padding: 14px 16px; }
aside h2 { font-size: 15px; margin: 0 0 8px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 3px 12px; margin: 0 0 10px; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; word-break: break-all; }
ol.events, ol.chain { margin: 4px 0 10px; padding-left: 22px; }
ol.events li, ol.chain li { margin: 3px 0; }
code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #f1f3f6; padding: 0 3px; border-radius: 3px; }
.verified { color: var(--ok); font-weight: 600; } .unverified { color: var(--bad); font-weight: 600; }
[role=alert] { color: var(--bad); background: #fef3f2; border: 1px solid #f3b7b1; border-radius: 6px; padding: 8px 10px; }
/* Observable Plot charts: its own <style> is dropped (CSP), these are the same rules. */
:where(.nl-plot) { --plot-background: white; display: block; height: auto; max-width: 100%; width: 100%; }
:where(.nl-plot text), :where(.nl-plot tspan) { white-space: pre; }
#insights { display: grid; gap: 16px; }
.lineage .graph { height: 460px; border: 1px solid var(--line); border-radius: 6px; background: #fbfcfd; }
.__________cytoscape_container { position: relative; }
.why-not { border-left: 4px solid var(--bad); background: #fef3f2; padding: 8px 10px; border-radius: 4px; margin: 0 0 10px; }
td.why { white-space: normal; max-width: 30em; color: var(--muted); }
.tabs { display: flex; gap: 6px; margin: 4px 0 8px; flex-wrap: wrap; }
.tab { font: inherit; padding: 3px 10px; border: 1px solid var(--line); border-radius: 14px; background: #fff; cursor: pointer; color: var(--ink); }
.tab[aria-pressed="true"] { border-color: var(--accent); background: #eaf1fc; color: var(--accent); }
pre.code { margin: 0; max-height: 460px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; background: #fbfcfd; }
pre.code code.hljs { display: block; padding: 10px 12px; background: none; font: 12px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; }
.diff { max-height: 520px; overflow: auto; font-size: 12px; }
.compare-list { list-style: none; padding: 0; margin: 0 0 10px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.nav-sub { margin-top: 16px !important; }
.study { display: grid; grid-template-columns: minmax(300px, 480px) 1fr; gap: 16px; align-items: start; }
.study details.numbers { grid-column: 1 / -1; }
table.study-numbers td { white-space: normal; }
@media (max-width: 1100px) { .study { grid-template-columns: 1fr; } }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } nav { position: static; } }
`;

// The status page served on `/`: one self-contained HTML document (no
// external assets, so it works when nothing but greenlight is up). It polls
// /api/v1/checks, /api/v1/runs, /api/v1/gates and /api/v1/readiness every 2 s and builds the
// tables with textContent only, so a message can never inject markup. A
// run's phases are drawn as a timeline coloured by state, with the state in
// words in each segment and a legend.
#include "greenlight/exporter/server.h"

namespace greenlight::exporter {

const std::string& status_page_html() {
  static const std::string page = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>greenlight</title>
<style>
  :root { --ok: #1e8e3e; --warning: #e37400; --critical: #d93025; --unknown: #7b1fa2;
          --pending: #80868b; --bg: #f8f9fa; --fg: #202124; --line: #dadce0; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.4 system-ui, "DejaVu Sans", sans-serif; background: var(--bg); color: var(--fg); }
  header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 1em; padding: .6em 1.2em;
           background: #fff; border-bottom: 1px solid var(--line); position: sticky; top: 0; }
  header h1 { font-size: 1.3em; margin: 0; }
  #overall { font-weight: bold; padding: .15em .6em; border-radius: .3em; color: #fff; }
  #counts span { margin-right: .8em; }
  #updated { margin-left: auto; color: #5f6368; font-size: .9em; }
  #updated.stale { color: var(--critical); font-weight: bold; }
  main { padding: .8em 1.2em; max-width: 1400px; }
  section { margin-bottom: 1.4em; }
  h2 { font-size: 1.1em; margin: .4em 0; }
  table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
  th, td { text-align: left; padding: .35em .6em; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { background: #f1f3f4; font-weight: 600; }
  td.message { word-break: break-word; }
  td.age, td.kind, td.host { white-space: nowrap; color: #3c4043; }
  .badge { display: inline-block; min-width: 6.5em; text-align: center; padding: .1em .5em;
           border-radius: .3em; color: #fff; font-weight: 600; font-size: .85em; }
  .OK, .green, .done { background: var(--ok); }
  .WARNING, .waiting, .running, .asking { background: var(--warning); }
  .CRITICAL, .red, .failed, .aborted, .paused { background: var(--critical); }
  .UNKNOWN, .unknown, .powered-off { background: var(--unknown); }
  .PENDING, .pending, .skipped { background: var(--pending); }
  .ready { background: var(--ok); }
  .blocks { background: var(--critical); }
  ul.readiness-checks { margin: 0; padding-left: 1.1em; }
  tr.row-CRITICAL { background: #fce8e6; }
  tr.row-WARNING { background: #fef7e0; }
  tr.row-UNKNOWN { background: #f3e8fd; }
  tr.row-CRITICAL td:first-child { border-left: 4px solid var(--critical); }
  tr.row-WARNING td:first-child { border-left: 4px solid var(--warning); }
  tr.row-UNKNOWN td:first-child { border-left: 4px solid var(--unknown); }
  td.name { font-weight: 600; white-space: nowrap; }
  .empty { color: #5f6368; font-style: italic; padding: .5em 0; }
  ol.timeline { display: flex; gap: 2px; list-style: none; padding: 0; margin: .4em 0 .2em;
                background: #fff; border: 1px solid var(--line); border-radius: .3em; overflow: hidden; }
  ol.timeline li { flex: 1 1 9em; min-width: 6em; padding: .3em .5em; color: #fff; font-size: .9em;
                   overflow-wrap: anywhere; }
  ol.timeline li .when { display: block; font-size: .85em; opacity: .95; }
  .t-done { background: var(--ok); }
  .t-running { background: #1a73e8; }
  .t-waiting { background: var(--warning);
               background-image: repeating-linear-gradient(135deg, transparent 0 8px, rgba(255,255,255,.25) 8px 16px); }
  .t-paused { background: var(--unknown); }
  .t-failed { background: var(--critical); }
  .t-pending { background: #fff; color: var(--fg) !important; outline: 2px dashed var(--pending); outline-offset: -3px; }
  .t-skipped { background: var(--pending);
               background-image: repeating-linear-gradient(45deg, transparent 0 6px, rgba(255,255,255,.35) 6px 8px); }
  .timeline-axis { display: flex; justify-content: space-between; color: #5f6368; font-size: .85em; }
  ul.legend { display: flex; flex-wrap: wrap; gap: .4em; list-style: none; padding: 0; margin: .3em 0 .6em; font-size: .85em; }
  ul.legend li { padding: .1em .5em; border-radius: .3em; color: #fff; }
  table.steps { margin-bottom: .6em; }
</style>
</head>
<body>
<header>
  <h1>greenlight</h1>
  <span id="overall" class="PENDING">loading</span>
  <span id="counts"></span>
  <span id="updated">not updated yet</span>
</header>
<main>
  <noscript><p>This page is filled in by JavaScript, which is off. The same
  facts: <a href="/api/v1/checks">/api/v1/checks</a>, <a href="/api/v1/runs">/api/v1/runs</a>,
  <a href="/api/v1/gates">/api/v1/gates</a>, <a href="/api/v1/readiness">/api/v1/readiness</a>,
  <a href="/metrics">/metrics</a>, and on the host <code>greenlight runbook status</code>.</p></noscript>
  <section id="run-section">
    <h2>Run</h2>
    <div id="runs"><p class="empty">no run</p></div>
  </section>
  <section id="gate-section">
    <h2>Gates</h2>
    <div id="gates"><p class="empty">no gate</p></div>
  </section>
  <section id="readiness-section">
    <h2>Readiness</h2>
    <div id="readiness"><p class="empty">not judged yet</p></div>
  </section>
  <section id="check-section">
    <h2>Checks</h2>
    <table id="checks">
      <thead><tr><th>check</th><th>status</th><th>message</th><th>age</th><th>kind</th><th>host</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
<script>
"use strict";
const ORDER = { CRITICAL: 0, UNKNOWN: 1, WARNING: 2, PENDING: 3, OK: 4 };
let lastUpdate = 0;
let refreshes = 0;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
function badge(text, cls) { return el("span", { class: "badge " + (cls || text) }, text); }
function age(now, t) {
  if (t === null || t === undefined) return "never";
  const s = Math.max(0, Math.round(now - t));
  if (s < 120) return s + " s ago";
  if (s < 7200) return Math.round(s / 60) + " min ago";
  return Math.round(s / 3600) + " h ago";
}
async function getJSON(path) {
  const response = await fetch(path, { cache: "no-store" });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

function renderChecks(data) {
  const rows = data.checks.slice().sort((a, b) =>
    (ORDER[a.status] - ORDER[b.status]) || a.check.localeCompare(b.check));
  const body = document.querySelector("#checks tbody");
  body.replaceChildren(...rows.map(c => el("tr", { class: "row-" + c.status, "data-check": c.check, "data-status": c.status },
    el("td", { class: "name" }, c.check),
    el("td", {}, badge(c.status)),
    el("td", { class: "message" }, c.message),
    el("td", { class: "age" }, age(data.now, c.finished)),
    el("td", { class: "kind" }, c.kind),
    el("td", { class: "host" }, c.host))));
  const counts = {};
  for (const c of data.checks) counts[c.status] = (counts[c.status] || 0) + 1;
  const worst = rows.length ? rows[0].status : "PENDING";
  const overall = document.getElementById("overall");
  overall.className = worst;
  overall.textContent = rows.length ? (worst === "OK" ? "all checks ok" : worst) : "no check";
  document.getElementById("counts").replaceChildren(...Object.keys(ORDER).filter(s => counts[s])
    .map(s => el("span", { "data-count": s }, counts[s] + " " + s.toLowerCase())));
}

// A phase's state as the timeline shows it: the API's state, "paused" for
// the phase a paused run stopped in, "waiting" for one a gate holds.
const TIMELINE_STATES = ["done", "running", "waiting", "paused", "pending", "skipped", "failed"];
function clock(t) { return new Date(t * 1000).toISOString().substring(11, 19) + "Z"; }
function span(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return s < 120 ? s + " s" : s < 7200 ? Math.round(s / 60) + " min" : (s / 3600).toFixed(1) + " h";
}
function phaseView(run, p, gates, now) {
  const gate = gates.find(g => g.run === run.id && g.phase === p.name && g.waiting_since !== null);
  let state = p.state;
  if ((state === "running" || state === "waiting") && run.state === "paused") state = "paused";
  else if (state === "running" && gate) state = "waiting";
  let text = p.name + " (" + state;
  if (gate && (state === "waiting" || state === "paused"))
    text += " on gate " + gate.name + " since " + clock(gate.waiting_since) + ", " + span(now - gate.waiting_since);
  text += ")";
  const end = p.finished !== null && p.finished !== undefined ? p.finished : now;
  const took = p.started === null || p.started === undefined ? null : end - p.started;
  let when = "";
  if (took !== null)
    when = p.finished ? clock(p.started) + " to " + clock(p.finished) + ", " + span(took)
                      : "from " + clock(p.started) + ", " + span(took) + " so far";
  return { state, text, when, took, gate };
}
// The run's phases as one horizontal bar, in order, a segment each: wider
// the longer it took (pending phases a fixed share), coloured by state and
// labelled with the state in words; a legend under it.
function timeline(run, gates, now) {
  const views = run.phases.map(p => phaseView(run, p, gates, now));
  const total = views.reduce((sum, v) => sum + (v.took || 0), 0);
  const bar = el("ol", { class: "timeline", "aria-label": "phases of run " + run.id + ", in order" },
    ...run.phases.map((p, i) => {
      const v = views[i];
      const grow = total > 0 && v.took ? 1 + 8 * v.took / total : 1;
      const item = el("li", { class: "t-" + v.state, "data-phase": p.name, "data-state": v.state,
                              title: v.text + (v.when ? " " + v.when : ""), style: "flex-grow: " + grow.toFixed(2) },
        v.text, ...(v.when ? [el("span", { class: "when" }, v.when)] : []));
      if (v.gate) item.setAttribute("data-gate", v.gate.name);
      return item;
    }));
  const axis = el("div", { class: "timeline-axis" }, el("span", {}, "started " + clock(run.started)),
    el("span", {}, "now " + clock(now)));
  const legend = el("ul", { class: "legend", "aria-label": "timeline legend" },
    ...TIMELINE_STATES.map(s => el("li", { class: "t-" + s, "data-legend": s }, s)));
  return [bar, axis, legend];
}

function renderRuns(data, gates) {
  const box = document.getElementById("runs");
  if (!data.runs.length) { box.replaceChildren(el("p", { class: "empty" }, "no run")); return; }
  box.replaceChildren(...data.runs.map(r => el("div", { class: "run", "data-run": r.id },
    el("p", {}, el("strong", {}, r.runbook), " run " + r.id + " ", badge(r.state),
       " started " + age(data.now, r.started)),
    ...(r.message ? [el("p", { class: "message run-message" }, r.message)] : []),
    ...(r.excluded ? [el("p", { class: "excluded" }, "excluded from every step and gate: " + r.excluded)] : []),
    ...timeline(r, gates, data.now),
    ...r.phases.filter(p => p.steps.length && p.state !== "pending" && p.state !== "done").map(p =>
      el("table", { class: "steps", "data-phase": p.name },
        el("thead", {}, el("tr", {}, ...["step of " + p.name, "kind", "state", "took", "message"].map(h => el("th", {}, h)))),
        el("tbody", {}, ...p.steps.map(s => el("tr", { "data-step": s.name },
          el("td", {}, s.name), el("td", { class: "kind" }, s.kind || ""), el("td", {}, badge(s.state)),
          el("td", { class: "age" }, s.duration === null || s.duration === undefined ? "" : s.duration.toFixed(1) + " s"),
          el("td", { class: "message" }, s.message)))))))));
}

function renderGates(data) {
  const box = document.getElementById("gates");
  if (!data.gates.length) { box.replaceChildren(el("p", { class: "empty" }, "no gate")); return; }
  box.replaceChildren(el("table", {},
    el("thead", {}, el("tr", {}, ...["gate", "status", "phase", "waiting", "checks", "message"].map(h => el("th", {}, h)))),
    el("tbody", {}, ...data.gates.map(g => el("tr", { "data-gate": g.name, "data-status": g.status },
      el("td", {}, g.name), el("td", {}, badge(g.status)), el("td", {}, g.run + " / " + g.phase),
      el("td", {}, g.waiting_since === null ? "" : age(data.now, g.waiting_since).replace(" ago", "")),
      el("td", {}, g.checks.join(", ")), el("td", { class: "message" }, g.message,
        g.remedy ? el("div", { class: "remedy" }, "remedy " + g.remedy) : ""))))));
}

// Per runbook: ready, or the gate it would block at and why, with each
// gate's checks (status, nodes, evidence) as `greenlight runbook check`.
function renderReadiness(data) {
  const box = document.getElementById("readiness");
  if (!data.runbooks.length) {
    box.replaceChildren(el("p", { class: "empty" }, data.judged === null ? "not judged yet" : "no runbook"));
    return;
  }
  box.replaceChildren(...data.runbooks.map(r => el("div", { class: "runbook", "data-runbook": r.runbook, "data-ready": r.blocks ? "no" : "yes" },
    el("p", {}, el("strong", {}, r.runbook), " ", badge(r.blocks ? "blocks" : "ready"), " ",
       el("span", { class: "summary" }, r.summary),
       " (oldest evidence: " + (r.oldest_evidence === null ? "none" : age(data.now, r.oldest_evidence)) + ")"),
    el("table", { class: "readiness-gates" },
      el("thead", {}, el("tr", {}, ...["gate", "verdict", "phase", "when", "checks"].map(h => el("th", {}, h)))),
      el("tbody", {}, ...r.gates.map(g => el("tr", { "data-readiness-gate": g.gate, "data-blocks": String(g.blocks) },
        el("td", { class: "name", title: g.description }, g.gate),
        el("td", {}, badge(g.blocks ? "blocks" : "ready")),
        el("td", {}, g.phase),
        el("td", {}, g.before_first_step ? "before the first step: must be green now" : "later: must be able to look"),
        el("td", {}, el("ul", { class: "readiness-checks" }, ...g.checks.map(c =>
          el("li", { "data-readiness-check": c.check, "data-status": c.status },
            badge(c.status), " " + c.evaluated + (c.nodes ? " [" + c.nodes + "]" : "") + ": " + c.message +
            " (evidence: " + (c.evidence === null ? "none" : age(data.now, c.evidence)) + ")" +
            (c.blocks ? " blocks: " + c.why : ""))))))))))));
}

async function refresh() {
  try {
    const [checks, runs, gates, readiness] = await Promise.all(
      ["/api/v1/checks", "/api/v1/runs", "/api/v1/gates", "/api/v1/readiness"].map(getJSON));
    renderChecks(checks);
    renderRuns(runs, gates.gates);
    renderGates(gates);
    renderReadiness(readiness);
    lastUpdate = Date.now();
    const updated = document.getElementById("updated");
    updated.className = "";
    updated.dataset.refreshes = String(++refreshes);
    updated.textContent = "updated " + new Date(lastUpdate).toLocaleTimeString();
  } catch (error) {
    const updated = document.getElementById("updated");
    updated.className = "stale";
    updated.textContent = "greenlight not answering (" + error.message + ")" +
      (lastUpdate ? ", last update " + new Date(lastUpdate).toLocaleTimeString() : "");
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
)html";
  return page;
}

}  // namespace greenlight::exporter

/**
 * The HTML page of `vltrace-query report`: one file that needs nothing else — Chart.js and the
 * report's data (reports/report.ts) are inlined, and a Content-Security-Policy forbids every
 * network request, so it opens the same from a mail attachment or an air-gapped machine.
 *
 * Strings of the recording (paths, comms, decoded calls) are program-controlled: they travel as
 * JSON in a non-executed script element (`<` escaped) and reach the page through textContent
 * only, never as markup.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
import { derivedMode, modeOf, OutputPathError, writeFileSafely } from '@vltrace/format/files';
import { EXIT, QueryError } from './errors.js';
import { reportData, type ReportData, type ReportOptions } from './reports/report.js';

/** Colours of the charts, one place: the test looks for them in the screenshot. */
export const REPORT_COLORS = {
  /** lane cells by mean threads in a syscall: < 0.05, < 0.25, < 0.5, < 1, ≥ 1 */
  busy: ['#c6dbef', '#9ecae1', '#6baed6', '#3182bd', '#08519c'],
  busyLevels: [0.05, 0.25, 0.5, 1],
  latency: '#2ca02c',
  errno: '#d62728',
} as const;

let chartJs: string | undefined;
/** Chart.js's standalone (UMD) build, with its licence header. */
function chartLibrary(): string {
  if (chartJs === undefined) {
    // the package exports no path to the UMD file: it sits beside the CommonJS entry
    const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
    chartJs = readFileSync(join(dist, 'chart.umd.min.js'), 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  }
  return chartJs;
}

/** JSON that can sit inside a script element: no `<` (so no `</script>`), no `>` or `&`. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page of a report's data. */
export function reportHtml(data: ReportData): string {
  const title = `vltrace report: ${data.inputs.map((i) => basename(i)).join(', ')}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<script>${ERROR_CATCHER}</script>
<header><h1>${escapeHtml(title)}</h1><p id="overview"></p>
<nav><a href="#timeline">time in syscalls</a> · <a href="#latency">latency</a> · <a href="#summary">summary</a> · <a href="#failures">failures</a> · <a href="#processes">processes</a></nav></header>
<div id="report-errors" hidden></div>
<section id="timeline"><h2>Time in syscalls, per process</h2><p class="note" id="timeline-note"></p>
<div class="chart" id="lanes-box"><canvas id="lanes"></canvas></div><p class="legend" id="lanes-legend"></p></section>
<section id="latency"><h2>Latency of the syscalls with the most time</h2>
<p class="note">Calls per duration bucket, both axes logarithmic: a bar at 4 µs counts the calls that took 4 to 8 µs, entry to exit.</p>
<div class="grid" id="latency-grid"></div></section>
<section id="summary"><h2>Summary</h2><p class="note">strace -c -w: time is wall-clock, entry to exit; a call counts when it returned.</p><table id="summary-table"></table></section>
<section id="failures"><h2>Failures</h2><div class="chart" id="errnos-box"><canvas id="errnos"></canvas></div>
<h3>By errno and path</h3><table id="failure-paths"></table>
<h3>By syscall and errno, with the first call</h3><table id="failed-table"></table></section>
<section id="processes"><h2>Processes</h2><ul class="tree" id="tree"></ul></section>
<script type="application/json" id="vltrace-data">${scriptJson({ ...data, colors: REPORT_COLORS })}</script>
<script>${chartLibrary()}</script>
<script>${CLIENT}</script>
</body>
</html>
`;
}

/** Where a report of these inputs goes without -o: the first input's name with .html (run.bin → run.html), beside it. */
export function defaultReportPath(input: string): string {
  const ext = extname(input);
  const stem = ext === '.bin' ? basename(input, ext) : basename(input);
  return join(dirname(input), `${stem}.html`);
}

/**
 * Writes the report of the inputs to `output` ('-': stdout; default: defaultReportPath), never
 * more readable than the inputs; returns where it went.
 */
export async function writeReport(inputs: readonly string[], output: string | undefined, opts: ReportOptions = {}): Promise<string> {
  const html = reportHtml(await reportData(inputs, opts));
  if (output === '-') {
    await new Promise<void>((resolve, reject) => process.stdout.write(html, (e) => (e ? reject(e) : resolve())));
    return '-';
  }
  const path = output ?? defaultReportPath(inputs[0]!);
  try {
    writeFileSafely(path, html, derivedMode(inputs.reduce((m, f) => m & modeOf(f), 0o777)));
  } catch (e) {
    if (e instanceof OutputPathError) throw new QueryError(e.message, EXIT.BAD_INPUT);
    throw e;
  }
  return path;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; color: #222; margin: 0 auto; padding: 0 24px 48px; max-width: 1400px; }
h1 { font-size: 20px; margin: 18px 0 4px; } h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid #ddd; } h3 { font-size: 15px; margin: 16px 0 4px; }
nav a { color: #1f5fa8; } .note, .legend { color: #666; margin: 2px 0 8px; }
.chart { position: relative; width: 100%; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px; }
.grid > div { position: relative; height: 190px; border: 1px solid #eee; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; } tfoot td { font-weight: 600; border-top: 1px solid #999; }
code { font: 12px ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; }
.swatch { display: inline-block; width: 14px; height: 10px; margin: 0 4px 0 12px; }
.tree, .tree ul { list-style: none; padding-left: 18px; margin: 0; } .tree { padding-left: 0; }
.tree li { margin: 2px 0; } .tree summary { cursor: pointer; } .leaf { padding-left: 16px; display: inline-block; }
.pid { font-weight: 600; } .exec { color: #555; font: 12px ui-monospace, monospace; } .ok { color: #2a7a2a; } .bad { color: #b22; } .dim { color: #888; }
#report-errors { background: #fee; border: 1px solid #c33; padding: 8px; white-space: pre-wrap; }
`;

/** Runs first: any error of the scripts after it is shown on the page (and kept for tests). */
const ERROR_CATCHER = `
window.reportErrors = [];
window.addEventListener('error', function (e) {
  window.reportErrors.push(String(e.message));
  var box = document.getElementById('report-errors');
  if (box) { box.hidden = false; box.textContent = 'This report could not be drawn: ' + window.reportErrors.join('; '); }
});
`;

/** Draws the page from the data. Plain browser JavaScript; text is only ever set as textContent. */
const CLIENT = String.raw`
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('vltrace-data').textContent);
  const C = data.colors;
  const $ = (id) => document.getElementById(id);
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') e.className = v; else if (k === 'style') e.style.cssText = v; else e.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(typeof c === 'object' ? c : String(c));
    return e;
  }
  const int = (n) => Number(n).toLocaleString('en-US');
  function dur(s) {
    const a = Math.abs(s);
    if (a === 0) return '0';
    if (a < 1e-6) return (s * 1e9).toPrecision(3).replace(/\.?0+$/, '') + ' ns';
    if (a < 1e-3) return (s * 1e6).toPrecision(3).replace(/\.?0+$/, '') + ' µs';
    if (a < 1) return (s * 1e3).toPrecision(3).replace(/\.?0+$/, '') + ' ms';
    return s.toFixed(3) + ' s';
  }
  function table(t, head, rows, foot) {
    t.append(el('thead', null, el('tr', null, ...head.map((h) => el('th', h.n ? { class: 'n' } : null, h.t)))));
    const body = el('tbody');
    for (const r of rows) body.append(el('tr', null, ...r.map((c, i) => el('td', head[i].n ? { class: 'n' } : null, c))));
    t.append(body);
    if (foot) t.append(el('tfoot', null, el('tr', null, ...foot.map((c, i) => el('td', head[i].n ? { class: 'n' } : null, c)))));
  }
  Chart.defaults.animation = false;
  Chart.defaults.font.size = 11;

  // overview
  const sum = data.summary, tl = data.timeline;
  $('overview').textContent = [
    tl.start ? 'from ' + tl.start + ' for ' + dur(tl.spanSeconds) : 'no call returned',
    int(sum.total.calls) + ' calls', int(sum.total.errors) + ' errors', dur(sum.total.seconds) + ' in syscalls',
    int(data.procs.length + data.procsMore) + ' processes',
  ].join(' · ');

  // lanes: one bar per process and time bin, its shade the time in syscalls over the bin's length
  const level = (b) => { let i = 0; while (i < C.busyLevels.length && b >= C.busyLevels[i]) i++; return i; };
  const label = (l) => l.pid === null ? l.comm : (l.part ? l.part + ' ' : '') + l.pid + ' ' + l.comm;
  const labels = tl.lanes.map(label);
  const cells = [];
  tl.lanes.forEach((l, i) => l.busy.forEach((b, j) => {
    if (b > 0) cells.push({ y: labels[i], x: [j * tl.binSeconds, (j + 1) * tl.binSeconds], busy: b, lane: i });
  }));
  $('timeline-note').textContent = tl.lanes.length === 0 ? 'No complete call was recorded.'
    : 'Each bar is a ' + dur(tl.binSeconds) + ' slice of the recording; its shade is the time its threads spent in syscalls over the slice\'s length (several threads blocked at once count several times). '
      + (tl.processes > data.limits.lanes ? 'The ' + data.limits.lanes + ' processes with the most time have their own lane; the other ' + (tl.processes - data.limits.lanes) + ' share the last one.' : '');
  $('lanes-box').style.height = (60 + 22 * Math.max(1, tl.lanes.length)) + 'px';
  new Chart($('lanes'), {
    type: 'bar',
    data: { labels, datasets: [{ data: cells, backgroundColor: (ctx) => C.busy[level(ctx.raw ? ctx.raw.busy : 0)], borderWidth: 0, barPercentage: 0.85, categoryPercentage: 1 }] },
    options: {
      indexAxis: 'y', responsive: true, maintainAspectRatio: false,
      scales: {
        x: { type: 'linear', min: 0, max: tl.binSeconds * (tl.lanes.length ? tl.lanes[0].busy.length : 1), title: { display: true, text: 'seconds since the first call' } },
        y: { type: 'category', labels },
      },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: {
          title: (items) => labels[items[0].raw.lane],
          label: (item) => dur(item.raw.busy * tl.binSeconds) + ' in syscalls (' + (item.raw.busy * 100).toFixed(1) + '% of the slice) at +' + dur(item.raw.x[0]),
        } },
      },
    },
  });
  const legend = $('lanes-legend');
  legend.append('time in syscalls / slice:');
  const bounds = ['0', ...C.busyLevels.map((b) => (b * 100) + '%')];
  C.busy.forEach((c, i) => legend.append(el('span', { class: 'swatch', style: 'background:' + c }), i < C.busyLevels.length ? bounds[i] + '–' + bounds[i + 1] : '≥ 100%'));

  // latency: small multiples on the same buckets
  const bucket = (k) => dur(Math.pow(2, k + data.latency.firstBucket) / 1e9);
  // one count axis for all, up to the next power of ten, so the charts compare at a glance
  const top = Math.pow(10, Math.max(1, Math.ceil(Math.log10(Math.max(1, ...data.latency.histograms.flatMap((h) => h.counts)) + 1))));
  for (const h of data.latency.histograms) {
    const canvas = el('canvas');
    $('latency-grid').append(el('div', { class: 'latency' }, canvas));
    new Chart(canvas, {
      type: 'bar',
      data: { labels: h.counts.map((_, k) => bucket(k)), datasets: [{ data: h.counts.map((n) => n || null), backgroundColor: C.latency, barPercentage: 1, categoryPercentage: 0.9 }] },
      options: {
        responsive: true, maintainAspectRatio: false,
        scales: { y: { type: 'logarithmic', min: 0.5, max: top, title: { display: true, text: 'calls' }, ticks: { callback: (v) => (Math.log10(v) % 1 === 0 ? int(v) : '') } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 6 } } },
        plugins: {
          legend: { display: false },
          title: { display: true, text: h.syscall + ' — ' + int(h.calls) + ' calls', align: 'start' },
          tooltip: { callbacks: { title: (items) => bucket(items[0].dataIndex) + ' – ' + bucket(items[0].dataIndex + 1) } },
        },
      },
    });
  }
  if (data.latency.histograms.length === 0) $('latency-grid').append(el('p', { class: 'note' }, 'No complete call was recorded.'));

  // summary, as strace -c prints it
  const sumRow = (r) => [r.percent.toFixed(2), r.seconds.toFixed(6), r.usecsPerCall, int(r.calls), r.errors ? int(r.errors) : '', r.syscall];
  table($('summary-table'), [{ t: '% time', n: 1 }, { t: 'seconds', n: 1 }, { t: 'usecs/call', n: 1 }, { t: 'calls', n: 1 }, { t: 'errors', n: 1 }, { t: 'syscall' }],
    sum.rows.map(sumRow), sumRow(sum.total));

  // failures: calls per errno, then the tables
  const byErrno = new Map();
  for (const f of data.failed) byErrno.set(f.errnoName, (byErrno.get(f.errnoName) || 0) + f.count);
  const errnos = [...byErrno].sort((a, b) => b[1] - a[1]);
  $('errnos-box').style.height = (50 + 26 * Math.max(1, errnos.length)) + 'px';
  new Chart($('errnos'), {
    type: 'bar',
    data: { labels: errnos.map((e) => e[0]), datasets: [{ data: errnos.map((e) => e[1]), backgroundColor: C.errno, barPercentage: 0.8 }] },
    options: {
      indexAxis: 'y', responsive: true, maintainAspectRatio: false,
      scales: { x: { beginAtZero: true, title: { display: true, text: 'failed calls' }, ticks: { precision: 0 } } },
      plugins: { legend: { display: false } },
    },
  });
  const more = (n, what) => n > 0 ? el('p', { class: 'note' }, int(n) + ' more ' + what + ' not shown.') : null;
  table($('failure-paths'), [{ t: 'calls', n: 1 }, { t: 'errno' }, { t: 'path' }, { t: 'syscalls' }, { t: 'procs', n: 1 }],
    data.failurePaths.map((f) => [int(f.count), f.errnoName, f.path === null ? el('span', { class: 'dim' }, '(no path argument)') : el('code', null, f.path), f.syscalls.join(' '), int(f.pids)]));
  $('failure-paths').after(more(data.failurePathsMore, 'errno and path pairs') || '');
  table($('failed-table'), [{ t: 'calls', n: 1 }, { t: 'syscall' }, { t: 'errno' }, { t: 'procs', n: 1 }, { t: 'first call' }],
    data.failed.map((f) => [int(f.count), f.syscall, el('span', { title: f.message }, f.errnoName), int(f.pids), el('code', null, f.example)]));
  $('failed-table').after(more(data.failedMore, 'syscall and errno pairs') || '');

  // process tree: rows come parents first, each with its depth
  const stack = [$('tree')];
  data.procs.forEach((p, i) => {
    const execs = p.execs.length > 0 ? p.execs.join(' → ') : (p.exe || '');
    const status = el('span', { class: p.exitCode === 0 ? 'ok' : (p.exitCode === null && p.exitSignal === null ? 'dim' : 'bad') }, p.status);
    const line = [el('span', { class: 'pid' }, p.pid), ' ', p.comm || '?', ' ', execs ? el('span', { class: 'exec' }, execs) : null, ' — ', status,
      el('span', { class: 'dim' }, (p.lifetimeS !== null ? ', ' + dur(p.lifetimeS) : '') + ', ' + int(p.syscalls) + ' syscalls' + (p.errors ? ', ' + int(p.errors) + ' errors' : '') + (p.threads > 1 ? ', ' + p.threads + ' threads' : ''))];
    stack.length = Math.min(stack.length, p.depth + 1);
    const parent = stack[stack.length - 1];
    const next = data.procs[i + 1];
    const li = el('li', { 'data-pid': p.pid });
    if (next && next.depth > p.depth) {
      const ul = el('ul');
      li.append(el('details', { open: '' }, el('summary', null, ...line), ul));
      stack.push(ul);
    } else li.append(el('span', { class: 'leaf' }, ...line));
    parent.append(li);
  });
  $('tree').after(more(data.procsMore, 'processes') || '');
  document.body.setAttribute('data-ready', window.reportErrors.length === 0 ? 'yes' : 'with errors');
})();
`;

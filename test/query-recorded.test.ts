// vltrace-query end to end: a program recorded with the real eBPF recorder, its answers checked
// against independent references:
// - summary: calls and errors per syscall equal `strace -c -f` on the same program;
// - files: exactly the paths the program (and the program it execs) opened, as strace -y saw them
//   (relative ones resolved against the directory strace -y names), and relative paths resolved
//   against the working directory the program moved to (chdir, fchdir, inherited by a child);
// - procs: the program's fork/exec structure and exit codes;
// - every report reads the same, byte for byte, from the .bin, from its Parquet file and from a
//   dataset made by vltrace-convert;
// - failed and slow: calls printed as strace prints them (flags by name, structs and buffers from
//   the recorded memory), from the .bin and from a Parquet dataset made by vltrace-convert.
// Needs the native recorder (root, BTF, native/build/Release/vltrace.node). Never skipped
// silently: without it these tests fail with the reason, unless VLTRACE_NO_EBPF=1 is set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { convert } from '@vltrace/convert';
import {
  failed, failedTable, files, filesTable, OUTPUT_FORMATS, procs, procsTable, renderTable, REPORT_COLORS, Session, slow, slowTable, summary,
  summaryTable, type Table,
} from '@vltrace/query';
import { ebpfMissing, noEbpf, PROG_DIR, QUERY, tempDir } from './support.js';
import { colourCounts, decodePng, loadPage } from './chromium.js';

const SRC = join(PROG_DIR, 'analysis.c');
const skip = noEbpf();

interface Recorder {
  record(o: unknown): Promise<{ exitCode: number; lost: number }>;
  normalizeOptions(a: Record<string, unknown>): unknown;
}

let prepared: Promise<{ bin: string; prog: string; work: string; exitCode: number }> | undefined;

/** Builds the program and records it once (`-f`, full strings). */
function recordProgram() {
  prepared ??= (async () => {
    const missing = ebpfMissing();
    let rec: Recorder | undefined;
    try {
      const spec = '@vltrace/recorder';
      rec = (await import(spec)) as Recorder;
    } catch (e) {
      missing.push(`@vltrace/recorder (${(e as Error).message})`);
    }
    if (missing.length > 0 || !rec) {
      throw new Error(`recording the test program needs ${missing.join(', ')}; set VLTRACE_NO_EBPF=1 to skip these tests explicitly`);
    }
    const work = tempDir('vq-rec-');
    const prog = join(work, 'analysis');
    execFileSync('cc', ['-O1', '-o', prog, SRC]);
    const bin = join(work, 'run.bin');
    const cwd = process.cwd();
    process.chdir(work); // trace.h lands beside the output
    try {
      const stats = await rec.record(rec.normalizeOptions({ _: [prog, work], output: bin, fullFollowFork: true, stringArgs: 4096 }));
      assert.equal(stats.lost, 0, 'no packets lost on the test program');
      return { bin, prog, work, exitCode: stats.exitCode };
    } finally {
      process.chdir(cwd);
    }
  })();
  return prepared;
}

/** strace -f on the same program: the -c table and the decoded lines. */
function straceRun(prog: string, work: string, args: string[]): string {
  const out = join(work, `strace-${args.join('')}.txt`);
  const r = spawnSync('strace', ['-f', ...args, '-o', out, prog, work], { encoding: 'utf8', cwd: work });
  assert.equal(r.status, 5, `strace run: ${r.stderr}`);
  return readFileSync(out, 'utf8');
}

/** `strace -c` lines → syscall → { calls, errors } */
function parseStraceC(text: string): Map<string, { calls: number; errors: number }> {
  const m = new Map<string, { calls: number; errors: number }>();
  for (const line of text.split('\n')) {
    const f = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d+)?\s*([a-z_0-9]+)\s*$/.exec(line);
    if (f && f[3] !== 'total') m.set(f[3]!, { calls: Number(f[1]), errors: Number(f[2] ?? 0) });
  }
  return m;
}

test('summary: calls and errors per syscall equal strace -c -f', { skip }, async () => {
  const { bin, prog, work } = await recordProgram();
  const ref = parseStraceC(straceRun(prog, work, ['-c']));
  assert.ok(ref.size > 10, 'strace -c produced a table');
  const res = await summary(bin, { cacheDir: join(work, 'cache') });
  const ours = new Map(res.rows.map((r) => [r.syscall, { calls: r.calls, errors: r.errors }]));
  // Both count a call when it returns: exit_group never returns and is in neither table; the
  // child's side of fork (clone) is counted by neither. Two runs of this program make the same
  // calls (no timing-dependent retries, no signals), so the tables must be equal.
  assert.deepEqual(Object.fromEntries([...ours].sort()), Object.fromEntries([...ref].sort()));
});

test('files: exactly the paths the program opened, relative ones resolved as strace -y resolves them', { skip }, async () => {
  const { bin, prog, work } = await recordProgram();
  const lines = straceRun(prog, work, ['-y']);
  const opened = new Set<string>();
  // openat(AT_FDCWD</dir>, "rel", …) or openat(3</dir>, "rel", …): strace -y names the base
  for (const m of lines.matchAll(/\b(?:open|openat|creat)\((?:(?:AT_FDCWD|\d+)(?:<([^>]*)>)?, )?"([^"]*)"/g)) {
    const [, base, name] = m;
    opened.add(name!.startsWith('/') || base === undefined ? name! : posix.join(base, name!));
  }
  assert.ok(opened.has('/etc/hostname') && opened.has(join(work, 'out.txt')) && opened.has(join(work, 'missing.txt')) && opened.has(work));
  assert.ok(opened.has(join(work, 'vltrace-start.txt')), 'strace ran in the directory the recording started in');
  const rows = await files(bin, { cacheDir: join(work, 'cache') });
  const ours = new Set(rows.filter((r) => /\b(open|openat|openat2|creat):/.test(r.syscalls) && r.byName > 0).map((r) => r.path));
  assert.deepEqual([...ours].sort(), [...opened].sort());
  const host = rows.find((r) => r.path === '/etc/hostname')!;
  assert.match(host.syscalls, /read:1/); // read through the fd
  assert.match(host.syscalls, /close:1/);
  // by name: the child's relative open (under the cwd it inherited), unlink, unlink again (ENOENT)
  const out = rows.find((r) => r.path === join(work, 'out.txt'))!;
  assert.equal(out.results, 'ok:2 ENOENT:1');
  assert.match(out.syscalls, /write:1/); // through the child's fd
  // relative to a directory fd after chdir("/"), and to the cwd restored by fchdir
  assert.equal(rows.find((r) => r.path === join(work, 'missing.txt'))!.results, 'ENOENT:1');
  assert.equal(rows.find((r) => r.path === join(work, 'nothing-here'))!.results, 'ENOENT:1');
  // before any chdir: against the directory the recorded command started in (the header's cwd)
  assert.equal(rows.find((r) => r.path === join(work, 'vltrace-start.txt'))?.results, 'ENOENT:1');
  assert.deepEqual(rows.filter((r) => !r.path.startsWith('/')).map((r) => r.path), [], 'every relative path resolved');
});

test('procs: the fork/exec structure and exit codes', { skip }, async () => {
  const { bin, prog, work, exitCode } = await recordProgram();
  assert.equal(exitCode, 5);
  const s = await Session.open(bin, { cacheDir: join(work, 'cache') });
  try {
    const rows = await procs(s);
    const root = rows.find((r) => r.execs.includes(prog));
    assert.ok(root, `the program's process (exec ${prog}) is in ${JSON.stringify(rows.map((r) => [r.pid, r.execs]))}`);
    assert.equal(root.exitCode, 5);
    const kids = rows.filter((r) => r.ppid === root.pid);
    assert.equal(kids.length, 2);
    assert.equal(kids[0]!.exitCode, 3);
    assert.deepEqual(kids[0]!.execs, []);
    assert.deepEqual(kids[1]!.execs, ['/bin/true']);
    assert.equal(kids[1]!.exitCode, 0);
    assert.equal(kids[1]!.comm, 'true');
    for (const k of kids) assert.equal(k.depth, root.depth + 1);
  } finally {
    s.close();
  }
});

/** strace -f lines as calls: without the pid prefix, `= result` after one space. */
function straceCalls(text: string): Set<string> {
  return new Set(text.split('\n').map((l) => l.replace(/^\d+ +/, '').replace(/^(.*\)) +(= .*)$/, '$1 $2')));
}

test('failed and slow: calls as strace prints them, from the .bin and from a Parquet dataset made by vltrace-convert', { skip }, async () => {
  const { bin, prog, work } = await recordProgram();
  const ref = straceCalls(straceRun(prog, work, []));
  const dataset = join(work, 'dataset');
  await convert({ inputs: [bin], to: 'parquet', output: dataset, partitionBy: ['pid'] });
  const answers: string[][] = [];
  for (const input of [bin, dataset]) {
    const opts = { cacheDir: join(work, 'cache') };
    const examples = new Map((await failed(input, opts)).map((r) => [`${r.syscall} ${r.errnoName}`, r.example]));
    // flags by name, a struct and a buffer read at entry, each the first failure of its kind
    assert.equal(examples.get('openat ENOENT'), 'openat(AT_FDCWD, "/nonexistent/vltrace-query", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)');
    assert.equal(examples.get('connect ENOENT'), 'connect(3, {sa_family=AF_UNIX, sun_path="/nonexistent/vltrace-query.sock"}, 110) = -1 ENOENT (No such file or directory)');
    assert.equal(examples.get('write EBADF'), 'write(99, "vltrace\\n", 8) = -1 EBADF (Bad file descriptor)');
    for (const e of examples.values()) if (!/0x/.test(e)) assert.ok(ref.has(e), `${e}: strace printed it`);
    // every complete call: a struct and a buffer the kernel filled (the program's /etc/hostname)
    const calls = (await slow(input, { ...opts, top: 100_000 })).map((r) => r.call);
    const hostname = readFileSync('/etc/hostname');
    const stat = calls.filter((c) => c.startsWith('newfstatat(3, "", {st_mode=S_IFREG|') && c.includes(`st_size=${hostname.length}, ...}, AT_EMPTY_PATH) = 0`));
    assert.equal(stat.length, 1, calls.join('\n'));
    const read = calls.filter((c) => c.startsWith('read(') && c.endsWith(`, 256) = ${hostname.length}`));
    assert.equal(read.length, 1, calls.join('\n'));
    assert.match(read[0]!, /^read\(3, ".*"(\.\.\.)?, 256\) = \d+$/);
    // and every line is strace's, but those that differ run to run: addresses, /tmp's stat (its
    // size changes while other programs use it), wait4 (the child's pid)
    const own = calls.filter((c) => !/0x/.test(c) && !c.includes('"/tmp"') && !c.startsWith('wait4('));
    assert.ok(own.length > 30, `${own.length} calls compared`);
    assert.deepEqual(own.filter((c) => !ref.has(c)), [], 'calls strace printed otherwise');
    answers.push([...examples.values(), ...calls]);
  }
  assert.deepEqual(answers[1], answers[0], 'the dataset and the .bin give the same calls');
});

test('report: the page of the recording, drawn by headless Chromium — charts, summary rows, process tree, no console message', { skip }, async () => {
  const { bin, prog, work } = await recordProgram();
  const out = join(work, 'report.html');
  const cli = QUERY;
  const r = spawnSync(process.execPath, [cli, 'report', bin, '-o', out, '--cache-dir', join(work, 'cache')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [width, height] = [1280, 2400];
  const page = loadPage(out, width, height);
  // no console message at all: no script error, no refused request (the page's CSP allows none)
  assert.deepEqual(page.console, []);
  assert.match(page.dom, /<body data-ready="yes"/, 'the page script ran to its end');
  // Chart.js sized each canvas it drew into (its style, on every chart's canvas)
  const res = await summary(bin, { cacheDir: join(work, 'cache') });
  const charts = [...page.dom.matchAll(/<canvas[^>]*style="display: block; box-sizing: border-box; height: (\d+)px; width: ([\d.]+)px;"/g)];
  assert.equal(charts.length, 2 + Math.min(res.rows.length, 12), 'lanes, errnos and one latency chart per busy syscall');
  for (const c of charts) assert.ok(Number(c[1]) > 50 && Number(c[2]) > 200, c[0]);
  // the summary table: one row per syscall, in the summary's order, and the total
  const table = /<table id="summary-table">(.*?)<\/table>/s.exec(page.dom)![1]!;
  const names = [...table.matchAll(/<tr>(?:<td[^>]*>[^<]*<\/td>){5}<td>([a-z_0-9]+)<\/td><\/tr>/g)].map((m) => m[1]);
  assert.deepEqual(names, [...res.rows.map((x) => x.syscall), 'total']);
  // the process tree: the program, its two children under it (one exit 3, one exec of /bin/true)
  const rows = await procs(bin, { cacheDir: join(work, 'cache') });
  const root = rows.find((p) => p.execs.includes(prog))!;
  const li = new RegExp(`<li data-pid="${root.pid}"><details open=""><summary>.*?</summary><ul>(.*?)</ul></details></li>`, 's').exec(page.dom);
  assert.ok(li, 'the program is an open node of the tree');
  const kids = [...li[1]!.matchAll(/<li data-pid="(\d+)">(.*?)<\/li>/g)];
  assert.deepEqual(kids.map((k) => Number(k[1])), rows.filter((p) => p.ppid === root.pid).map((p) => p.pid));
  assert.match(kids[0]![2]!, /exit 3/);
  assert.match(kids[1]![2]!, /\/bin\/true.*exit 0/);
  // the screenshot: a PNG of the window's size, the charts' colours drawn in many pixels
  const img = decodePng(page.screenshot);
  assert.deepEqual([img.width, img.height], [width, height]);
  const colours = colourCounts(img);
  assert.ok(colours.size > 200, `${colours.size} colours`);
  const px = (c: string) => colours.get(c) ?? 0;
  assert.ok(REPORT_COLORS.busy.reduce((a, c) => a + px(c), 0) > 2000, 'lanes drawn');
  // 12 charts of a few bars each: ~36,000–41,000 pixels, fewer when a run's durations span more
  // buckets (narrower bars: 19,853 once); the colour is drawn nowhere else
  assert.ok(px(REPORT_COLORS.latency) > 5_000, `latency bars drawn (${px(REPORT_COLORS.latency)} pixels)`);
  assert.ok(px(REPORT_COLORS.errno) > 1000, 'errno bars drawn');
});

test('every report reads the same from the .bin, its Parquet file and a Parquet dataset (vltrace-convert), byte for byte', { skip }, async () => {
  const { bin, work } = await recordProgram();
  const file = join(work, 'same.parquet');
  const dataset = join(work, 'same-dataset');
  await convert({ inputs: [bin], to: 'parquet', output: file });
  await convert({ inputs: [bin], to: 'parquet', output: dataset, partitionBy: ['pid'] });
  // each report as the CLI prints it (its table, and JSON with every field)
  const texts = async (input: string) => {
    const s = await Session.open(input, { cacheDir: join(work, 'cache') });
    try {
      const tables: [string, Table][] = [
        ['procs', procsTable(await procs(s))],
        ['files', filesTable(await files(s))],
        ['failed', failedTable(await failed(s))],
        ['slow', slowTable(await slow(s, { top: 1000 }))],
        ['summary', summaryTable(await summary(s))],
      ];
      return tables.flatMap(([name, t]) => OUTPUT_FORMATS.map((f): [string, string] => [`${name} --format ${f}`, renderTable(t, f)]));
    } finally {
      s.close();
    }
  };
  const fromBin = await texts(bin);
  for (const [what, text] of fromBin) assert.ok(text.split('\n').length > 3, `${what}: ${text}`);
  for (const other of [file, dataset]) {
    const theirs = await texts(other);
    fromBin.forEach(([what, text], i) => assert.equal(theirs[i]![1], text, `${what}: ${other} and the .bin`));
  }
  // the process table itself: forks, exec, exits, the comm an exec changed, lifetimes from the rows
  const rows = await procs(file);
  assert.deepEqual(rows.map((r) => [r.comm, r.status, r.origin, r.depth]), [['analysis', 'exit 5', 'exec', 0], ['analysis', 'exit 3', 'fork', 1], ['true', 'exit 0', 'fork', 1]]);
  for (const r of rows) assert.ok(r.lifetimeS! > 0 && r.lifetimeS! < 10, `${r.pid}: lifetime ${r.lifetimeS}`);
});

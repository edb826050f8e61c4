// --to perfetto, read back as Perfetto's trace processor imports it (perfetto-reader.ts:
// protobufjs against Perfetto's published field numbers; no trace processor is packaged for
// this machine). Every syscall row must be a slice (or, without its entry, an instant) on its
// thread's track with its name, time, duration and arguments — `call` the same text as
// callText of the row — and processes, threads, forks (with their flows), execs, exits,
// signals and lost records must be there. On the hand-built edge cases, a real recording
// (checked against the strace output of the same file too) and the samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errnoByName, openTrace, type TraceMeta } from '@vltrace/format';
import { convert } from '../src/index.js';
import { callText } from '../src/strace/call-text.js';
import { joinCalls, parseStraceLines } from '@vltrace/testkit';
import { edgeCases, expectedRows, tmpPath, writeTrace, type TextRow } from './helpers.js';
import { readPerfetto, type PerfettoTrace, type Slice } from './perfetto-reader.js';
import protobuf from 'protobufjs';
import { putFixed64, putVarint, putVarintWords, varintSize, varintWordsSize } from '../src/protobuf.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url)); // from dist/test/
const ADDON = join(ROOT, 'native/build/Release/vltrace.node');
const RECORDER = join(ROOT, 'packages/recorder/bin/vltrace-record.js');
const SAMPLES = join(ROOT, 'samples');
const SIX = [0, 1, 2, 3, 4, 5];
const RECORDER_TRACK = 'vltrace recorder';

async function toPerfetto(input: string, opts: { decodeFds?: boolean } = {}): Promise<PerfettoTrace> {
  const out = tmpPath(`${input.split('/').pop()}-${opts.decodeFds ? 'y' : 'n'}.pftrace`);
  await convert({ inputs: [input], to: 'perfetto', output: out, ...opts });
  return readPerfetto(out);
}

async function metaOf(file: string): Promise<TraceMeta> {
  const t = await openTrace(file);
  const meta = t.header.meta;
  await t.close();
  return meta;
}

/** The recording's monotonic ns of a row's wall-clock column. */
const mono = (meta: TraceMeta, wall: string) => BigInt(wall) - BigInt(meta.clock.realtimeNs) + BigInt(meta.clock.monotonicNs);

/** The text of a row as callText prints it. */
function textOf(r: TextRow): string {
  return callText({
    syscall: r['syscall']!, nr: Number(r['nr']), pid: Number(r['pid']), tid: Number(r['tid']),
    args: SIX.map((a) => r[`arg${a}`]), strs: SIX.map((a) => r[`str${a}`]), strFlags: Number(r['str_flags']),
    data: r['data'] === null || r['data'] === undefined ? null : Buffer.from(r['data'], 'hex'), ret: r['ret'], status: r['status'],
  });
}

const threadOf = (t: PerfettoTrace, s: Slice) => [...t.threads.values()].find((th) => th.uuid === s.track)?.thread?.tid;
const onThread = (t: PerfettoTrace, tid: number) => t.slices.filter((s) => s.track === t.threads.get(tid)?.uuid);

/**
 * Every row of the recording is in the trace as it should be; returns the syscall events
 * matched (slices and no-entry instants), by thread, in time order.
 */
function checkRows(t: PerfettoTrace, rows: readonly TextRow[], meta: TraceMeta): Map<number, Slice[]> {
  const byKey = new Map<string, Slice[]>();
  for (const s of t.slices) {
    if (s.args['call'] === undefined) continue;
    const k = `${threadOf(t, s)}/${s.ts}`;
    byKey.set(k, [...(byKey.get(k) ?? []), s]);
  }
  const calls = new Map<number, Slice[]>();
  let syscalls = 0;
  for (const r of rows) {
    const where = `${r['status']} ${r['syscall'] ?? r['signal']} of ${r['tid']} at ${r['ts_enter'] ?? r['ts_exit']}`;
    if (r['status'] === 'lost') {
      const lost = t.slices.filter((s) => s.name === 'lost records' && s.args['count'] === BigInt(r['lost']!) && s.args['cpu'] === BigInt(r['cpu']!));
      assert.equal(lost.length, 1, `${where}: one lost-records instant`);
      assert.equal(t.tracks.get(lost[0]!.track)?.name, RECORDER_TRACK);
      assert.equal(lost[0]!.args['first_ts'], mono(meta, r['ts_enter']!));
      continue;
    }
    if (r['status'] === 'signal' || r['status'] === 'ignored-signal') {
      const ts = mono(meta, r['ts_enter']!);
      const sig = onThread(t, Number(r['tid'])).filter((s) => s.instant && s.ts === ts && String(s.args['signal'] ?? '').includes(r['siginfo']!));
      assert.equal(sig.length, 1, `${where}: one signal instant on its thread`);
      assert.match(String(sig[0]!.args['signal']), /^--- SIG\w+ \{.*\} ---$/);
      assert.equal(sig[0]!.args['ignored'], r['status'] === 'ignored-signal' ? true : undefined);
      continue;
    }
    syscalls++;
    const noEntry = r['status'] === 'no-entry';
    const ts = mono(meta, noEntry ? r['ts_exit']! : r['ts_enter']!);
    const found = (byKey.get(`${r['tid']}/${ts}`) ?? []).filter((s) => s.name === r['syscall']);
    assert.equal(found.length, 1, `${where}: one event`);
    const s = found[0]!;
    assert.equal(s.args['call'], textOf(r), `${where}: the call's text`);
    if (r['status'] === 'complete') {
      assert.ok(!s.instant, `${where}: a slice`);
      assert.equal(s.dur, BigInt(r['duration_ns']!), `${where}: duration`);
      assert.equal(s.depth, 0, `${where}: syscalls do not nest`);
    } else if (noEntry) {
      assert.ok(s.instant, `${where}: an instant`);
      assert.equal(s.args['no_entry'], true);
    } else {
      assert.ok(!s.instant && s.dur >= 0n, `${where}: a slice to where the thread stopped`);
      assert.equal(s.args['unfinished'], true);
      assert.equal(s.args['ret'], undefined);
    }
    if (r['ret'] !== null) assert.equal(s.args['ret'], BigInt(r['ret']!), `${where}: ret`);
    assert.equal(s.args['errno'], r['errno_name'] ?? undefined, `${where}: errno`);
    const tid = Number(r['tid']);
    calls.set(tid, [...(calls.get(tid) ?? []), s]);
  }
  // nothing else carries a call
  assert.equal(t.slices.filter((s) => s.args['call'] !== undefined).length, syscalls, 'one event per syscall row');
  for (const list of calls.values()) list.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  return calls;
}

/** Process and thread tracks: one per pid and tid of the rows, named by their comm. */
function checkTracks(t: PerfettoTrace, rows: readonly TextRow[]): void {
  const calls = rows.filter((r) => r['syscall'] !== null);
  for (const pid of new Set(calls.map((r) => Number(r['pid'])))) {
    const p = t.processes.get(pid);
    assert.ok(p?.process, `process ${pid} has a track`);
    const main = calls.filter((r) => Number(r['tid']) === pid && r['comm'] !== null).at(-1);
    if (main) assert.equal(p.process.name, main['comm'], `process ${pid} is named by its main thread's last comm`);
  }
  for (const tid of new Set(calls.map((r) => Number(r['tid'])))) {
    const th = t.threads.get(tid);
    assert.ok(th?.thread, `thread ${tid} has a track`);
    const last = calls.filter((r) => Number(r['tid']) === tid && r['comm'] !== null).at(-1);
    if (last) assert.equal(th.thread.name, last['comm'], `thread ${tid} is named by its last comm`);
    assert.equal(t.tracks.get(th.parent!)?.process?.pid, th.thread.pid, `thread ${tid} sits under its process`);
  }
  assert.equal(t.processes.size, new Set([...t.threads.values()].map((th) => th.thread!.pid)).size, 'one process track per process');
}

/** Forks: an instant on the parent with a flow to the child's first event. */
function checkForks(t: PerfettoTrace): number {
  const forks = t.slices.filter((s) => s.name === 'fork' || s.name === 'new thread');
  for (const f of forks) {
    const child = Number(f.args['child_tid']);
    const flow = t.flows.find((x) => x.from === f);
    assert.ok(flow, `fork of ${child}: a flow`);
    assert.equal(threadOf(t, flow.to), child, `fork of ${child}: the flow ends on the child`);
    const first = onThread(t, child).reduce<Slice | undefined>((a, s) => (a === undefined || s.ts < a.ts ? s : a), undefined);
    assert.equal(flow.to, first, `fork of ${child}: at its first event`);
    assert.ok(flow.to.ts >= f.ts, 'the flow goes forward in time');
  }
  return forks.length;
}

test('protobuf: varints and fixed64 encode as protobufjs does', () => {
  const out = new Uint8Array(16);
  const values = [0n, 1n, 127n, 128n, 16383n, 16384n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, (1n << 53n) - 1n, 1n << 53n, (1n << 63n) - 1n, -1n, -2n, -4095n, -(1n << 63n)];
  for (const v of values) {
    const u = BigInt.asUintN(64, v);
    const lo = Number(u & 0xffffffffn);
    const hi = Number(u >> 32n);
    const want = protobuf.Writer.create().int64(v.toString()).finish();
    const end = putVarintWords(out, 0, lo, hi);
    assert.deepEqual([...out.subarray(0, end)], [...want], `varint of ${v}`);
    assert.equal(varintWordsSize(lo, hi), want.length, `size of ${v}`);
    if (v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
      assert.equal(putVarint(out, 0, Number(v)), want.length);
      assert.deepEqual([...out.subarray(0, want.length)], [...want], `varint of the number ${v}`);
      assert.equal(varintSize(Number(v)), want.length);
      const f = protobuf.Writer.create().fixed64(v.toString()).finish();
      assert.equal(putFixed64(out, 0, Number(v)), 8);
      assert.deepEqual([...out.subarray(0, 8)], [...f], `fixed64 of ${v}`);
    }
  }
});

test('perfetto: the edge cases, every row where it belongs (timestamps below and above 2^53)', async () => {
  for (const base of [1_000_000_000n, (1n << 53n) + 12345n]) {
    const file = writeTrace(`edge-${base}.bin`, edgeCases(base));
    const meta = await metaOf(file);
    const t = await toPerfetto(file);
    const rows = await expectedRows(file);
    checkRows(t, rows, meta);
    checkTracks(t, rows);
    assert.equal(checkForks(t), 1);
    assert.deepEqual(t.clocks, { primary: 3, monotonic: BigInt(meta.clock.monotonicNs), realtime: BigInt(meta.clock.realtimeNs) });
    assert.equal(t.processes.get(100)?.process?.name, 'app');
    assert.equal(t.threads.get(101)?.thread?.name, 'app-worker');
    // the worker's read never returned: its slice ends where the worker exited; exit_group
    // where the process did
    const read = onThread(t, 101).find((s) => s.name === 'read')!;
    assert.equal(read.ts + read.dur, base + 1500n);
    const exitGroup = onThread(t, 100).find((s) => s.name === 'exit_group')!;
    assert.equal(exitGroup.ts + exitGroup.dur, base + 1600n);
    assert.equal(exitGroup.args['call'], 'exit_group(0) = ?');
    const exits = t.slices.filter((s) => s.name === 'exit');
    assert.deepEqual(exits.map((s) => [threadOf(t, s), s.args['exit_status'], s.args['group_dead']]), [[101, 0n, false], [100, 0n, true]]);
    const end = t.slices.filter((s) => s.name === 'end of recording');
    assert.equal(end.length, 1);
    assert.equal(end[0]!.args['events'], 21n);
    assert.equal(t.tracks.get(end[0]!.track)?.name, RECORDER_TRACK);
    // the failed openat, by errno name
    assert.ok(t.slices.some((s) => s.name === 'openat' && s.args['errno'] === 'ENOENT' && s.args['ret'] === -BigInt(errnoByName('ENOENT')!)));
  }
});

test('perfetto: the samples', async () => {
  const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.bin'));
  assert.ok(samples.length >= 3, 'samples/*.bin are there');
  for (const f of samples) {
    const file = join(SAMPLES, f);
    const t = await toPerfetto(file);
    const rows = await expectedRows(file);
    checkRows(t, rows, await metaOf(file));
    checkTracks(t, rows);
    checkForks(t);
    // -y: the same events, descriptors with their files
    const y = await toPerfetto(file, { decodeFds: true });
    assert.equal(y.slices.length, t.slices.length, `${f} -y: the same events`);
    if (f === 'sh-fork.bin' || f === 'ls.bin') assert.ok(y.slices.some((s) => /\(\d+<\//.test(String(s.args['call']))), `${f} -y: a descriptor with its path`);
  }
});

test('perfetto: a real recording (fork, exec, a thread, a failure, a signal), against its strace output', async (t) => {
  assert.ok(existsSync(ADDON), `the native recorder is built (${ADDON}); run bash scripts/setup`);
  assert.equal(process.getuid?.(), 0, 'recording with eBPF needs root');
  const bin = tmpPath('real.bin');
  const script = [
    'cat /nonexistent-vlt-perfetto 2>/dev/null',
    'ls / >/dev/null',
    'python3 -c "import threading; t = threading.Thread(target=print); t.start(); t.join()" >/dev/null',
    'sh -c "kill -USR1 \\$\\$"',
    'exit 0',
  ].join('; ');
  const rec = spawnSync(process.execPath, [RECORDER, '-f', '-o', bin, '--', 'sh', '-c', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(rec.status, 0, `vltrace-record: ${rec.stderr}`);
  const meta = await metaOf(bin);
  const trace = await toPerfetto(bin);
  const rows = await expectedRows(bin);
  const calls = checkRows(trace, rows, meta);
  checkTracks(trace, rows);
  const forks = checkForks(trace);
  assert.ok(forks >= 5, `forks of cat, ls, python3, its thread and sh (${forks})`);
  assert.ok(trace.slices.some((s) => s.name === 'new thread' && s.args['thread'] === true), 'the python thread');
  assert.ok(trace.slices.some((s) => s.name === 'openat' && s.args['errno'] === 'ENOENT' && String(s.args['call']).includes('/nonexistent-vlt-perfetto')), 'the failed open');
  const execs = trace.slices.filter((s) => s.name === 'exec').map((s) => String(s.args['filename']));
  for (const prog of ['/cat', '/ls', '/python3']) assert.ok(execs.some((f) => f.endsWith(prog)), `exec of ${prog} (${execs.join(', ')})`);
  assert.ok(trace.slices.some((s) => s.name === 'exit' && s.args['killed_by'] === 'SIGUSR1'), 'sh killed by SIGUSR1');
  assert.ok(trace.slices.some((s) => s.name === 'SIGCHLD' && String(s.args['signal']).includes('CLD_KILLED')), 'its SIGCHLD to the parent');

  // the strace output of the same recording: the same calls in the same order per thread (it
  // leaves out a fork child's return, a no-entry row), the same signals
  const strace = tmpPath('real.strace');
  await convert({ inputs: [bin], to: 'strace', output: strace, followForks: true });
  const lines = parseStraceLines(readFileSync(strace, 'utf8'));
  let compared = 0;
  for (const [tid, ls] of lines) {
    const joined = joinCalls(ls);
    const mine = (calls.get(tid) ?? []).filter((s) => !(s.args['no_entry'] === true && s.args['ret'] === 0n && /^(clone3?|v?fork)$/.test(s.name)));
    assert.deepEqual(mine.map((s) => s.name), joined.map((c) => c.name), `thread ${tid}: the calls strace prints`);
    // a whole line is the call's text, but for strace's alignment of the result
    for (const l of ls.filter((x) => x.kind === 'call')) {
      assert.ok(mine.some((s) => String(s.args['call']).replace(/\s+= /, ' = ') === l.text.replace(/\s+= /, ' = ')), `thread ${tid}: ${l.text}`);
      compared++;
    }
    const sigs = ls.filter((x) => x.kind === 'signal').map((x) => x.name);
    assert.deepEqual(onThread(trace, tid).filter((s) => /^SIG/.test(s.name)).map((s) => s.name), sigs, `thread ${tid}: signals`);
  }
  t.diagnostic(`${rows.length} rows, ${trace.slices.length} slices and instants, ${compared} strace lines compared, ${forks} forks, ${statSync(bin).size} bytes recorded`);
  assert.ok(compared > 100, `calls compared with strace (${compared})`);
});

test('perfetto: a recording cut short (the recorder killed): the rows of its whole packets', async () => {
  const sample = join(SAMPLES, 'sh-fork.bin');
  const whole = readFileSync(sample);
  const t0 = await openTrace(sample);
  const head = t0.header.size;
  await t0.close();
  for (const keep of [0.9, 0.5, 0.25]) {
    const file = tmpPath(`cut-${keep}.bin`);
    // cut inside the packets, wherever that falls
    writeFileSync(file, whole.subarray(0, head + Math.floor((whole.length - head) * keep) + 3));
    const t = await toPerfetto(file);
    const rows = await expectedRows(file);
    assert.ok(rows.length > 0);
    checkRows(t, rows, await metaOf(file));
    checkTracks(t, rows);
  }
});

test('perfetto: written beside the input by default (run.bin → run.pftrace)', async () => {
  const file = writeTrace('run.bin', edgeCases());
  const res = await convert({ inputs: [file], to: 'perfetto' });
  assert.equal(res.output, file.replace(/\.bin$/, '.pftrace'));
  assert.ok(readPerfetto(res.output!).slices.length > 0);
});

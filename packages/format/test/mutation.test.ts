// More than 10,000 corrupted copies of valid recordings (a synthetic one and a real one):
// header prefix fields, section kinds and lengths, META and SYSCALLS JSON edits, packet fields,
// random bytes, cuts. Through the reader API, each must read or fail with a FormatError (never
// a TypeError, RangeError, hang or unbounded allocation), and every syscall whose packets come
// before the first corrupted byte must still be delivered. A sample goes through both CLIs.
// The header shapes that once threw TypeErrors or allocated without bound are kept as
// regression cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PacketWriter } from '../src/encode.js';
import { openTrace } from '../src/reader.js';
import { FormatError } from '../src/errors.js';
import { CHUNK_FLAGS, PT, SECTION_KINDS } from '../src/layout.js';
import { SyscallStatus, type SyscallBatch } from '../src/batch.js';
import { batchSyscalls, syscallNameSpan } from '../src/syscall.js';
import { toWallClockNs } from '../src/header.js';
import { enc, image, tmpFile } from './helpers.js';
import { bodyMutants, FileModel, headerMutants, metaMutants, packetMutants, syscallsMutants, type Mutant } from './mutants.js';

/** V8's collector, to measure what stays allocated (exposed at run time: no flag needed on the command line) */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** memory that survives a collection: the JS heap and ArrayBuffers (typed arrays) */
const retained = () => {
  gc();
  gc(); // a second pass frees what the first only finalized (weak references, external memory)
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

const HERE = dirname(fileURLToPath(import.meta.url));
const SAMPLES = join(HERE, '../../../../samples');
const CONVERT = join(HERE, '../../../convert/bin/vltrace-convert.js');
const QUERY = join(HERE, '../../../query/bin/vltrace-query.js');

/** A small recording with every packet kind: strings, continuations, fork, exec, lost, exits, inherited descriptors, trailer. */
function sample(): Uint8Array {
  const w = new PacketWriter();
  w.procInfo({ pid: 10, tid: 10, ts: 1n, ppid: 1, comm: 'sh', exe: '/bin/sh' });
  w.fdInfo({ pid: 10, ts: 1n, fd: 1, path: '/dev/null', ino: 6n, mode: 0o20666 });
  for (let i = 0; i < 20; i++) {
    const ts = BigInt(100 + i * 50);
    w.entry({ pid: 10, tid: 10 + (i % 3), ts, nr: 257, args: [-100n, 1n, 0n, 0n], chunks: [{ arg: 1, bytes: enc(`/etc/file-${i}`), flags: i % 4 === 0 ? CHUNK_FLAGS.MORE.bit : 0 }], more: i % 4 === 0 });
    if (i % 4 === 0) w.cont({ pid: 10, tid: 10 + (i % 3), ts, nr: 257, chunks: [{ arg: 1, bytes: enc('-more'), flags: CHUNK_FLAGS.CONT.bit }] });
    w.exit({ pid: 10, tid: 10 + (i % 3), ts: ts + 7n, nr: 257, ret: i % 2 ? -2n : 3n });
    if (i === 5) w.entry({ pid: 10, tid: 10, ts: ts + 1n, nr: 9, args: [0n, 4096n, 3n, 0x22n, -1n, 0n] });
    if (i === 7) w.fork({ pid: 10, tid: 10, ts: ts + 8n, childPid: 11, childTid: 11, comm: 'sh' });
    if (i === 9) w.exec({ pid: 11, tid: 11, ts: ts + 9n, comm: 'ls', filename: '/usr/bin/ls' });
    if (i === 11) w.lost({ ts: ts + 10n, cpu: 1, count: 3n, firstTs: ts, lastTs: ts + 9n });
  }
  w.exit({ pid: 10, tid: 20, ts: 4000n, nr: 0, ret: 5n }); // a no-entry row
  w.procExit({ pid: 11, tid: 11, ts: 5000n, exitCode: 0, comm: 'ls' });
  w.trailer({ ts: 6000n, events: 70n, written: 67n, lost: 3n, lostPerCpu: [0n, 3n] });
  return image(w, [[257, 'openat', 4], [9, 'mmap', 6], [0, 'read', 3]]);
}

/** What row i's entry says (its pid, tid, number, time and arguments). */
function entryKey(b: SyscallBatch, i: number): string {
  let k = `e ${b.pid[i]} ${b.tid[i]} ${b.nr[i]} ${b.tsEnter[i]}`;
  for (let a = 0; a < b.nargs[i]!; a++) k += ` ${b.args[a]![i]}`;
  return k;
}

/** What row i's exit says (a no-entry row's key: a later entry may still complete it). */
const exitKey = (b: SyscallBatch, i: number) => `x ${b.pid[i]} ${b.tid[i]} ${b.nr[i]} ${b.tsExit[i]}`;

function rowKeys(b: SyscallBatch, into: Set<string>): void {
  for (let i = 0; i < b.length; i++) {
    const st = b.status[i]!;
    if (st !== SyscallStatus.NO_ENTRY) into.add(entryKey(b, i));
    if (st !== SyscallStatus.UNFINISHED) into.add(exitKey(b, i));
  }
}

interface Outcome {
  keys: Set<string>;
  error?: unknown;
}

/** Reads a file image to its end (or its error), using what consumers use of the header. */
async function readEverything(bytes: Uint8Array, keys = false): Promise<Outcome> {
  const out: Outcome = { keys: new Set() };
  try {
    const t = await openTrace((async function* () { yield bytes; })(), { name: 'mutant', readSize: 65536, batchRows: 256 });
    syscallNameSpan(t.header);
    toWallClockNs(t.header.meta, 1n);
    for await (const it of t.items()) {
      if (it.type !== 'syscalls') continue;
      if (keys) rowKeys(it.batch, out.keys);
      for (const s of batchSyscalls(it.batch, t.header)) if (s.name === '') throw new Error('a syscall without a name');
    }
  } catch (e) {
    out.error = e;
  }
  return out;
}

/** The good file's rows, each with the offset of the packet it starts with (entry, or exit for a no-entry row). */
async function rowsByStart(m: FileModel): Promise<{ key: string; start: number }[]> {
  // the packets by time: each row's entry (or exit) packet is found by its timestamp
  const t = await openTrace((async function* () { yield m.bytes; })(), { name: 'good' });
  const rows: { key: string; start: number }[] = [];
  const byTs = new Map<string, number>();
  const dv = new DataView(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength);
  for (const p of m.packets) byTs.set(`${p.type} ${dv.getUint32(p.offset + 8, true)} ${dv.getBigUint64(p.offset + 16, true)}`, p.offset);
  for await (const b of t.batches()) {
    for (let i = 0; i < b.length; i++) {
      const entry = b.status[i] !== SyscallStatus.NO_ENTRY;
      const start = byTs.get(`${entry ? PT.ENTRY : PT.EXIT} ${b.tid[i]} ${entry ? b.tsEnter[i] : b.tsExit[i]}`);
      assert.ok(start !== undefined, `row ${i}: its packet`);
      rows.push({ key: entry ? entryKey(b, i) : exitKey(b, i), start });
    }
  }
  assert.deepEqual(t.warnings, []);
  return rows;
}

function checkOutcome(mut: Mutant, m: FileModel, rows: readonly { key: string; start: number }[], r: Outcome): 'ok' | 'error' {
  if (r.error !== undefined) {
    const e = r.error;
    if (!(e instanceof FormatError)) assert.fail(`${mut.name}: threw ${(e as Error)?.stack ?? String(e)}`);
    assert.match(e.message, /^mutant: offset \d+: expected [^\n]+$/, mut.name);
  }
  if (mut.firstBad >= m.headerSize) {
    // the packets before the corrupted one decode as in the good file: their rows are delivered
    const bad = m.packetAt(mut.firstBad)!.offset;
    if (r.error instanceof FormatError) assert.ok(r.error.offset >= bad, `${mut.name}: error at ${r.error.offset}, before the corrupted packet at ${bad}`);
    for (const row of rows) if (row.start < bad) assert.ok(r.keys.has(row.key), `${mut.name}: the row ${row.key} (packet at ${row.start}) was delivered`);
  }
  return r.error === undefined ? 'ok' : 'error';
}

test('more than 10,000 corrupted files: FormatErrors only, never a hang or a big allocation, rows before the damage delivered', { timeout: 300_000 }, async (t) => {
  const bases = [
    { label: 'synthetic', m: new FileModel(sample()), n: { header: 400, meta: 600, syscalls: 400, packets: 4000, body: 2500 } },
    { label: 'sh-fork.bin', m: new FileModel(readFileSync(join(SAMPLES, 'sh-fork.bin'))), n: { header: 200, meta: 300, syscalls: 200, packets: 1200, body: 500 } },
  ];
  const counts: Record<string, { ok: number; error: number }> = {};
  let total = 0;
  const rssBefore = process.memoryUsage().rss;
  let rssMax = rssBefore;
  // measured once the first mutants are read: what the readers load and keep for good on
  // first use (modules, tables) is not growth; growth per mutant would show over ~10,000 of them
  let kept = -1;
  for (const [k, { label, m, n }] of bases.entries()) {
    const good = await readEverything(m.bytes, true);
    assert.equal(good.error, undefined, label);
    const rows = await rowsByStart(m);
    const kinds = {
      header: headerMutants(m, 100 + k, n.header),
      meta: metaMutants(m, 200 + k, n.meta),
      syscalls: syscallsMutants(m, 300 + k, n.syscalls),
      packets: packetMutants(m, 400 + k, n.packets),
      body: bodyMutants(m, 500 + k, n.body),
    };
    for (const [kind, gen] of Object.entries(kinds)) {
      const c = (counts[`${label} ${kind}`] = { ok: 0, error: 0 });
      for (const mut of gen) {
        const r = await readEverything(mut.bytes, mut.firstBad >= 0);
        c[checkOutcome(mut, m, rows, r)]++;
        total++;
        if (total === 256) kept = retained();
        if ((total & 63) === 0) rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }
    }
  }
  const keptAfter = retained();
  t.diagnostic(`${total} mutants, RSS +${(rssMax - rssBefore) >> 20} MiB at most, +${(keptAfter - kept) >> 20} MiB retained: ${JSON.stringify(counts)}`);
  assert.ok(total >= 10_000, `${total} mutants`);
  // every kind both reads and fails; the header's JSON edits mostly fail
  for (const [kind, c] of Object.entries(counts)) {
    assert.ok(c.error > 0, `${kind}: some fail (${JSON.stringify(c)})`);
    if (!kind.endsWith('header') && !kind.endsWith('meta') && !kind.endsWith('syscalls')) assert.ok(c.ok > 0, `${kind}: some read (${JSON.stringify(c)})`);
  }
  // no mutant made the reader allocate from a corrupted size field (a size of up to 4 GiB would
  // show in the peak, garbage aside), and nothing accumulated
  assert.ok(rssMax - rssBefore < 512 << 20, `memory stayed bounded (+${(rssMax - rssBefore) >> 20} MiB)`);
  assert.ok(keptAfter - kept < 32 << 20, `nothing kept (+${(keptAfter - kept) >> 20} MiB)`);
});

/**
 * Header edits that once reached consumers as a TypeError, RangeError or SyntaxError (the clock
 * in BigInt(), argv.join in the text sink, the hostname in vltrace-query's SQL) or as an
 * unbounded allocation (a dense syscall-name dictionary up to a huge number), and the
 * FormatError each is now, when the header is parsed.
 */
const REGRESSIONS: readonly [name: string, edit: { meta?: (m: Record<string, unknown>) => unknown; syscalls?: (t: unknown[][]) => unknown }, message: RegExp][] = [
  ['META without clock', { meta: ({ clock: _c, ...m }) => m }, /recording metadata whose clock is an object of monotonicNs, realtimeNs, found nothing \(the key is missing\)/],
  ['clock not an object', { meta: (m) => ({ ...m, clock: 0 }) }, /whose clock is an object of monotonicNs, realtimeNs, found 0$/],
  ['clock.monotonicNs null', { meta: (m) => ({ ...m, clock: { monotonicNs: null, realtimeNs: '1' } }) }, /whose clock\.monotonicNs is a decimal string of nanoseconds .*, found null$/],
  ['clock.realtimeNs a fraction', { meta: (m) => ({ ...m, clock: { monotonicNs: '1', realtimeNs: 1.5 } }) }, /whose clock\.realtimeNs is a decimal string .*, found 1\.5$/],
  ['clock.monotonicNs not decimal', { meta: (m) => ({ ...m, clock: { monotonicNs: '1e3', realtimeNs: '1' } }) }, /whose clock\.monotonicNs is a decimal string .*, found "1e3"$/],
  ['argv missing', { meta: ({ argv: _a, ...m }) => m }, /whose argv is an array of strings, found nothing/],
  ['argv not an array', { meta: (m) => ({ ...m, argv: 'ls' }) }, /whose argv is an array of strings, found "ls"$/],
  ['hostname not a string', { meta: (m) => ({ ...m, hostname: 7 }) }, /whose hostname is a string, found 7$/],
  ['META not an object', { meta: () => [1, 2] }, /expected recording metadata as a JSON object, found \[1,2\]$/],
  ['a syscall number of 1e9', { syscalls: (t) => [[1e9, 'huge', 1], ...t] }, /the syscall table's row 0 as \[nr 0\.\.65535, name \(an identifier\), nargs 0\.\.6\], found \[1000000000,"huge",1\]$/],
  ['200,000 syscall rows', { syscalls: () => Array.from({ length: 200_000 }, (_, i) => [i % 1000, `s${i}`, 1]) }, /the syscall table's row 1000 with a number not given before/],
];

function regressionFile(m: FileModel, edit: (typeof REGRESSIONS)[number][1]): Uint8Array {
  const parse = (kind: number) => JSON.parse(new TextDecoder().decode(m.section(kind))) as unknown;
  const meta = edit.meta && new TextEncoder().encode(JSON.stringify(edit.meta(parse(SECTION_KINDS.META.code) as Record<string, unknown>)));
  const syscalls = edit.syscalls && new TextEncoder().encode(JSON.stringify(edit.syscalls(parse(SECTION_KINDS.SYSCALLS.code) as unknown[][])));
  return m.withJson(meta, syscalls);
}

test('header shapes that once threw TypeErrors or allocated without bound: a FormatError naming the field', async () => {
  const m = new FileModel(readFileSync(join(SAMPLES, 'sh-fork.bin')));
  const metaAt = m.sections.find((s) => s.kind === SECTION_KINDS.META.code)!.offset + 8;
  const tableAt = m.sections.find((s) => s.kind === SECTION_KINDS.SYSCALLS.code)!.offset + 8;
  for (const [name, edit, message] of REGRESSIONS) {
    const r = await readEverything(regressionFile(m, edit));
    assert.ok(r.error instanceof FormatError, `${name}: ${String(r.error)}`);
    assert.match(r.error.message, message, name);
    assert.equal(r.error.offset, edit.meta ? metaAt : tableAt, name);
  }
});

/** Runs a CLI; returns its exit status and stderr. */
function cli(bin: string, args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr };
}

test('a sample through vltrace-convert and vltrace-query: exit 0 or 2 with one clear line, never an internal error', { timeout: 300_000 }, async () => {
  const real = new FileModel(readFileSync(join(SAMPLES, 'sh-fork.bin')));
  const synth = new FileModel(sample());
  const pick = <T>(g: Generator<T>, every: number, n: number): T[] => [...g].filter((_, i) => i % every === 0).slice(0, n);
  const mutants: Mutant[] = [
    ...REGRESSIONS.slice(0, 9).map(([name, edit]) => ({ name, bytes: regressionFile(real, edit), firstBad: -1 })),
    ...pick(headerMutants(synth, 7, 0), 37, 3),
    ...pick(packetMutants(synth, 8, 400), 50, 4),
    ...pick(bodyMutants(real, 9, 60), 10, 3),
  ];
  const cacheDir = mkdtempSync(join(tmpdir(), 'vlt-mutation-cache-'));
  const formats = ['text', 'strace', 'csv', 'jsonl', 'hex'];
  for (const [i, mut] of mutants.entries()) {
    const file = tmpFile(`cli-mutant-${i}.bin`, mut.bytes);
    const { error } = await readEverything(mut.bytes);
    const to = formats[i % formats.length]!;
    const c = cli(CONVERT, [file, '--to', to, '-o', tmpFile(`cli-mutant-${i}.${to}`, new Uint8Array(0)), ...(to === 'strace' ? ['-tt', '-T'] : [])]);
    assert.equal(c.code, error ? 2 : 0, `${mut.name} (${to}): ${c.stderr}`);
    assert.doesNotMatch(c.stderr, /internal error|\n\s+at /, mut.name);
    if (error) assert.match(c.stderr.split('\n')[0]!, new RegExp(`^vltrace-convert: ${file}: offset \\d+: expected `), mut.name);
    // vltrace-query converts with DuckDB: a sample of the sample
    if (i % 3 === 0) {
      const q = cli(QUERY, ['summary', file, '--cache-dir', cacheDir]);
      assert.equal(q.code, error ? 2 : 0, `${mut.name} (query): ${q.stderr}`);
      assert.doesNotMatch(q.stderr, /internal error|\n\s+at /, mut.name);
      if (error) assert.match(q.stderr, new RegExp(`^vltrace-query: ${file}: .*offset \\d+: expected `), mut.name);
    }
  }
});

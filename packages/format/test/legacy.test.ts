// vltrace 0.1.0 bin logs (legacy/v01.ts), read through openTrace on files built by legacy-synth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { openTrace } from '../src/reader.js';
import { FormatError } from '../src/errors.js';
import { LegacyDecoder, legacyPreambleParser, parseLegacyPreamble, LEGACY_MAGIC } from '../src/legacy/v01.js';
import { Reassembler } from '../src/reassemble.js';
import { newStats, type TraceItem } from '../src/events.js';
import { batchSyscalls, type Syscall } from '../src/syscall.js';
import {
  LegacyWriter, NR, PREAMBLE_FIXED, TABLE, bytesOf, info, legacyPreamble, suiteString, type LegacyCall, type Mode,
} from './legacy-synth.js';
import { readAll, tmpFile } from './helpers.js';

const PID = 0x152a;
const TID = 0x152a;
const PTR = 0x7ffc_8e2d_1000n;
const ENOENT = -2n;

let seq = 0;
async function read(w: LegacyWriter | Uint8Array) {
  const bytes = w instanceof LegacyWriter ? w.bytes() : w;
  const trace = await openTrace(tmpFile(`legacy-${seq++}.bin`, bytes));
  const calls: Syscall[] = [];
  for await (const s of trace.syscalls()) calls.push(s);
  return { calls, trace };
}

/** A clock: every call gets later timestamps. */
let clock = 1_000_000_000n;
const tick = () => (clock += 1000n);

function call(nr: number, args: bigint[], strings: Record<number, string | { s: string; readable?: number }> = {}, tid = TID): LegacyCall {
  const mem: Record<number, { s: string; readable?: number }> = {};
  for (const [k, v] of Object.entries(strings)) mem[Number(k)] = typeof v === 'string' ? { s: v } : v;
  return { pid: PID, tid, nr, ts: tick(), args, strings: mem };
}

/** Entry (in `mode`) then its exit. */
function sc(w: LegacyWriter, mode: Mode, c: LegacyCall, ret: bigint, n = 2): LegacyWriter {
  w.call(mode, c, n);
  return w.exit(c.pid, c.tid, c.nr, tick(), ret);
}

test('worked example of §2.4: cwd /tmp, argv "vltrace -l bin -o x.bin ls" → first packet at 80096', async () => {
  const w = new LegacyWriter({ cwd: '/tmp', argv: ['vltrace', '-l', 'bin', '-o', 'x.bin', 'ls'] });
  assert.equal(w.preambleSize, 80096);
  const bytes = w.bytes();
  const dv = new DataView(bytes.buffer);
  assert.equal(dv.getUint32(80052, true), 5); // cwd_len
  assert.equal(dv.getUint32(80061, true), 31); // hdr_size, unaligned
  assert.equal(dv.getUint32(80065, true), 6); // argc
  const t = await openTrace(tmpFile('worked.bin', bytes));
  const h = t.header;
  assert.equal(h.format, 'legacy-0.1');
  assert.deepEqual(h.version, { major: 0, minor: 1 });
  assert.equal(h.size, 80096);
  assert.equal(h.traceH, '');
  assert.equal(h.meta.arch, 'x86_64');
  assert.equal(h.meta.cwd, '/tmp');
  assert.deepEqual(h.meta.argv, ['vltrace', '-l', 'bin', '-o', 'x.bin', 'ls']);
  assert.deepEqual(h.meta.command, ['ls']);
  assert.deepEqual(h.meta.pids, []);
  assert.equal(h.meta.systemWide, false);
  assert.equal(h.meta.followForks, false);
  assert.deepEqual(h.meta.strings, { mode: 'fast', length: 0, max: 382 });
  assert.deepEqual(h.meta['legacy'], { version: '0.1.0', patch: 0, bufSize: 384, argc: 6, tableRecords: 1000 });
  // the embedded table: names without SyS_/sys_, only available slots, [nr, name, nargs]
  const rows = new Map(h.syscalls.map(([nr, name, nargs]) => [nr, [name, nargs]]));
  assert.deepEqual(rows.get(2), ['open', 3]);
  assert.deepEqual(rows.get(257), ['openat', 4]);
  assert.deepEqual(rows.get(165), ['mount', 5]);
  assert.deepEqual(rows.get(39), ['getpid', 0]); // written as sys_getpid
  assert.deepEqual(rows.get(701), ['vlt_pseudo_701', 2]);
  assert.equal(rows.has(191), false); // defined but unavailable: empty name
  assert.equal(h.syscalls.length, TABLE.length - 1);
  await readAll(t);
  assert.equal(t.stats.packets, 0);
  assert.deepEqual(t.warnings, []);
});

test('meta from vltrace options: -f -s 1531 -p, --expr, --failed', async () => {
  const argv = ['./vltrace', '-t', '-r', '-f', '-l', 'bin', '-s', '1531', '--expr=kp-file', '--failed', '-o', 'out.log', '-p', '4321'];
  const t = await openTrace(tmpFile('argv.bin', legacyPreamble({ argv, cwd: '/home/u/build/test' })));
  const m = t.header.meta;
  assert.equal(m.cwd, '/home/u/build/test');
  assert.deepEqual(m.argv, argv);
  assert.equal(m.followForks, true);
  assert.equal(m.failedOnly, true);
  assert.equal(m.expr, 'kp-file');
  assert.deepEqual(m.pids, [4321]);
  assert.equal(m.command, null);
  assert.equal(m.systemWide, false);
  // const or full is not recorded (it depended on the kernel); N = 4 → 4·383−1
  assert.deepEqual(m.strings, { mode: 'full', length: 1531, max: 1531 });
  await t.close();
  const t2 = await openTrace(tmpFile('argv2.bin', legacyPreamble({ argv: ['vltrace', '-s382', 'cat', '-s', 'x'] })));
  assert.deepEqual(t2.header.meta.strings, { mode: 'packet', length: 382, max: 382 });
  assert.deepEqual(t2.header.meta.command, ['cat', '-s', 'x']);
  await t2.close();
});

test('preamble parsed with binary-parser agrees with plain DataView reads', () => {
  const bytes = legacyPreamble({ cwd: '/tmp', argv: ['vltrace', '-l', 'bin', '-o', 'x.bin', 'ls'] });
  const raw = legacyPreambleParser.parse(bytes) as {
    tab: { tab_magic: string; major: number; minor: number; patch: number; arch: number; record_size: number; count: number };
    table: { num: number; num_str: string; syscall_name: string; args_qty: number; mask: number; available: number; nstrings: number; positions: string }[];
    log: { log_magic: string; buf_size: number; cwd_len: number };
    cwd: string;
    args: { hdr_size: number; argc: number };
    argv: Uint8Array;
  };
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(raw.tab.tab_magic, LEGACY_MAGIC);
  assert.equal(raw.tab.count, dv.getUint32(32, true));
  assert.equal(raw.table.length, 1000);
  const openat = raw.table[257]!;
  const rec = 36 + 257 * 80;
  assert.equal(openat.syscall_name, 'SyS_openat');
  assert.equal(openat.num, dv.getUint32(rec, true));
  assert.equal(openat.num_str, '257');
  assert.equal(openat.args_qty, dv.getUint32(rec + 52, true));
  assert.equal(openat.args_qty, 4);
  assert.equal(openat.mask, dv.getUint32(rec + 56, true));
  assert.equal(openat.nstrings, 1);
  assert.equal(openat.positions, '1');
  assert.equal(raw.table[1]!.num, 1000); // empty slot
  assert.equal(raw.table[1]!.num_str, 'NA');
  assert.equal(raw.log.log_magic, 'VLTRACE_LOG\0');
  assert.equal(raw.log.buf_size, dv.getUint32(PREAMBLE_FIXED + 12, true));
  assert.equal(raw.cwd, '/tmp');
  assert.equal(raw.args.hdr_size, dv.getUint32(80061, true));
  assert.equal(raw.args.argc, 6);
  assert.equal(raw.argv.length, 27);
  const p = parseLegacyPreamble('x', bytes);
  assert.equal(p.size, 80096);
  assert.deepEqual(p.argv, ['vltrace', '-l', 'bin', '-o', 'x.bin', 'ls']);
  assert.deepEqual(p.version, { major: 0, minor: 1, patch: 0 });
});

test('basic syscalls: names from the embedded table, args cut to args_qty, ret, errno, pid/tid', async () => {
  const w = new LegacyWriter();
  const tid2 = TID + 1;
  sc(w, 'fast', call(NR['open']!, [PTR, 0n, 0x1b6n, 0xdeadn, 0xbeefn, 0xcafen], { 0: '/etc/fstab' }), 3n);
  sc(w, 'fast', call(NR['read']!, [3n, PTR + 64n, 0x100n, 7n, 7n, 7n]), 0x100n);
  sc(w, 'fast', call(NR['close']!, [0x12345678n, 1n, 2n, 3n, 4n, 5n]), -9n);
  sc(w, 'fast', call(NR['getpid']!, [9n, 9n, 9n, 9n, 9n, 9n], {}, tid2), BigInt(PID));
  sc(w, 'fast', call(NR['vlt_pseudo_701']!, [0xffn, PTR], { 1: 'pseudo' }), ENOENT);
  // a syscall the table does not know: all six args
  sc(w, 'fast', call(999, [1n, 2n, 3n, 4n, 5n, -1n]), 0n);
  // a kretprobe (type 1) exit, as written in kp-* modes
  const c = call(NR['close']!, [0x87654321n]);
  w.call('fast', c).exit(PID, TID, NR['close']!, tick(), 0n, 1);
  const { calls, trace } = await read(w);
  assert.equal(trace.stats.packets, 14);
  assert.deepEqual(calls.map((s) => s.name), ['open', 'read', 'close', 'getpid', 'vlt_pseudo_701', calls[5]!.name, 'close']);
  assert.ok(calls.every((s) => s.status === 'complete'));
  const [open, rd, close, getpid, pseudo, unknown, close2] = calls as [Syscall, Syscall, Syscall, Syscall, Syscall, Syscall, Syscall];
  assert.deepEqual(open.args, [PTR, 0n, 0x1b6n]);
  assert.equal(open.strings[0], '/etc/fstab');
  assert.equal(open.truncated[0], false);
  assert.equal(open.strings[1], undefined);
  assert.equal(open.ret, 3n);
  assert.equal(open.pid, PID);
  assert.equal(open.tid, TID);
  assert.equal(open.tsExit! - open.tsEnter!, 1000n);
  assert.deepEqual(rd.args, [3n, PTR + 64n, 0x100n]);
  assert.equal(rd.strings[1], undefined);
  assert.deepEqual(close.args, [0x12345678n]);
  assert.equal(close.errno, 9);
  assert.deepEqual(getpid.args, []);
  assert.equal(getpid.tid, tid2);
  assert.deepEqual(pseudo.args, [0xffn, PTR]);
  assert.equal(pseudo.strings[1], 'pseudo');
  assert.equal(pseudo.errno, 2);
  assert.equal(unknown.nr, 999);
  assert.deepEqual(unknown.args, [1n, 2n, 3n, 4n, 5n, -1n]);
  assert.deepEqual(close2.args, [0x87654321n]);
  assert.equal(close2.ret, 0n);
  assert.equal(trace.stats.complete, 7);
  assert.deepEqual(trace.warnings, []);
});

test('fast mode truncation: 1 string 382/383, 2 strings 190/191, 3 strings 126/127; bytes after the NUL ignored', async () => {
  const w = new LegacyWriter();
  const x = (n: number, ch = 'a') => ch.repeat(n);
  sc(w, 'fast', call(NR['open']!, [PTR, 0n, 0n], { 0: x(382) }), 3n);
  sc(w, 'fast', call(NR['open']!, [PTR, 0n, 0n], { 0: x(383) }), 3n);
  sc(w, 'fast', call(NR['open']!, [PTR, 0n, 0n], { 0: x(500) }), 3n);
  sc(w, 'fast', call(NR['rename']!, [PTR, PTR + 1n], { 0: x(190), 1: x(191, 'b') }), ENOENT);
  sc(w, 'fast', call(NR['mount']!, [PTR, PTR + 1n, PTR + 2n, 0x101n, 0x102n], { 0: x(126), 1: x(127, 'b'), 2: 'ext3' }), ENOENT);
  // 1+3 (symlinkat: strings at 0 and 2 use the 2-slot layout), and an empty string
  sc(w, 'fast', call(NR['symlinkat']!, [PTR, 0x102n, PTR + 2n], { 0: '', 2: x(190, 'c') }), ENOENT);
  const { calls, trace } = await read(w);
  const [o382, o383, o500, ren, mnt, sym] = calls as [Syscall, Syscall, Syscall, Syscall, Syscall, Syscall];
  assert.equal(o382.strings[0], x(382));
  assert.equal(o382.truncated[0], false);
  // 383 non-NUL bytes fill the slot: reported truncated even for a string of exactly 383 chars
  assert.equal(o383.strings[0], x(383));
  assert.equal(o383.truncated[0], true);
  assert.equal(o500.strings[0], x(383));
  assert.equal(o500.truncated[0], true);
  assert.deepEqual([ren.strings[0], ren.truncated[0]], [x(190), false]);
  assert.deepEqual([ren.strings[1], ren.truncated[1]], [x(191, 'b'), true]);
  assert.deepEqual([mnt.strings[0], mnt.truncated[0]], [x(126), false]);
  assert.deepEqual([mnt.strings[1], mnt.truncated[1]], [x(127, 'b'), true]);
  assert.deepEqual([mnt.strings[2], mnt.truncated[2]], ['ext3', false]);
  assert.deepEqual(mnt.args, [PTR, PTR + 1n, PTR + 2n, 0x101n, 0x102n]);
  assert.deepEqual([sym.strings[0], sym.strings[1], sym.strings[2]], ['', undefined, x(190, 'c')]);
  assert.deepEqual(sym.truncated.slice(0, 3), [false, false, false]);
  assert.equal(trace.stats.truncatedStrings, 4);
  assert.equal(trace.stats.packets, 12);
});

test('packet mode: one packet per string, 382 complete, 383 truncated', async () => {
  const w = new LegacyWriter();
  const x = (n: number, ch = 'p') => ch.repeat(n);
  sc(w, 'packet', call(NR['rename']!, [PTR, PTR + 1n], { 0: x(382), 1: x(383, 'q') }), ENOENT);
  sc(w, 'packet', call(NR['renameat']!, [0x101n, PTR, 0x103n, PTR + 1n], { 1: 'from', 3: x(1000, 'r') }), ENOENT);
  sc(w, 'packet', call(NR['request_key']!, [PTR, PTR + 1n, PTR + 2n, 0x104n], { 0: 'user', 1: x(382, 's'), 2: 'callout' }), ENOENT);
  sc(w, 'packet', call(NR['open']!, [PTR, 0x42n, 0o666n], { 0: x(383, 'o') }), 3n); // 1 string: the fast template
  const { calls, trace } = await read(w);
  assert.equal(trace.stats.packets, (2 + 1) + (2 + 1) + (3 + 1) + (1 + 1));
  const [ren, renat, rk, op] = calls as [Syscall, Syscall, Syscall, Syscall];
  assert.deepEqual([ren.strings[0], ren.truncated[0], ren.strings[1], ren.truncated[1]], [x(382), false, x(383, 'q'), true]);
  assert.deepEqual(renat.args, [0x101n, PTR, 0x103n, PTR + 1n]);
  assert.deepEqual([renat.strings[1], renat.strings[3], renat.truncated[3]], ['from', x(383, 'r'), true]);
  assert.deepEqual(rk.strings.slice(0, 3), ['user', x(382, 's'), 'callout']);
  assert.deepEqual(rk.truncated.slice(0, 3), [false, false, false]);
  assert.deepEqual(rk.args, [PTR, PTR + 1n, PTR + 2n, 0x104n]);
  assert.deepEqual([op.strings[0], op.truncated[0]], [x(383, 'o'), true]);
  assert.ok(calls.every((s) => s.status === 'complete'));
});

/** The eleven test_strings syscalls of vltrace 0.1's test suite (5.2), in `mode`. */
function testStrings(w: LegacyWriter, mode: Mode, s: [string, string, string], n: number): void {
  const [s0, s1, s2] = s;
  const P0 = PTR, P1 = PTR + 0x1000n, P2 = PTR + 0x2000n;
  sc(w, mode, call(NR['open']!, [P0, 0x102n, 0x103n, 0x104n, 0x105n, 0x106n], { 0: s0 }), ENOENT, n);
  sc(w, mode, call(NR['openat']!, [0x101n, P1, 0x103n, 0x104n, 0x105n, 0x106n], { 1: s1 }), ENOENT, n);
  sc(w, mode, call(NR['rename']!, [P0, P1], { 0: s0, 1: s1 }), ENOENT, n);
  sc(w, mode, call(NR['llistxattr']!, [P1, P0, 0x103n], { 0: s1 }), ENOENT, n);
  sc(w, mode, call(NR['symlinkat']!, [P0, 0x102n, P1], { 0: s0, 2: s1 }), ENOENT, n);
  sc(w, mode, call(NR['renameat']!, [0x101n, P0, 0x103n, P1], { 1: s0, 3: s1 }), ENOENT, n);
  sc(w, mode, call(NR['mount']!, [P0, P1, P2, 0x101n, 0x102n], { 0: s0, 1: s1, 2: s2 }), ENOENT, n);
  sc(w, mode, call(NR['request_key']!, [P0, P1, P2, 0x104n], { 0: s0, 1: s1, 2: s2 }), ENOENT, n);
  sc(w, mode, call(NR['init_module']!, [0x101n, 0x102n, P0], { 2: s0 }), ENOENT, n);
  sc(w, mode, call(NR['kexec_file_load']!, [0x101n, 0x102n, 0x103n, P1, 0x105n], { 3: s1 }), ENOENT, n);
  sc(w, mode, call(NR['fanotify_mark']!, [0x101n, 0x102n, 0x103n, 0x104n, P0], { 4: s0 }), ENOENT, n);
}

function checkTestStrings(calls: Syscall[], s: [string, string, string]): void {
  const [s0, s1, s2] = s;
  const P0 = PTR, P1 = PTR + 0x1000n, P2 = PTR + 0x2000n;
  const want: [string, bigint[], (string | undefined)[]][] = [
    ['open', [P0, 0x102n, 0x103n], [s0]],
    ['openat', [0x101n, P1, 0x103n, 0x104n], [undefined, s1]],
    ['rename', [P0, P1], [s0, s1]],
    ['llistxattr', [P1, P0, 0x103n], [s1]],
    ['symlinkat', [P0, 0x102n, P1], [s0, undefined, s1]],
    ['renameat', [0x101n, P0, 0x103n, P1], [undefined, s0, undefined, s1]],
    ['mount', [P0, P1, P2, 0x101n, 0x102n], [s0, s1, s2]],
    ['request_key', [P0, P1, P2, 0x104n], [s0, s1, s2]],
    ['init_module', [0x101n, 0x102n, P0], [undefined, undefined, s0]],
    ['kexec_file_load', [0x101n, 0x102n, 0x103n, P1, 0x105n], [undefined, undefined, undefined, s1]],
    ['fanotify_mark', [0x101n, 0x102n, 0x103n, 0x104n, P0], [undefined, undefined, undefined, undefined, s0]],
  ];
  assert.equal(calls.length, want.length);
  want.forEach(([name, args, strings], i) => {
    const c = calls[i]!;
    assert.equal(c.name, name);
    assert.deepEqual(c.args, args, name);
    const got = c.strings.slice(0, 6);
    const exp = [...strings, ...Array<undefined>(6 - strings.length).fill(undefined)];
    assert.deepEqual(got, exp, name);
    assert.ok(c.truncated.every((t) => !t), `${name} not truncated`);
    assert.ok(c.readError.every((t) => !t), `${name} no read error`);
    assert.equal(c.status, 'complete');
    assert.equal(c.errno, 2);
  });
}

const SETS: Record<string, [number, number]> = { '126': [1, 28], '382': [12, 138], '765': [42, 438], '1148': [84, 858], '1531': [126, 1278] };
function set(name: string): [string, string, string] {
  const [reps, len] = SETS[name]!;
  const s: [string, string, string] = [suiteString(111, reps), suiteString(222, reps), suiteString(333, reps)];
  assert.equal(s[0].length, len);
  return s;
}

for (const [mode, n, sets] of [
  ['fast', 1, ['126']], ['packet', 1, ['126', '382']],
  ['full', 2, ['126', '382', '765']], ['full', 3, ['765', '1148']], ['full', 4, ['126', '765', '1148', '1531']],
  ['const', 2, ['126', '382', '765']], ['const', 3, ['1148']], ['const', 4, ['126', '382', '1531']],
] as [Mode, number, string[]][]) {
  test(`vltrace test-suite strings, ${mode} mode${n > 1 ? ` N=${n}` : ''}: sets ${sets.join(', ')}`, async () => {
    for (const name of sets) {
      const w = new LegacyWriter();
      testStrings(w, mode, set(name), n);
      const { calls, trace } = await read(w);
      checkTestStrings(calls, set(name));
      assert.equal(trace.stats.orphanContinuations, 0);
      assert.equal(trace.stats.truncatedStrings, 0);
      if (mode === 'const') {
        // const mode always sends N packets per string: 18 strings in the 11 calls, + 11 exits
        assert.equal(trace.stats.packets, 18 * n + 11);
      }
    }
  });
}

test('full mode packet counts and limits: 383 chars → 2 packets (empty last chunk), N·383−1 complete, N·383 truncated', async () => {
  const w = new LegacyWriter();
  const x = (len: number) => Array.from({ length: len }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
  sc(w, 'full', call(NR['open']!, [PTR, 0n, 0n], { 0: x(382) }), 3n, 3); // 1 packet (info 0x0E0)
  sc(w, 'full', call(NR['open']!, [PTR, 0n, 0n], { 0: x(383) }), 3n, 3); // 2 packets
  sc(w, 'full', call(NR['open']!, [PTR, 0n, 0n], { 0: x(3 * 383 - 1) }), 3n, 3); // 3 packets, complete
  sc(w, 'full', call(NR['open']!, [PTR, 0n, 0n], { 0: x(3 * 383) }), 3n, 3); // 3 packets, truncated
  const { calls, trace } = await read(w);
  assert.equal(trace.stats.packets, 1 + 2 + 3 + 3 + 4);
  assert.deepEqual(calls.map((c) => c.strings[0]), [x(382), x(383), x(1148), x(1149)]);
  assert.deepEqual(calls.map((c) => c.truncated[0]), [false, false, false, true]);
  assert.equal(trace.stats.truncatedStrings, 1);
});

test('const mode: strings longer than N·383−1 are truncated; adjacent strings (A == B final packets)', async () => {
  const w = new LegacyWriter();
  const long = 'L'.repeat(2000);
  sc(w, 'const', call(NR['rename']!, [PTR, PTR + 1n], { 0: long, 1: 'short' }), ENOENT, 2);
  sc(w, 'const', call(NR['mount']!, [PTR, PTR + 1n, PTR + 2n, 0n, 0n], { 0: 'a', 1: 'B'.repeat(765), 2: 'c' }), ENOENT, 2);
  const { calls } = await read(w);
  assert.deepEqual([calls[0]!.strings[0], calls[0]!.truncated[0]], ['L'.repeat(766), true]);
  assert.deepEqual([calls[0]!.strings[1], calls[0]!.truncated[1]], ['short', false]);
  assert.deepEqual(calls[1]!.strings.slice(0, 3), ['a', 'B'.repeat(765), 'c']);
  assert.deepEqual(calls[1]!.truncated.slice(0, 3), [false, false, false]);
});

test('read errors: fast (empty slot), const (page end after a short string), full (EFAULT)', async () => {
  const w = new LegacyWriter();
  // fast 2 strings, the second unreadable: zero-filled slot, E bit
  sc(w, 'fast', call(NR['rename']!, [PTR, 0n], { 0: 'ok', 1: { s: 'x', readable: 0 } }), -14n);
  // const: a short string near a page end; the later fixed-size read fails (flagged, string intact)
  sc(w, 'const', call(NR['open']!, [PTR, 0n, 0n], { 0: { s: 'short', readable: 500 } }), ENOENT, 3);
  // full: bpf_probe_read_str fails at once
  sc(w, 'full', call(NR['openat']!, [0x101n, 0n, 0n, 0n], { 1: { s: 'gone', readable: 2 } }), -14n, 2);
  const { calls, trace } = await read(w);
  const [ren, op, opat] = calls as [Syscall, Syscall, Syscall];
  assert.deepEqual([ren.strings[0], ren.readError[0]], ['ok', false]);
  assert.deepEqual([ren.strings[1], ren.readError[1]], ['', true]);
  assert.deepEqual([op.strings[0], op.readError[0], op.truncated[0]], ['short', true, false]);
  assert.deepEqual([opat.strings[1], opat.readError[1]], ['', true]);
  assert.equal(trace.stats.readErrors, 3);
});

test('unfinished exit_group, no-entry exit (child of clone), rt_sigreturn with exit sc_id -1', async () => {
  const w = new LegacyWriter();
  const child = TID + 7;
  sc(w, 'fast', call(NR['clone']!, [0x3d0f00n, 0n, 0n, 0n, 0n, 0n]), BigInt(child));
  w.exit(PID, child, NR['clone']!, tick(), 0n); // the child's return from clone: no entry
  // rt_sigreturn: entry nr 15, exit reported by the tracepoint with id -1
  w.call('fast', call(NR['rt_sigreturn']!, [10n, PTR, 0n, 8n, 0n, 0n]));
  w.exit(PID, TID, -1n, tick(), 0n);
  // an rt_sigreturn exit whose entry was not traced
  w.exit(PID, child, -1n, tick(), 4n);
  w.call('fast', call(NR['exit_group']!, [0n, 1n, 2n, 3n, 4n, 5n], {}, child));
  const { calls, trace } = await read(w);
  assert.deepEqual(calls.map((c) => [c.name, c.status]), [
    ['clone', 'complete'], [calls[1]!.name, 'no-entry'], ['rt_sigreturn', 'complete'], [calls[3]!.name, 'no-entry'], ['exit_group', 'unfinished'],
  ]);
  assert.equal(calls[1]!.nr, NR['clone']);
  assert.equal(calls[1]!.name, 'clone');
  assert.equal(calls[1]!.ret, 0n);
  assert.equal(calls[1]!.tid, child);
  assert.deepEqual(calls[2]!.args, [10n, PTR, 0n, 8n, 0n, 0n]);
  assert.equal(calls[2]!.ret, 0n);
  assert.equal(calls[3]!.nr, -1);
  assert.equal(calls[3]!.ret, 4n);
  assert.deepEqual(calls[4]!.args, [0n]);
  assert.equal(calls[4]!.ret, undefined);
  assert.deepEqual([trace.stats.complete, trace.stats.noEntry, trace.stats.unfinished], [2, 2, 1]);
});

test('an exit read between the packets of its entry (another CPU) still pairs; missing packets are counted', async () => {
  const s = suiteString(111, 126);
  // 1) entry packets | exit | remaining entry packets
  const w1 = new LegacyWriter();
  const c = call(NR['open']!, [PTR, 0n, 0n], { 0: s });
  const tmp = new LegacyWriter();
  tmp.call('full', c, 4);
  const all = tmp.bytes().subarray(tmp.preambleSize);
  const cut = tmp.offsets[1]! - tmp.preambleSize;
  w1.raw(all.subarray(0, cut)).exit(PID, TID, NR['open']!, tick(), 5n).raw(all.subarray(cut));
  const r1 = await read(w1);
  assert.equal(r1.calls.length, 1);
  assert.deepEqual([r1.calls[0]!.status, r1.calls[0]!.strings[0], r1.calls[0]!.ret], ['complete', s, 5n]);
  assert.equal(r1.trace.stats.orphanContinuations, 0);

  // 2) a multi-packet entry interrupted by the next entry of the same thread: delivered, counted
  const w2 = new LegacyWriter();
  w2.raw(all.subarray(0, tmp.offsets[2]! - tmp.preambleSize)); // first 2 of 4 packets
  sc(w2, 'fast', call(NR['close']!, [3n]), 0n);
  // 3) the rest of that entry arrives afterwards: its first packet is gone → orphans, counted
  w2.raw(all.subarray(tmp.offsets[2]! - tmp.preambleSize));
  const r2 = await read(w2);
  assert.deepEqual(r2.calls.map((x) => [x.name, x.status]), [['open', 'unfinished'], ['close', 'complete']]);
  assert.equal(r2.calls[0]!.strings[0], s.slice(0, 2 * 383));
  assert.equal(r2.calls[0]!.truncated[0], true);
  assert.equal(r2.trace.stats.orphanContinuations, 1 + 2);

  // 4) the log ends inside a multi-packet entry
  const w3 = new LegacyWriter();
  w3.raw(all.subarray(0, cut));
  const r3 = await read(w3);
  assert.deepEqual(r3.calls.map((x) => [x.name, x.status, x.truncated[0]]), [['open', 'unfinished', true]]);
  assert.equal(r3.trace.stats.orphanContinuations, 1);
});

test('threads interleave packets without mixing strings', async () => {
  const w = new LegacyWriter();
  const a = call(NR['open']!, [PTR, 0n, 0n], { 0: 'A'.repeat(900) }, 500);
  const b = call(NR['open']!, [PTR, 0n, 0n], { 0: 'B'.repeat(900) }, 501);
  const ta = new LegacyWriter().call('full', a, 3);
  const tb = new LegacyWriter().call('full', b, 3);
  const pa = ta.bytes().subarray(ta.preambleSize);
  const pb = tb.bytes().subarray(tb.preambleSize);
  const rec = (p: Uint8Array, i: number) => p.subarray(i * 468, (i + 1) * 468);
  for (let i = 0; i < 3; i++) w.raw(rec(pa, i)).raw(rec(pb, i));
  w.exit(PID, 500, NR['open']!, tick(), 3n).exit(PID, 501, NR['open']!, tick(), 4n);
  const { calls } = await read(w);
  assert.deepEqual(calls.map((c) => [c.tid, c.strings[0], c.ret]), [[500, 'A'.repeat(900), 3n], [501, 'B'.repeat(900), 4n]]);
});

test('a stream in small chunks: preamble read incrementally, records split across reads', async () => {
  const w = new LegacyWriter();
  for (let i = 0; i < 200; i++) sc(w, 'const', call(NR['rename']!, [PTR, PTR + 1n], { 0: `from-${i}`, 1: `to-${i}` }), ENOENT, 2);
  const bytes = w.bytes();
  const chunks: Uint8Array[] = [];
  for (let o = 0; o < bytes.length; o += 997) chunks.push(bytes.slice(o, o + 997));
  const trace = await openTrace(Readable.from(chunks), { name: 'legacy-stream' });
  assert.equal(trace.header.size, 80096);
  const calls: Syscall[] = [];
  for await (const s of trace.syscalls()) calls.push(s);
  assert.equal(calls.length, 200);
  calls.forEach((c, i) => assert.deepEqual(c.strings.slice(0, 2), [`from-${i}`, `to-${i}`]));
  assert.equal(trace.stats.packets, 200 * 5);
  assert.equal(trace.stats.bytes, bytes.length - 80096);
});

async function rejects(bytes: Uint8Array, offset: number, re: RegExp): Promise<void> {
  await assert.rejects(read(bytes), (e: unknown) => {
    assert.ok(e instanceof FormatError, String(e));
    assert.equal(e.offset, offset);
    assert.match(e.message, re);
    return true;
  });
}

test('errors: bad record size field names its offset; everything before it is delivered', async () => {
  const w = new LegacyWriter();
  sc(w, 'fast', call(NR['close']!, [1n]), 0n);
  const at = w.bytes().length;
  const bad = new Uint8Array(48);
  new DataView(bad.buffer).setUint32(0, 44, true); // not a multiple of 8
  w.raw(bad);
  const trace = await openTrace(tmpFile('badsize.bin', w.bytes()));
  const got: Syscall[] = [];
  await assert.rejects(
    (async () => { for await (const s of trace.syscalls()) got.push(s); })(),
    (e: unknown) => e instanceof FormatError && e.offset === at && /packet size/.test(e.message) && /found 44/.test(e.message),
  );
  assert.equal(got.length, 1);
  assert.equal(got[0]!.name, 'close');
  // too big for the 384-byte buffer
  const w2 = new LegacyWriter();
  const big = new Uint8Array(48);
  new DataView(big.buffer).setUint32(0, 472, true);
  await rejects(w2.raw(big).bytes(), 80096, /packet size/);
  // an entry shorter than 80 bytes
  const w3 = new LegacyWriter();
  const short = new Uint8Array(52);
  new DataView(short.buffer).setUint32(0, 48, true);
  await rejects(w3.raw(short).bytes(), 80096, /entry packet/);
});

test('errors: packet type 2 (E_TP_ENTRY), A == B without is_cont', async () => {
  const w = new LegacyWriter();
  w.entryPacket(PID, TID, 2n, tick(), [], 2);
  await rejects(w.bytes(), 80096 + 4, /type 2/);
  const w2 = new LegacyWriter();
  w2.entryPacket(PID, TID, 2n, tick(), [PTR], info(1, 1, true, false), new Uint8Array(384));
  await rejects(w2.bytes(), 80096 + 4, /arg_first == arg_last/);
});

test('errors: preamble fields are checked before use', async () => {
  const ok = legacyPreamble();
  const patch = (off: number, v: number) => {
    const b = ok.slice();
    new DataView(b.buffer).setUint32(off, v, true);
    return b;
  };
  await rejects(patch(28, 88), 28, /record size of 80/);
  await rejects(patch(32, 1_000_000), 32, /at most 4096 records/);
  await rejects(patch(24, 2), 24, /architecture/);
  await rejects(patch(12, 1), 12, /version/);
  await rejects(patch(80048, 100), 80048, /BUF_SIZE/);
  await rejects(patch(80052, 70000), 80052, /cwd length/);
  await rejects(patch(80061, 9999), 80061, /header size/);
  const b = ok.slice();
  b[80036] = 0x58;
  await rejects(b, 80036, /VLTRACE_LOG/);
  const q = ok.slice();
  new DataView(q.buffer).setUint32(36 + 2 * 80 + 52, 9, true); // open: args_qty 9
  await rejects(q, 36 + 2 * 80 + 52, /argument count/);
  // a table of 10 records only is fine (the log header follows it)
  const small = legacyPreamble({ count: 10, table: TABLE.filter((s) => s.nr < 10) });
  const t = await openTrace(tmpFile('small.bin', small));
  assert.equal(t.header.size, 36 + 800 + 20 + 5 + 8 + 27);
  assert.deepEqual(t.header.syscalls.map((r) => r[1]), ['read', 'open', 'close']);
  await t.close();
});

test('errors: truncated preamble → FormatError at the end of the file', async () => {
  const full = legacyPreamble();
  for (const len of [12, 20, 40, 5000, 80036, 80050, 80060, 80070, 80095]) {
    await rejects(full.slice(0, len), len, /preamble/);
  }
  // exactly the preamble: a valid log with no packets
  const { calls, trace } = await read(full);
  assert.equal(calls.length, 0);
  assert.deepEqual(trace.warnings, []);
});

test('a truncated final record is a warning; everything before it is delivered', async () => {
  const w = new LegacyWriter();
  sc(w, 'fast', call(NR['open']!, [PTR, 0n, 0n], { 0: '/etc/fstab' }), 3n);
  w.call('fast', call(NR['close']!, [3n]));
  const bytes = w.bytes();
  const cutAt = bytes.length - 30; // inside the close entry (84 bytes)
  const { calls, trace } = await read(bytes.slice(0, cutAt));
  assert.deepEqual(calls.map((c) => [c.name, c.status]), [['open', 'complete']]);
  assert.equal(trace.warnings.length, 1);
  assert.equal(trace.warnings[0]!.offset, w.offsets[2]);
  assert.match(trace.warnings[0]!.message, /truncated/);
});

test('bytesOf helper and info word layout match the examples of §5.4', () => {
  assert.equal(info(0, 1, true), 0x120);
  assert.equal(info(1, 1, true, true), 0x324);
  assert.equal(info(1, 7, false, true), 0x2e4);
  assert.equal(info(0, 7), 0x0e0);
  assert.equal(info(1, 7), 0x0e4);
  assert.equal(bytesOf('ab').length, 2);
});

test('decoder on a buffer not 4-aligned, fed in pieces: same rows as one aligned read', async () => {
  const w = new LegacyWriter();
  sc(w, 'full', call(NR['rename']!, [PTR, PTR + 1n], { 0: 'x'.repeat(500), 1: 'dst' }), ENOENT, 2);
  sc(w, 'fast', call(NR['close']!, [3n]), 0n);
  const bytes = w.bytes();
  const pre = parseLegacyPreamble('mem', bytes);
  const body = bytes.subarray(pre.size);
  const stats = newStats();
  const items: TraceItem[] = [];
  const reasm = new Reassembler({ stats, emit: (it) => items.push(it) });
  const dec = new LegacyDecoder('mem', pre, reasm, stats);
  // body placed at byte 3 of a fresh buffer: records are not 4-aligned in memory
  const buf = new Uint8Array(body.length + 3);
  buf.set(body, 3);
  let at = 3;
  for (const end of [3 + 100, 3 + 500, buf.length]) {
    const r = dec.decode(buf, at, end, pre.size + at - 3);
    if (end < buf.length) assert.ok(r.need > 0);
    at = r.next;
  }
  assert.equal(at, buf.length);
  dec.end();
  reasm.finish();
  const rows = items.flatMap((it) => (it.type === 'syscalls' ? [...batchSyscalls(it.batch, { syscalls: [], version: { major: 0, minor: 1 }, meta: {} as never, traceH: '', size: 0, format: 'legacy-0.1' })] : []));
  assert.deepEqual(rows.map((r) => [r.nr, r.strings[0], r.strings[1], r.status]), [
    [NR['rename'], 'x'.repeat(500), 'dst', 'complete'], [NR['close'], undefined, undefined, 'complete'],
  ]);
  assert.equal(stats.packets, 6);
});

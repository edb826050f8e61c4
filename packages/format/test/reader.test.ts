import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { PacketWriter } from '../src/encode.js';
import { openTrace } from '../src/reader.js';
import { FormatError } from '../src/errors.js';
import { CHUNK_FLAGS } from '../src/layout.js';
import { batchData, batchString } from '../src/batch.js';
import { toWallClockNs } from '../src/header.js';
import { META, enc, image, readAll, syscallsOf, tmpFile } from './helpers.js';

const P = 100, T = 101;
const { MORE, CONT, TRUNCATED, READ_ERROR } = {
  MORE: CHUNK_FLAGS.MORE.bit, CONT: CHUNK_FLAGS.CONT.bit, TRUNCATED: CHUNK_FLAGS.TRUNCATED.bit, READ_ERROR: CHUNK_FLAGS.READ_ERROR.bit,
};

test('header round-trips: metadata, syscall table, trace.h, wall clock', async () => {
  const w = new PacketWriter();
  const t = await openTrace(tmpFile('h.bin', image(w, [[0, 'read', 3]])));
  assert.equal(t.header.format, 'v1');
  assert.deepEqual(t.header.meta, META);
  assert.deepEqual(t.header.syscalls, [[0, 'read', 3]]);
  assert.equal(t.header.traceH, '/* trace.h */');
  assert.equal(toWallClockNs(t.header.meta, 1000000005n), 1764150000000000005n);
  await readAll(t);
  assert.match(t.warnings[0]!.message, /no trailer/);
});

test('entry + exit → one complete syscall with exact 64-bit values', async () => {
  const w = new PacketWriter();
  const big = 0xfedcba9876543210n;
  w.entry({ pid: P, tid: T, ts: 0x1_0000_0001n, nr: 0, args: [3n, big, 0x100n] });
  w.exit({ pid: P, tid: T, ts: 0x1_0000_0501n, nr: 0, ret: -9n });
  const { calls } = await syscallsOf(image(w));
  assert.equal(calls.length, 1);
  const c = calls[0]!;
  assert.equal(c.name, 'read');
  assert.deepEqual(c.args, [3n, BigInt.asIntN(64, big), 0x100n]);
  assert.equal(c.ret, -9n);
  assert.equal(c.errno, 9);
  assert.equal(c.errnoName, 'EBADF');
  assert.equal(c.tsEnter, 0x1_0000_0001n);
  assert.equal(c.durationNs, 0x500n);
  assert.equal(c.status, 'complete');
  assert.equal(c.pid, P);
  assert.equal(c.tid, T);
});

test('strings: one chunk, several chunks over continuation packets, truncated and read-error flags', async () => {
  const w = new PacketWriter();
  const long = 'x'.repeat(383) + 'y'.repeat(383) + 'z'.repeat(100);
  // openat(AT_FDCWD, long, O_RDONLY): the path arrives in three chunks
  w.entry({ pid: P, tid: T, ts: 10n, nr: 257, args: [-100n, 0x7fff0000n, 0n, 0n], chunks: [{ arg: 1, bytes: enc(long.slice(0, 383)), flags: MORE }], more: true });
  w.cont({ pid: P, tid: T, ts: 10n, nr: 257, chunks: [{ arg: 1, bytes: enc(long.slice(383, 766)), flags: MORE | CONT }], more: true });
  w.cont({ pid: P, tid: T, ts: 10n, nr: 257, chunks: [{ arg: 1, bytes: enc(long.slice(766)), flags: CONT }] });
  w.exit({ pid: P, tid: T, ts: 20n, nr: 257, ret: -2n });
  // rename with two strings in one packet; the second cut at the limit
  w.entry({ pid: P, tid: T, ts: 30n, nr: 82, args: [1n, 2n], chunks: [{ arg: 0, bytes: enc('old') }, { arg: 1, bytes: enc('n'.repeat(190)), flags: TRUNCATED }] });
  w.exit({ pid: P, tid: T, ts: 40n, nr: 82, ret: 0n });
  // a string that could not be read
  w.entry({ pid: P, tid: T, ts: 50n, nr: 2, args: [5n, 0n, 0n], chunks: [{ arg: 0, bytes: new Uint8Array(0), flags: READ_ERROR }] });
  w.exit({ pid: P, tid: T, ts: 60n, nr: 2, ret: -14n });
  const { calls, trace } = await syscallsOf(image(w));
  assert.deepEqual(calls.map((c) => c.name), ['openat', 'rename', 'open']);
  assert.equal(calls[0]!.strings[1], long);
  assert.equal(calls[0]!.truncated[1], false);
  assert.equal(calls[0]!.errnoName, 'ENOENT');
  assert.equal(calls[1]!.strings[0], 'old');
  assert.equal(calls[1]!.strings[1], 'n'.repeat(190));
  assert.deepEqual(calls[1]!.truncated.slice(0, 2), [false, true]);
  assert.equal(calls[2]!.strings[0], '');
  assert.equal(calls[2]!.readError[0], true);
  assert.equal(trace.stats.truncatedStrings, 1);
  assert.equal(trace.stats.readErrors, 1);
});

test('a string still open when its syscall ends is flagged truncated (its continuation was lost)', async () => {
  const w = new PacketWriter();
  w.entry({ pid: P, tid: T, ts: 10n, nr: 2, args: [1n, 0n, 0n], chunks: [{ arg: 0, bytes: enc('abc'), flags: MORE }], more: true });
  w.exit({ pid: P, tid: T, ts: 20n, nr: 2, ret: 3n });
  const { calls } = await syscallsOf(image(w));
  assert.equal(calls[0]!.strings[0], 'abc');
  assert.equal(calls[0]!.truncated[0], true);
});

test('unfinished and no-entry syscalls are explicit rows', async () => {
  const w = new PacketWriter();
  w.exit({ pid: P, tid: T, ts: 5n, nr: 0, ret: 1n }); // its entry came before tracing
  w.entry({ pid: P, tid: T, ts: 10n, nr: 0, args: [0n, 0n, 1n] }); // exit lost: next entry supersedes
  w.entry({ pid: P, tid: T, ts: 20n, nr: 39, args: [] });
  w.exit({ pid: P, tid: T, ts: 21n, nr: 39, ret: BigInt(P) });
  w.entry({ pid: P, tid: T, ts: 30n, nr: 231, args: [0n] }); // exit_group never returns
  w.procExit({ pid: P, tid: T, ts: 31n, exitCode: 0, comm: 'prog' });
  w.entry({ pid: P, tid: T + 1, ts: 40n, nr: 7, args: [0n, 0n, 0n] }); // trace ends in poll
  const { calls, trace } = await syscallsOf(image(w));
  assert.deepEqual(calls.map((c) => [c.name, c.status]), [
    ['read', 'no-entry'], ['read', 'unfinished'], ['getpid', 'complete'], ['exit_group', 'unfinished'], ['poll', 'unfinished'],
  ]);
  assert.equal(calls[0]!.tsEnter, undefined);
  assert.equal(calls[0]!.ret, 1n);
  assert.equal(calls[1]!.ret, undefined);
  assert.deepEqual([trace.stats.complete, trace.stats.unfinished, trace.stats.noEntry], [1, 3, 1]);
});

test('rt_sigreturn: an exit with nr -1 completes the pending rt_sigreturn', async () => {
  const w = new PacketWriter();
  w.entry({ pid: P, tid: T, ts: 10n, nr: 15, args: [] });
  w.exit({ pid: P, tid: T, ts: 11n, nr: -1, ret: 0n });
  const { calls } = await syscallsOf(image(w));
  assert.deepEqual(calls.map((c) => [c.name, c.status]), [['rt_sigreturn', 'complete']]);
});

test('out-of-order packets are delivered by entry time within the window', async () => {
  const w = new PacketWriter();
  // thread B's packets (earlier) arrive after thread A's (another CPU's ring)
  w.entry({ pid: P, tid: 1, ts: 300n, nr: 39, args: [] });
  w.exit({ pid: P, tid: 1, ts: 310n, nr: 39, ret: 1n });
  w.entry({ pid: P, tid: 2, ts: 100n, nr: 39, args: [] });
  w.exit({ pid: P, tid: 2, ts: 110n, nr: 39, ret: 2n });
  // and an exit that arrives before its own entry
  w.exit({ pid: P, tid: 3, ts: 220n, nr: 110, ret: 1n });
  w.entry({ pid: P, tid: 3, ts: 200n, nr: 110, args: [] });
  const { calls, trace } = await syscallsOf(image(w));
  assert.deepEqual(calls.map((c) => [c.tid, c.tsEnter, c.status]), [[2, 100n, 'complete'], [3, 200n, 'complete'], [1, 300n, 'complete']]);
  assert.equal(trace.stats.noEntry, 0);
});

test('a syscall longer than the window is delivered late, memory stays bounded', async () => {
  const w = new PacketWriter();
  w.entry({ pid: P, tid: 1, ts: 1n, nr: 0, args: [0n, 0n, 1n] }); // a long blocking read
  for (let i = 0; i < 5000; i++) {
    const ts = 1000n + BigInt(i) * 1000n;
    w.entry({ pid: P, tid: 2, ts, nr: 39, args: [] });
    w.exit({ pid: P, tid: 2, ts: ts + 10n, nr: 39, ret: 2n });
  }
  w.exit({ pid: P, tid: 1, ts: 6_000_000n, nr: 0, ret: 1n });
  const { calls, trace } = await syscallsOf(image(w), { windowNs: 10_000, batchRows: 256 });
  assert.equal(calls.length, 5001);
  const read = calls.findIndex((c) => c.tid === 1);
  assert.ok(read > 4000, 'the read came late');
  assert.equal(calls[read]!.status, 'complete');
  assert.equal(trace.stats.lateRows, 1);
});

test('entered: a call still running after the window comes at its turn as ENTERED, then whole when it ends', async () => {
  const build = () => {
    const w = new PacketWriter();
    w.entry({ pid: P, tid: 1, ts: 1n, nr: 0, args: [0n, 0n, 1n], chunks: [{ arg: 1, bytes: enc('in') }] }); // a long blocking read
    for (let i = 0; i < 5000; i++) {
      const ts = 1000n + BigInt(i) * 1000n;
      w.entry({ pid: P, tid: 2, ts, nr: 39, args: [] });
      w.exit({ pid: P, tid: 2, ts: ts + 10n, nr: 39, ret: 2n });
    }
    w.exit({ pid: P, tid: 1, ts: 6_000_000n, nr: 0, ret: 1n });
    w.entry({ pid: P, tid: 3, ts: 6_000_100n, nr: 61, args: [] }); // a wait4 still running at the end
    for (let i = 0; i < 300; i++) {
      const ts = 6_001_000n + BigInt(i) * 1000n;
      w.entry({ pid: P, tid: 2, ts, nr: 39, args: [] });
      w.exit({ pid: P, tid: 2, ts: ts + 10n, nr: 39, ret: 2n });
    }
    return image(w);
  };
  const opts = { windowNs: 10_000, batchRows: 256 };
  const { calls, trace } = await syscallsOf(build(), { ...opts, entered: true });
  assert.equal(calls.length, 5304, 'every call once, the read and the wait4 twice');
  const reads = calls.map((c, k) => [c, k] as const).filter(([c]) => c.tid === 1);
  assert.equal(reads.length, 2);
  const [[entered, at], [whole, late]] = reads as [[typeof calls[0], number], [typeof calls[0], number]];
  // its entry where it started: before every getppid, with its entry values only
  assert.equal(at, 0);
  assert.deepEqual([entered.status, entered.tsEnter, entered.tsExit, entered.ret, entered.args, entered.strings[1]], ['entered', 1n, undefined, undefined, [0n, 0n, 1n], 'in']);
  // the whole call when it ended, late, with the same entry
  assert.ok(late > 4000);
  assert.deepEqual([whole.status, whole.tsEnter, whole.tsExit, whole.ret, whole.strings[1]], ['complete', 1n, 6_000_000n, 1n, 'in']);
  // the wait4 the recording ends in: entered when the window passed, unfinished at the end
  assert.deepEqual(calls.filter((c) => c.tid === 3).map((c) => c.status), ['entered', 'unfinished']);
  assert.equal(trace.stats.complete, 5301);
  assert.equal(trace.stats.unfinished, 1);
  // without the option: the same calls once each, the read late
  const plain = await syscallsOf(build(), opts);
  assert.equal(plain.calls.length, 5302);
  assert.ok(plain.calls.every((c) => c.status !== 'entered'));
  assert.deepEqual({ ...plain.trace.stats, bytes: 0 }, { ...trace.stats, bytes: 0 });
});

test('process and lost events come in time order between batches; comm is tracked', async () => {
  const w = new PacketWriter();
  w.procInfo({ pid: P, tid: P, ts: 1n, ppid: 1, comm: 'sh', exe: '/bin/sh' });
  w.entry({ pid: P, tid: P, ts: 10n, nr: 57, args: [] });
  w.fork({ pid: P, tid: P, ts: 11n, childPid: 200, childTid: 200, comm: 'sh' });
  w.exit({ pid: P, tid: P, ts: 12n, nr: 57, ret: 200n });
  w.exec({ pid: 200, tid: 200, ts: 20n, comm: 'ls', filename: '/usr/bin/ls' });
  w.lost({ ts: 25n, cpu: 1, count: 7n, firstTs: 21n, lastTs: 24n });
  w.entry({ pid: 200, tid: 200, ts: 30n, nr: 39, args: [] });
  w.exit({ pid: 200, tid: 200, ts: 31n, nr: 39, ret: 200n });
  w.procExit({ pid: 200, tid: 200, ts: 40n, exitCode: 2 << 8, comm: 'ls' });
  w.trailer({ ts: 50n, events: 16n, written: 9n, lost: 7n, lostPerCpu: [0n, 7n] });
  const t = await openTrace(tmpFile('ev.bin', image(w)));
  const items = await readAll(t);
  assert.deepEqual(items.map((i) => i.type), ['proc_info', 'syscalls', 'fork', 'exec', 'lost', 'syscalls', 'proc_exit', 'trailer']);
  const b1 = items[1]!.type === 'syscalls' ? items[1]!.batch : undefined;
  const b2 = items[5]!.type === 'syscalls' ? items[5]!.batch : undefined;
  assert.equal(b1!.comms[b1!.comm[0]!], 'sh');
  assert.equal(b2!.comms[b2!.comm[0]!], 'ls');
  const exec = items[3]!;
  assert.ok(exec.type === 'exec' && exec.filename === '/usr/bin/ls');
  const pe = items[6]!;
  assert.ok(pe.type === 'proc_exit' && pe.exitCode === 512);
  const tr = items[7]!;
  assert.ok(tr.type === 'trailer' && tr.lost === 7n && tr.lostPerCpu[1] === 7n);
  assert.equal(t.stats.lostPackets, 7n);
  assert.equal(t.warnings.length, 0);
});

test('reads from a stream in small pieces exactly as from a file', async () => {
  const w = new PacketWriter();
  for (let i = 0; i < 500; i++) {
    w.entry({ pid: P, tid: T, ts: BigInt(i * 10), nr: 2, args: [1n, 0n, 0n], chunks: [{ arg: 0, bytes: enc(`/path/${i}`) }] });
    w.exit({ pid: P, tid: T, ts: BigInt(i * 10 + 5), nr: 2, ret: BigInt(i) });
  }
  const img = image(w);
  const pieces = [];
  for (let o = 0; o < img.length; o += 333) pieces.push(img.slice(o, o + 333));
  const t = await openTrace(Readable.from(pieces), { name: 'piece-stream' });
  const names: string[] = [];
  for await (const s of t.syscalls()) names.push(s.strings[0]!);
  assert.equal(names.length, 500);
  assert.equal(names[499], '/path/499');
});

test('bad input: typed errors naming file and offset, after delivering what came before', async () => {
  const w = new PacketWriter();
  w.entry({ pid: P, tid: T, ts: 10n, nr: 39, args: [] });
  w.exit({ pid: P, tid: T, ts: 11n, nr: 39, ret: 1n });
  const good = image(w);
  // a zero size after the two good packets
  const bad = new Uint8Array(good.length + 64);
  bad.set(good);
  const file = tmpFile('bad.bin', bad);
  const t = await openTrace(file);
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const s of t.syscalls()) seen.push(s.nr);
  }, (e: unknown) => e instanceof FormatError && e.file === file && e.offset === good.length && /packet size/.test(e.message));
  assert.deepEqual(seen, [39]);
  // wrong magic, unknown major version, truncated header
  const wrong = good.slice();
  wrong[0] = 0x58;
  await assert.rejects(openTrace(tmpFile('magic.bin', wrong)), /offset 0: expected magic/);
  const major = good.slice();
  major[8] = 2;
  await assert.rejects(openTrace(tmpFile('major.bin', major)), /offset 8: expected format major version 1, found 2\.\d+/);
  await assert.rejects(openTrace(tmpFile('short.bin', good.slice(0, 10))), FormatError);
  const hdr = good.slice();
  hdr[12] = 0xff; // header_size not a multiple of 8
  await assert.rejects(openTrace(tmpFile('hsize.bin', hdr)), /header size/);
});

test('a truncated tail is a warning, everything before it is delivered', async () => {
  const w = new PacketWriter();
  w.entry({ pid: P, tid: T, ts: 10n, nr: 39, args: [] });
  w.exit({ pid: P, tid: T, ts: 11n, nr: 39, ret: 1n });
  w.entry({ pid: P, tid: T, ts: 12n, nr: 0, args: [1n, 2n, 3n] });
  const img = image(w);
  const { calls, trace } = await syscallsOf(img.slice(0, img.length - 20));
  assert.deepEqual(calls.map((c) => c.name), ['getpid']);
  assert.equal(trace.warnings.length, 2);
  assert.match(trace.warnings[0]!.message, /truncated packet at end of file \(36 of its 56 bytes\)/);
  assert.equal(trace.warnings[0]!.offset, img.length - 56);
});

test('an execve filename unreadable at entry is taken from the exec event (the kernel copy)', async () => {
  const w = new PacketWriter();
  w.entry({ pid: 300, tid: 300, ts: 10n, nr: 59, args: [0x1000n, 0x2000n, 0x3000n], chunks: [{ arg: 0, bytes: new Uint8Array(0), flags: READ_ERROR }] });
  w.exec({ pid: 300, tid: 300, ts: 11n, comm: 'true', filename: '/bin/true' });
  w.exit({ pid: 300, tid: 300, ts: 12n, nr: 59, ret: 0n });
  // a failed execve has no exec event: its read error stays visible
  w.entry({ pid: 301, tid: 301, ts: 20n, nr: 59, args: [0x1000n, 0x2000n, 0x3000n], chunks: [{ arg: 0, bytes: new Uint8Array(0), flags: READ_ERROR }] });
  w.exit({ pid: 301, tid: 301, ts: 21n, nr: 59, ret: -2n });
  const { calls, trace } = await syscallsOf(image(w));
  assert.deepEqual(calls.map((c) => [c.strings[0], c.readError[0]]), [['/bin/true', false], ['', true]]);
  assert.equal(trace.stats.readErrors, 1);
});

test('quickStart and small reads: small first batches growing to batchRows; the same syscalls and counts as without', async () => {
  const { synthesizeTrace } = await import('@vltrace/testkit');
  const file = tmpFile('quick.bin', new Uint8Array(0));
  await synthesizeTrace(file, { syscalls: 150_000, seed: 5 });
  const read = async (quickStart: boolean, readSize?: number) => {
    const t = await openTrace(file, { quickStart, ...(readSize ? { readSize } : {}) });
    const sizes: number[] = [];
    const rows: string[] = [];
    for await (const b of t.batches()) {
      sizes.push(b.length);
      for (let i = 0; i < b.length; i++) rows.push(`${b.tid[i]} ${b.nr[i]} ${b.tsEnter[i]} ${b.tsExit[i]} ${b.status[i]} ${b.ret[i]} ${b.args[0]![i]}`);
    }
    return { sizes, rows, stats: t.stats };
  };
  const quick = await read(true);
  const plain = await read(false);
  assert.ok(quick.sizes[0]! <= 4096, `first batch ${quick.sizes[0]}`);
  assert.ok(plain.sizes[0]! > 60000, `first batch without quickStart ${plain.sizes[0]}`);
  // doubling: by the fifth batch the size is back to the full 64K
  assert.ok(quick.sizes.slice(4, -1).every((n) => n > 60000), quick.sizes.join(' '));
  assert.equal(quick.rows.length, 150_000);
  assert.deepEqual(quick.rows, plain.rows);
  assert.deepEqual(quick.stats, plain.stats);
  // the smallest reads: almost every slice ends inside a packet, carried over to the next one
  const small = await read(false, 65536 + 8);
  assert.deepEqual(small.rows, plain.rows);
  assert.deepEqual(small.stats, plain.stats);
});

test('data packets: chunks read at entry and at exit join their syscall; orphans are counted', async () => {
  const w = new PacketWriter();
  const stat = new Uint8Array(144).fill(7);
  // newfstatat: entry, exit, then the struct stat read at exit
  w.entry({ pid: 10, tid: 10, ts: 100n, nr: 262, args: [-100n, 0x1000n, 0x2000n, 0n], chunks: [{ arg: 1, bytes: enc('/etc') }] });
  w.exit({ pid: 10, tid: 10, ts: 110n, nr: 262, ret: 0n });
  w.data({ pid: 10, tid: 10, ts: 110n, nr: 262, chunks: [{ arg: 2, bytes: stat, flags: CHUNK_FLAGS.EXIT.bit }] });
  // write: the buffer read at entry, cut at the capture limit, split over two chunks
  w.entry({ pid: 10, tid: 11, ts: 120n, nr: 1, args: [1n, 0x3000n, 100n] });
  w.data({ pid: 10, tid: 11, ts: 120n, nr: 1, chunks: [{ arg: 1, bytes: enc('hel') }, { arg: 1, bytes: enc('lo'), flags: CHUNK_FLAGS.CONT.bit | CHUNK_FLAGS.TRUNCATED.bit }] });
  w.exit({ pid: 10, tid: 11, ts: 130n, nr: 1, ret: 100n });
  // a data packet whose syscall is not the thread's: dropped, counted
  w.data({ pid: 10, tid: 11, ts: 131n, nr: 0, chunks: [{ arg: 1, bytes: enc('x') }] });
  // a signal
  const fields = new Uint8Array(32);
  new DataView(fields.buffer).setInt32(0, 4242, true);
  w.signal({ pid: 10, tid: 10, ts: 140n, signo: 17, code: 1, fields });
  const t = await openTrace(tmpFile('data.bin', image(w)));
  const items = await readAll(t);
  const batches = items.flatMap((it) => (it.type === 'syscalls' ? [it.batch] : []));
  const rows = batches.flatMap((b) => Array.from({ length: b.length }, (_, i) => ({ b, i })));
  assert.equal(rows.length, 2);
  const [st, wr] = rows;
  const sd = batchData(st!.b, 2, st!.i, true)!;
  assert.deepEqual([...sd.bytes], [...stat]);
  assert.equal(sd.truncated, false);
  assert.equal(batchData(st!.b, 2, st!.i, false), undefined, 'nothing was read at entry');
  assert.equal(batchString(st!.b, 1, st!.i), '/etc', 'strings are unchanged');
  const wd = batchData(wr!.b, 1, wr!.i, false)!;
  assert.equal(new TextDecoder().decode(wd.bytes), 'hello');
  assert.equal(wd.truncated, true);
  assert.equal(t.stats.orphanData, 1);
  assert.equal(t.stats.truncatedData, 1);
  const sig = items.find((it) => it.type === 'signal');
  assert.ok(sig && sig.type === 'signal');
  assert.equal(sig.signo, 17);
  assert.equal(sig.code, 1);
  assert.equal(sig.ignored, false);
  assert.equal(new DataView(sig.fields.buffer, sig.fields.byteOffset).getInt32(0, true), 4242);
  assert.equal(t.stats.signals, 1);
});

test('an ignored signal sent to a thread inside a syscall takes its place after that syscall', async () => {
  const w = new PacketWriter();
  const order = async (): Promise<string[]> => {
    const items = await readAll(await openTrace(tmpFile('held.bin', image(w))));
    return items.flatMap((it) => {
      if (it.type === 'signal') return [`${it.tid} SIG${it.signo}${it.ignored ? ' ignored' : ''}${it.comm ? ' ' + it.comm : ''}`];
      if (it.type !== 'syscalls') return [];
      return Array.from({ length: it.batch.length }, (_, i) => `${it.batch.tid[i]} nr${it.batch.nr[i]}`);
    });
  };
  w.fork({ pid: 1, tid: 1, ts: 5n, childPid: 20, childTid: 20, comm: 'parent' });
  // tid 20 blocks in wait4 (61); its child's exit sends it an ignored SIGCHLD at 150; wait4 returns at 200
  w.entry({ pid: 20, tid: 20, ts: 100n, nr: 61, args: [-1n, 0n, 0n, 0n] });
  w.entry({ pid: 30, tid: 30, ts: 140n, nr: 231, args: [0n] });
  w.signal({ pid: 20, tid: 20, ts: 150n, signo: 17, code: 1, ignored: true });
  w.entry({ pid: 40, tid: 40, ts: 160n, nr: 39, args: [] });
  w.exit({ pid: 40, tid: 40, ts: 170n, nr: 39, ret: 40n });
  w.exit({ pid: 20, tid: 20, ts: 200n, nr: 61, ret: 30n });
  w.entry({ pid: 20, tid: 20, ts: 210n, nr: 39, args: [] });
  w.exit({ pid: 20, tid: 20, ts: 220n, nr: 39, ret: 20n });
  // one sent while the thread ran in user space stays where it was sent
  w.signal({ pid: 20, tid: 20, ts: 230n, signo: 12, code: -6, ignored: true });
  // a delivered one is written by the thread itself after its syscall: as it comes
  w.entry({ pid: 20, tid: 20, ts: 240n, nr: 34, args: [] });
  w.exit({ pid: 20, tid: 20, ts: 250n, nr: 34, ret: -514n });
  w.signal({ pid: 20, tid: 20, ts: 260n, signo: 14, code: 128 });
  // held while in a call that never returns: released before the exit
  w.entry({ pid: 20, tid: 20, ts: 300n, nr: 231, args: [0n] });
  w.signal({ pid: 20, tid: 20, ts: 310n, signo: 17, code: 1, ignored: true });
  w.procExit({ pid: 20, tid: 20, ts: 320n, exitCode: 0, groupDead: true, comm: 'parent' });
  assert.deepEqual(await order(), [
    '20 nr61', '30 nr231', '40 nr39', '20 SIG17 ignored parent', '20 nr39', '20 SIG12 ignored parent',
    '20 nr34', '20 SIG14 parent', '20 nr231', '20 SIG17 ignored parent',
  ]);
});

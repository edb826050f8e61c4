// Where a signal goes does not depend on which packet reached the file first. The recorder
// writes a SIGNAL at once but a thread's ENTRY/EXIT in per-CPU batches, so a signal sent to a
// thread inside a call that has not blocked may come before that call's ENTRY: every format
// must show the same thing as for the packets in time order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PacketWriter } from '@vltrace/format';
import { convert, type ConvertOptions } from '../src/index.js';
import { tmpPath, writeTrace } from './helpers.js';

const B = 1_000_000_000n;
const FORMATS = ['text', 'hex', 'strace', 'csv', 'jsonl', 'arrow', 'parquet', 'perfetto'] as const;

/**
 * Thread 7 reads from 10 to 30 ns; a SIGCHLD is sent to it at 20 (ignored, or delivered);
 * thread 8 calls getpid at 25. `time`: the packets in time order; `batched`: the signal first,
 * then thread 8's batch, then thread 7's.
 */
function recording(arrival: 'time' | 'batched', ignored: boolean): string {
  const w = new PacketWriter();
  w.procInfo({ pid: 7, tid: 7, ts: B, ppid: 1, comm: 'app', exe: '/bin/app' });
  w.procInfo({ pid: 8, tid: 8, ts: B, ppid: 1, comm: 'other', exe: '/bin/other' });
  const signal = () => w.signal({ pid: 7, tid: 7, ts: B + 20n, signo: 17, code: 1, ignored });
  const entry7 = () => w.entry({ pid: 7, tid: 7, ts: B + 10n, nr: 0, args: [3n, 0n, 64n] });
  const exit7 = () => w.exit({ pid: 7, tid: 7, ts: B + 30n, nr: 0, ret: 64n });
  const call8 = () => {
    w.entry({ pid: 8, tid: 8, ts: B + 25n, nr: 39, args: [] });
    w.exit({ pid: 8, tid: 8, ts: B + 26n, nr: 39, ret: 8n });
  };
  if (arrival === 'time') {
    entry7();
    signal();
    call8();
    exit7();
  } else {
    signal();
    call8();
    entry7();
    exit7();
  }
  return writeTrace(`order-${arrival}-${ignored}-${Math.random()}.bin`, w);
}

async function output(file: string, to: (typeof FORMATS)[number]): Promise<Buffer> {
  const out = tmpPath(`${file.split('/').pop()}.${to}`);
  const opts: ConvertOptions = { inputs: [file], to, output: out };
  await convert(to === 'text' || to === 'hex' ? { ...opts, timestamps: 1 } : opts);
  return readFileSync(out);
}

for (const ignored of [true, false]) {
  test(`${ignored ? 'an ignored' : 'a delivered'} signal that arrives before the ENTRY of the call it came during: every format as in time order`, async () => {
    const time = recording('time', ignored);
    const batched = recording('batched', ignored);
    for (const to of FORMATS) assert.ok((await output(time, to)).equals(await output(batched, to)), to);
    // the text lines (entry: no result; exit: its result): an ignored signal comes after the
    // calls that entered before the read's exit (the stream gives it the exit's place); a
    // delivered one at its own time
    const text = (await output(batched, 'text')).toString().split('\n').slice(2, -1).map((l) => {
      const f = l.split(' ');
      return f[1] === 'SIGNAL' ? `SIGNAL ${f[2]}` : `${f[1]} ${f[3] === '------------------' ? 'entry' : 'exit'}`;
    });
    const [r7, x7, r8, x8, sig] = ['0x0000000700000007 entry', '0x0000000700000007 exit', '0x0000000800000008 entry', '0x0000000800000008 exit', 'SIGNAL 0x0000000700000007'];
    assert.deepEqual(text, ignored ? [r7, r8, sig, x8, x7] : [r7, sig, r8, x8, x7]);
  });
}

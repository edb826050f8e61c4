// Builds small recordings in memory and runs them through the strace sink.
import { Writable } from 'node:stream';
import {
  CHUNK_FLAGS, encodeHeader, openTrace, PacketWriter, syscallByName, type ChunkSpec, type TraceMeta,
} from '@vltrace/format';
import { createStraceSink, type StraceOptions } from '../src/sinks/strace.js';
import { syntheticMeta } from '@vltrace/testkit';

export const META: TraceMeta = syntheticMeta({ cwd: '/home/u', argv: ['vltrace-record', '-o', 't.bin', 'prog'], command: ['prog'] });

const enc = new TextEncoder();

/** A string argument: text (or bytes) and chunk flags. */
export type Str = string | Uint8Array | { s: string | Uint8Array; truncated?: boolean; readError?: boolean };

/** One syscall to record: name, raw args, string args by index, result (undefined: unfinished). */
export interface Sc {
  name: string;
  args?: readonly (number | bigint)[];
  strs?: Readonly<Record<number, Str>>;
  ret?: number | bigint;
  pid?: number;
  tid?: number;
  /** entry time in ns after the clock origin, and duration */
  at?: bigint;
  dur?: bigint;
  noEntry?: boolean;
  /** memory behind arguments read at entry (`in`) and at exit (`out`), as data packets */
  mem?: { in?: Readonly<Record<number, Mem>>; out?: Readonly<Record<number, Mem>> };
}

/** The bytes read behind an argument, and whether the read was cut or failed. */
export type Mem = Uint8Array | { bytes: Uint8Array; truncated?: boolean; readError?: boolean };

function memChunk(arg: number, v: Mem, exit: boolean): ChunkSpec {
  const bytes = v instanceof Uint8Array ? v : v.bytes;
  let flags = exit ? CHUNK_FLAGS.EXIT.bit : 0;
  if (!(v instanceof Uint8Array) && v.truncated) flags |= CHUNK_FLAGS.TRUNCATED.bit;
  if (!(v instanceof Uint8Array) && v.readError) flags |= CHUNK_FLAGS.READ_ERROR.bit;
  return { arg, bytes, flags };
}

function memChunks(m: Readonly<Record<number, Mem>> | undefined, exit: boolean): ChunkSpec[] {
  return Object.entries(m ?? {}).map(([k, v]) => memChunk(Number(k), v, exit));
}

export function nrOf(name: string): number {
  const d = syscallByName(name);
  if (!d) throw new Error(`no syscall ${name}`);
  return d.nr;
}

function chunk(arg: number, v: Str): ChunkSpec {
  if (typeof v === 'string' || v instanceof Uint8Array) return { arg, bytes: typeof v === 'string' ? enc.encode(v) : v };
  let flags = 0;
  if (v.truncated) flags |= CHUNK_FLAGS.TRUNCATED.bit;
  if (v.readError) flags |= CHUNK_FLAGS.READ_ERROR.bit;
  return { arg, bytes: typeof v.s === 'string' ? enc.encode(v.s) : v.s, flags };
}

let clock = 2_000_000_000n;

/** Records the calls one after the other (or at their `at`). */
export function record(w: PacketWriter, calls: readonly Sc[]): void {
  for (const sc of calls) {
    const pid = sc.pid ?? 100;
    const tid = sc.tid ?? pid;
    const nr = nrOf(sc.name);
    const ts = sc.at !== undefined ? 1_000_000_000n + sc.at : (clock += 10_000n);
    const args = (sc.args ?? []).map((a) => BigInt(a));
    if (!sc.noEntry) {
      const chunks = Object.entries(sc.strs ?? {}).map(([k, v]) => chunk(Number(k), v));
      w.entry({ pid, tid, ts, nr, args, chunks });
      const inMem = memChunks(sc.mem?.in, false);
      if (inMem.length) w.data({ pid, tid, ts, nr, chunks: inMem });
    }
    if (sc.ret !== undefined) {
      const te = ts + (sc.dur ?? 1234n);
      w.exit({ pid, tid, ts: te, nr, ret: BigInt(sc.ret) });
      const outMem = memChunks(sc.mem?.out, true);
      if (outMem.length) w.data({ pid, tid, ts: te, nr, chunks: outMem });
    }
  }
}

/** Runs the recording written by `build` through the strace sink; returns the output text. */
export async function straceOf(build: (w: PacketWriter) => void, opts: Partial<StraceOptions> = {}, meta: TraceMeta = META): Promise<string> {
  const w = new PacketWriter();
  build(w);
  const head = encodeHeader(meta, [], '');
  const body = w.bytes();
  const file = new Uint8Array(head.length + body.length);
  file.set(head);
  file.set(body, head.length);
  // as vltrace-convert reads for the strace sink: calls outlasting the window come first as ENTERED rows
  const trace = await openTrace((async function* () {
    yield file;
  })(), { entered: true });
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString('latin1');
      cb();
    },
  });
  const sink = createStraceSink(out, { followForks: false, ...opts, header: trace.header });
  for await (const item of trace.items()) await sink.write(item);
  await sink.close();
  return text;
}

/** The strace line of one call (without its newline). */
export async function lineOf(sc: Sc, opts: Partial<StraceOptions> = {}): Promise<string> {
  const text = await straceOf((w) => record(w, [sc]), opts);
  return text.replace(/\n$/, '');
}

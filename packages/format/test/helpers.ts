// Tiny helpers to build v1 traces in memory and read them back.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHeader, type TraceMeta } from '../src/header.js';
import { PacketWriter } from '../src/encode.js';
import { openTrace, type OpenTraceOptions, type Trace } from '../src/reader.js';
import type { TraceItem } from '../src/events.js';
import type { Syscall } from '../src/syscall.js';
import { syntheticMeta } from '@vltrace/testkit';

export const META: TraceMeta = syntheticMeta({ argv: ['vltrace-record', '-o', 't.bin', 'true'], command: ['true'] });

export const enc = (s: string) => new TextEncoder().encode(s);

/** Header + packets as one file image. */
export function image(w: PacketWriter, syscalls: [number, string, number][] = []): Uint8Array {
  const h = encodeHeader(META, syscalls, '/* trace.h */');
  const body = w.bytes();
  const out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  return out;
}

let dir: string | undefined;
export function tmpFile(name: string, bytes: Uint8Array): string {
  dir ??= mkdtempSync(join(tmpdir(), 'vlt-test-'));
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

export async function readAll(t: Trace): Promise<TraceItem[]> {
  const out: TraceItem[] = [];
  for await (const it of t.items()) out.push(it);
  return out;
}

export async function syscallsOf(bytes: Uint8Array, opts: OpenTraceOptions = {}): Promise<{ calls: Syscall[]; trace: Trace }> {
  const trace = await openTrace(tmpFile(`t${Math.random().toString(36).slice(2)}.bin`, bytes), opts);
  const calls: Syscall[] = [];
  for await (const s of trace.syscalls()) calls.push(s);
  return { calls, trace };
}

// A recording cut at any byte (recorder killed, disk full, copy interrupted) converts, in every
// format, to the rows of its whole packets before the cut, with a warning naming the cut
// packet's offset, and exit status 0 (README). The cuts are those of the last 4 KiB of a real
// recording (samples/ls.bin).
//
// What a format writes is a function of the items the reader delivers, and the reader's test
// (packages/format/test/truncated.test.ts) checks at every one of the 4096 cut positions that
// they are exactly those of the cut packet's start. So here every packet boundary goes through
// every format and is checked against the whole recording's rows; cuts inside packets, a
// sample covering every offset mod 8 of every packet, must give the same output as the
// boundary before them, byte for byte; and a sample goes through the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { tableFromIPC } from 'apache-arrow';
import { PT, openTrace, toWallClockNs, type FormatWarning, type TraceHeader } from '@vltrace/format';
import { BINARY_FORMATS, convert, createSink, FORMATS, type Format } from '../src/index.js';
import { arrowRows, duck, expectedRows, parquetSql, tmpPath } from './helpers.js';
import { packetsOf, type Packet } from '@vltrace/testkit';

const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '../../bin/vltrace-convert.js');
const SAMPLE = join(HERE, '../../../../samples/ls.bin');
const TAIL = 4096;
const TEXT_FORMATS = FORMATS.filter((f) => !BINARY_FORMATS.has(f));
// the binary table formats (a cut file's perfetto output: perfetto.test.ts)
const BIN_FORMATS = FORMATS.filter((f) => BINARY_FORMATS.has(f) && f !== 'perfetto');
/** small reads and batches: opening a trace then costs ~1 ms, not 8 MiB of buffers */
const READER = { readSize: 65536, batchRows: 1024 };

/** The packet a cut at `cut` falls in (or starts, at a boundary). */
function packetAt(packets: readonly Packet[], cut: number): Packet {
  for (let i = packets.length - 1; i >= 0; i--) if (packets[i]!.offset <= cut) return packets[i]!;
  throw new Error(`no packet before ${cut}`);
}

const FULL = readFileSync(SAMPLE);
const PACKETS = packetsOf(FULL);
const LO = FULL.length - TAIL;
const BOUNDARIES = PACKETS.filter((p) => p.offset + p.size >= LO).map((p) => p.offset);

/** The warning a cut inside the packet `p` gives (before the missing-trailer one). */
function truncatedMessage(p: Packet, cut: number): string {
  const inside = cut - p.offset;
  const what = inside < 8 ? `${inside} bytes, too few to hold its size` : `${inside} of its ${p.size} bytes`;
  return `truncated packet at end of file (${what}): the recording was cut short; everything before it was read`;
}

function checkWarnings(warnings: readonly FormatWarning[], cut: number, at: string): void {
  const p = packetAt(PACKETS, cut);
  if (cut === FULL.length) {
    assert.deepEqual(warnings, [], at);
    return;
  }
  const trailer = warnings.at(-1)!;
  assert.deepEqual([trailer.offset, /^no trailer/.test(trailer.message)], [cut, true], `${at}: ${JSON.stringify(warnings)}`);
  if (cut === p.offset) {
    assert.equal(warnings.length, 1, at);
    return;
  }
  assert.equal(warnings.length, 2, at);
  assert.equal(warnings[0]!.offset, p.offset, at);
  assert.equal(warnings[0]!.message, truncatedMessage(p, cut), at);
}

/** A writable stream that keeps what it is given. */
function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(Buffer.from(c));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('latin1') };
}

/** One read of `bytes` (an in-memory stream), its items written to every text format's sink. */
async function textOutputs(bytes: Uint8Array, name: string): Promise<{ out: Record<string, string>; warnings: FormatWarning[]; header: TraceHeader }> {
  const trace = await openTrace((async function* () { yield bytes; })(), { name, ...READER });
  const outs = TEXT_FORMATS.map(() => collector());
  const sinks = await Promise.all(TEXT_FORMATS.map((f, i) => createSink(f, outs[i]!.stream, { header: trace.header })));
  for await (const item of trace.items()) {
    for (const s of sinks) {
      const w = s.write(item);
      if (w) await w;
    }
  }
  for (const s of sinks) await s.close();
  return { out: Object.fromEntries(TEXT_FORMATS.map((f, i) => [f, outs[i]!.text()])), warnings: trace.warnings, header: trace.header };
}

/** A jsonl row without what its exit adds (an unfinished row of a cut file vs the complete one). */
const entryPart = (line: string) => line
  .replace(/"ts_exit":[^,]*,"duration_ns":[^,]*,/, '')
  .replace(/"ret":[^,]*,"errno":[^,]*,"errno_name":[^,]*,"status":"[^"]*"/, '');

test('cuts of the last 4 KiB, every text format: the rows of the whole packets before the cut, and the warning', { timeout: 180_000 }, async () => {
  const whole = await textOutputs(FULL, SAMPLE);
  assert.deepEqual(whole.warnings, []);
  // the tee above is what convert() writes
  for (const to of TEXT_FORMATS) {
    const c = collector();
    await convert({ inputs: [SAMPLE], to, stdout: c.stream });
    assert.equal(c.text(), whole.out[to], to);
  }
  // where each row of the whole file starts: its entry packet (its exit for a no-entry row),
  // found by its wall-clock time
  const firstPacket = new Map<string, number>();
  for (const p of PACKETS) {
    if (p.type === PT.ENTRY || p.type === PT.EXIT) firstPacket.set(`${p.type}:${toWallClockNs(whole.header.meta, p.ts)}`, p.offset);
  }
  const wholeRows = whole.out['jsonl']!.trimEnd().split('\n');
  const rowStart = wholeRows.map((line) => {
    const enter = /"ts_enter":(\d+|null)/.exec(line)![1]!;
    const at = enter === 'null' ? firstPacket.get(`${PT.EXIT}:${/"ts_exit":(\d+)/.exec(line)![1]}`) : firstPacket.get(`${PT.ENTRY}:${enter}`);
    assert.ok(at !== undefined, line);
    return at;
  });

  const atBoundary = new Map<number, Record<string, string>>();
  for (const b of BOUNDARIES) {
    const r = await textOutputs(FULL.subarray(0, b), 'cut.bin');
    checkWarnings(r.warnings, b, `cut at ${b}`);
    // jsonl: the rows of the whole file that start before b, in order; a row whose exit was cut
    // off is unfinished, its entry unchanged
    const rows = r.out['jsonl']! === '' ? [] : r.out['jsonl']!.trimEnd().split('\n');
    const want = rowStart.filter((at) => at < b).length;
    assert.equal(rows.length, want, `rows before ${b}`);
    rows.forEach((line, i) => {
      if (line === wholeRows[i]) return;
      assert.match(line, /"status":"unfinished"/, `row ${i} before ${b}`);
      assert.equal(entryPart(line), entryPart(wholeRows[i]!), `row ${i} before ${b}`);
    });
    // the other formats: the whole file's output but for its last lines (the cut-off ones)
    for (const to of ['text', 'hex', 'strace', 'csv'] as const) {
      const lines = r.out[to]!.split('\n');
      const wholeLines = whole.out[to]!.split('\n');
      const same = lines.findIndex((l, i) => l !== wholeLines[i]);
      assert.ok(same < 0 || same >= lines.length - 4, `${to} before ${b}: a prefix of the whole output, but for the last lines`);
    }
    atBoundary.set(b, r.out);
  }
  // inside packets: every 7th byte (7 and 8 are coprime: every offset mod 8 comes round)
  let cuts = 0;
  for (let cut = LO + 3; cut < FULL.length; cut += 7) {
    const b = packetAt(PACKETS, cut).offset;
    if (b === cut) continue;
    const r = await textOutputs(FULL.subarray(0, cut), 'cut.bin');
    checkWarnings(r.warnings, cut, `cut at ${cut}`);
    assert.deepEqual(r.out, atBoundary.get(b), `cut at ${cut}`);
    cuts++;
  }
  assert.ok(cuts > 500, `${cuts} cuts`);
});

test('arrow, arrows and parquet of cut files: the rows of the whole packets, read back', { timeout: 180_000 }, async () => {
  const file = tmpPath('cut-binary.bin');
  writeFileSync(file, FULL);
  const ref = new Map<string, { bytes: Buffer; rows: number }>();
  const out = (to: Format) => tmpPath(`cut-binary.${to}`);
  const run = async (cut: number, formats: readonly Format[]) => {
    truncateSync(file, cut);
    const res: Record<string, { bytes: Buffer; rows: number }> = {};
    for (const to of formats) {
      const r = await convert({ inputs: [file], to, output: out(to), reader: READER });
      checkWarnings(r.warnings, cut, `${to}, cut at ${cut}`);
      res[to] = { bytes: readFileSync(out(to)), rows: r.rows };
    }
    return res;
  };
  // every packet boundary (and the whole file), from the end: the rows read back are the reader's
  const parquetAt = new Set([FULL.length, ...BOUNDARIES.filter((_, i) => i % 15 === 5)]);
  for (const b of [FULL.length, ...[...BOUNDARIES].reverse()]) {
    const formats = BIN_FORMATS.filter((f) => f !== 'parquet' || parquetAt.has(b));
    const res = await run(b, formats);
    const want = await expectedRows(file);
    for (const to of formats) {
      const rows = to === 'parquet' ? await duck(parquetSql(`read_parquet('${out(to)}')`)) : arrowRows(tableFromIPC(res[to]!.bytes));
      assert.deepEqual(rows, want, `${to}, cut at ${b}`);
      assert.equal(res[to]!.rows, want.length);
      ref.set(`${to}@${b}`, res[to]!);
    }
  }
  // cuts inside packets: the same output as at the packet's start. arrow and arrows every 61st
  // byte; parquet at one cut of each offset mod 8 (the bug this guards against hit 1, 2, 5, 6)
  writeFileSync(file, FULL);
  const pq = packetAt(PACKETS, [...parquetAt].find((b) => b < FULL.length && packetAt(PACKETS, b).size >= 24)!);
  const parquetCuts = [3, 9, 10, 11, 12, 13, 14, 15].map((d) => pq.offset + d);
  const cuts = new Set([...Array.from({ length: Math.floor(TAIL / 61) }, (_, i) => LO + 61 * i + 11), ...parquetCuts]);
  for (const cut of [...cuts].sort((a, b) => b - a)) {
    const b = packetAt(PACKETS, cut).offset;
    if (b === cut) continue;
    const formats = BIN_FORMATS.filter((f) => f !== 'parquet' || parquetCuts.includes(cut));
    const res = await run(cut, formats);
    for (const to of formats) {
      const want = ref.get(`${to}@${b}`);
      assert.ok(want, `${to} at ${b}`);
      assert.equal(res[to]!.rows, want.rows, `${to}, cut at ${cut}`);
      assert.ok(res[to]!.bytes.equals(want.bytes), `${to}, cut at ${cut}: the same file as at ${b}`);
    }
  }
});

test('the CLI on cut files, every format: exit 0, the warning with the offset, the rows before the cut', { timeout: 120_000 }, async () => {
  // cuts 9 and 14 bytes into a packet (≡ 1 and 6 mod 8: they failed before)
  const p = [...PACKETS].reverse().find((q) => q.offset >= LO && q.size >= 24)!;
  const src = tmpPath('cli-cut.bin');
  for (const [i, cut] of [p.offset + 9, p.offset + 14].entries()) {
    writeFileSync(src, FULL.subarray(0, cut));
    const before = tmpPath('cli-cut-before.bin');
    writeFileSync(before, FULL.subarray(0, p.offset));
    // the text formats at each cut, the binary ones spread over them
    for (const to of FORMATS.filter((f) => !BINARY_FORMATS.has(f) || BIN_FORMATS.indexOf(f) % 2 === i)) {
      const output = tmpPath(`cli-cut-${i}.${to}`);
      const expected = tmpPath(`cli-cut-before-${i}.${to}`);
      const r = spawnSync(process.execPath, [BIN, src, '--to', to, '-o', output], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${to}, cut at ${cut}: ${r.stderr}`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines[0], `vltrace-convert: warning: ${src}: offset ${p.offset}: ${truncatedMessage(p, cut)}`);
      assert.match(lines[1]!, new RegExp(`^vltrace-convert: warning: .*: offset ${cut}: no trailer`));
      const res = await convert({ inputs: [before], to, output: expected });
      assert.equal(lines[2], `vltrace-convert: wrote ${res.rows} rows to ${output}`);
      assert.equal(lines.length, 3, r.stderr);
      assert.ok(readFileSync(output).equals(readFileSync(expected)), `${to}, cut at ${cut}: the output of the packets before it`);
    }
  }
});

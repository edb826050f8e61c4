// The hot-path decoder reads packets as 32-bit words at computed offsets. Here an independent
// decoder, binary-parser driven by the same layout declarations, walks a synthetic recording
// and the two must agree on every syscall.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Parser } from 'binary-parser';
import { PACKET_HEADER, PT, SCALARS, type FieldDef } from '../src/layout.js';
import { PACKETS } from '../src/layout.js';
import { openTrace } from '../src/reader.js';
import { synthesizeTrace } from '@vltrace/testkit';

/** A binary-parser for a field list (flexible arrays are left to the caller). */
function parserFor(fields: readonly FieldDef[]): Parser {
  let p = new Parser().endianness('little');
  for (const f of fields) {
    if (f.count === 0) break;
    const t = f.type;
    if (f.count !== undefined) p = p.array(f.name, { type: 'uint8', length: f.count * SCALARS[t].size }); // raw bytes
    else if (t === 'u8') p = p.uint8(f.name);
    else if (t === 'u16') p = p.uint16(f.name);
    else if (t === 'u32') p = p.uint32(f.name);
    else if (t === 'i32') p = p.int32(f.name);
    else if (t === 'u64') p = p.uint64(f.name);
    else if (t === 'i64') p = p.int64(f.name);
  }
  return p;
}

test('binary-parser, driven by the layout, agrees with the hot-path decoder', async () => {
  const file = join(tmpdir(), `vlt-crosscheck-${process.pid}.bin`);
  await synthesizeTrace(file, { syscalls: 20000, seed: 3 });
  const trace = await openTrace(file);
  const start = trace.header.size;
  const bytes = readFileSync(file);
  const entryP = parserFor([...PACKET_HEADER, ...PACKETS.ENTRY.fields]);
  const exitP = parserFor([...PACKET_HEADER, ...PACKETS.EXIT.fields]);
  const headP = parserFor(PACKET_HEADER);
  type Row = { tid: number; nr: number; ts: bigint; args: bigint[]; ret?: bigint; tsExit?: bigint };
  const open = new Map<number, Row>();
  const done: Row[] = [];
  for (let o = start; o < bytes.length;) {
    const h = headP.parse(bytes.subarray(o, o + 24)) as { size: number; info: number; pid_tid: bigint; ts: bigint };
    const type = h.info & 15;
    const tid = Number(h.pid_tid & 0xffffffffn);
    if (type === PT.ENTRY) {
      const e = entryP.parse(bytes.subarray(o, o + h.size)) as { nr: number };
      const nargs = (h.info >>> 13) & 7;
      const args = Array.from({ length: nargs }, (_, i) => bytes.readBigInt64LE(o + 32 + 8 * i));
      open.set(tid, { tid, nr: e.nr, ts: h.ts, args });
    } else if (type === PT.EXIT) {
      const x = exitP.parse(bytes.subarray(o, o + h.size)) as { nr: number; ret: bigint };
      const row = open.get(tid)!;
      assert.equal(row.nr, x.nr);
      row.ret = x.ret;
      row.tsExit = h.ts;
      done.push(row);
      open.delete(tid);
    }
    o += h.size;
  }
  done.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  let i = 0;
  for await (const sc of trace.syscalls()) {
    const r = done[i++]!;
    assert.deepEqual([sc.tid, sc.nr, sc.tsEnter, sc.tsExit, sc.ret, sc.args], [r.tid, r.nr, BigInt.asUintN(64, r.ts), BigInt.asUintN(64, r.tsExit!), r.ret, r.args]);
  }
  assert.equal(i, 20000);
});

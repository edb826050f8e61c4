// A syscall number no table knows still gets a name (strace's syscall_0x…) in every columnar
// output, not a null that would hide which call it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { encodeHeader, PacketWriter, openTrace } from '@vltrace/format';
import { convert } from '../src/index.js';
import { synthesizeTrace } from '@vltrace/testkit';

test('an unknown syscall number is named syscall_0x… in Parquet', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-unknown-'));
  // borrow a real header (metadata) from a tiny synthetic recording
  await synthesizeTrace(join(dir, 's.bin'), { syscalls: 1 });
  const sample = await openTrace(join(dir, 's.bin'));
  const header = sample.header;
  await sample.close();
  const w = new PacketWriter();
  w.entry({ pid: 7, tid: 7, ts: 2_000_000_000n, nr: 999, args: [1n] });
  w.exit({ pid: 7, tid: 7, ts: 2_000_000_100n, nr: 999, ret: -38n });
  const head = encodeHeader(header.meta, header.syscalls, header.traceH);
  const body = w.bytes();
  const file = join(dir, 'u.bin');
  writeFileSync(file, Buffer.concat([head, body]));
  const out = join(dir, 'u.parquet');
  await convert({ inputs: [file], to: 'parquet', output: out });
  const db = await (await DuckDBInstance.create()).connect();
  const rows = (await db.runAndReadAll(`SELECT nr, syscall, errno_name FROM read_parquet('${out}')`)).getRowObjects();
  assert.deepEqual(rows, [{ nr: 999, syscall: 'syscall_0x3e7', errno_name: 'ENOSYS' }]);
});

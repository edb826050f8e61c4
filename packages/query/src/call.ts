/**
 * A syscalls row as the call strace prints, for the `failed` and `slow` reports:
 * `openat(AT_FDCWD, "/etc/x", O_RDONLY|O_CLOEXEC) = -1 ENOENT (No such file or directory)`.
 * The text comes from @vltrace/convert's strace printer (the same decoders as
 * `vltrace-convert --to strace`: flags by name, structs and buffers from the recorded memory
 * in the `data` column); this module only picks the columns in SQL and hands them over.
 */
import { Buffer } from 'node:buffer';
import { callText, type Int64Value } from '@vltrace/convert/strace-call';
import type { Session } from './session.js';

const SIX = [0, 1, 2, 3, 4, 5];

/**
 * The columns a call is printed from, as [name, SQL expression]. `data` travels as base64
 * text (a BLOB does not come out of the JSON rows as bytes); Parquet written before the column
 * existed has none: its calls print their pointers as addresses, as strace does when it cannot
 * read the memory.
 */
async function callFields(s: Session): Promise<[string, string][]> {
  const plain = ['syscall', 'nr', 'pid', 'tid', ...SIX.map((a) => `arg${a}`), ...SIX.map((a) => `str${a}`), 'str_flags', 'ret', 'status'];
  const data = (await s.hasColumn('data')) ? 'to_base64(data)' : 'NULL::VARCHAR';
  return [...plain.map((c): [string, string] => [c, c]), ['call_data', data]];
}

/** The call's columns as one struct_pack(...) expression (for arg_min and friends). */
export async function callStruct(s: Session): Promise<string> {
  return `struct_pack(${(await callFields(s)).map(([n, e]) => `${n} := ${e}`).join(', ')})`;
}

/** The call's columns as a select list. */
export async function callSelect(s: Session): Promise<string> {
  return (await callFields(s)).map(([n, e]) => (n === e ? n : `${e} AS ${n}`)).join(', ');
}

const int64 = (v: unknown): Int64Value | null => (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string' ? v : null);
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The call of a row holding the columns of callSelect / callStruct, as strace prints it. */
export function callOf(r: Readonly<Record<string, unknown>>): string {
  const data = text(r['call_data']);
  return callText({
    syscall: String(r['syscall']),
    nr: r['nr'] === null ? null : Number(r['nr']),
    pid: r['pid'] === null ? null : Number(r['pid']),
    tid: r['tid'] === null ? null : Number(r['tid']),
    args: SIX.map((a) => int64(r[`arg${a}`])),
    strs: SIX.map((a) => text(r[`str${a}`])),
    strFlags: Number(r['str_flags'] ?? 0),
    data: data === null ? null : Buffer.from(data, 'base64'),
    ret: int64(r['ret']),
    status: text(r['status']),
  });
}

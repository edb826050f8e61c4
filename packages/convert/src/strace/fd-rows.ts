/**
 * The -y fd tracker fed from table rows (SCHEMA.md), for readers that have the rows and not the
 * recording's stream (vltrace-query's `files`): each row becomes a one-row batch and goes
 * through the same decoder effects and recorded files (FD_RET, FD_PAIR, CWD) as a call of the
 * strace printer (`callEffect`), so a descriptor or working directory is named the same way in
 * both. What rows do not hold — process events (fork, exec, exit), the descriptors a process
 * held when recording started — the reader tells the tracker itself (`fork`, `exit`) or does
 * without.
 */
import { Buffer } from 'node:buffer';
import { capturesOf, SYSCALLS_X86_64, SyscallStatus } from '@vltrace/format';
import { textOf, unescapeBytes } from '../bytes.js';
import { STR_FLAG } from '../schema.js';
import { Call, type StraceConfig } from './call.js';
import { oneRow, STATUS, type CallColumns } from './call-text.js';
import { decoderFor } from './decoders/index.js';
import { callEffect } from './fd-records.js';
import type { FdTracker } from './fds.js';

export { FdTracker, type FdName, type FdTrackerOptions, type FdWatcher } from './fds.js';
export type { CallColumns, Int64Value } from './call-text.js';
export { commandCwd, CWD_META_KEY } from '../start-cwd.js';

const CFG: StraceConfig = { style: 'abbrev', stringLimit: 32, decodeFds: true };
const calls = new WeakMap<FdTracker, Call>();

/**
 * What the call of a row does to the tracker, as the printer applies it: a complete call (or
 * one whose entry was not recorded) that returned; other rows change nothing.
 */
export function trackRow(fds: FdTracker, r: CallColumns): void {
  const status = r.status ? STATUS[r.status] : SyscallStatus.COMPLETE;
  if (status !== SyscallStatus.COMPLETE && status !== SyscallStatus.NO_ENTRY) return;
  if (r.ret === null || r.ret === undefined) return;
  const b = oneRow(r, status);
  let call = calls.get(fds);
  if (!call) calls.set(fds, (call = new Call(CFG, fds)));
  callEffect(decoderFor(r.syscall, b.nargs[0]!), call.at(b, 0, r.syscall), true);
}

const FILE_HOWS: ReadonlySet<string> = new Set(['FD_RET', 'FD_PAIR', 'CWD']);
let tracked: readonly string[] | undefined;

/**
 * The syscalls whose rows can change the tracker: a decoder effect, or files the recorder reads
 * behind their descriptors. Rows of other syscalls need not be walked.
 */
export function trackedSyscalls(): readonly string[] {
  return (tracked ??= SYSCALLS_X86_64.filter(
    (d) => decoderFor(d.name, d.args.length).effect !== undefined || capturesOf(d.nr).some((c) => FILE_HOWS.has(c.how)),
  ).map((d) => d.name));
}

/** A name of the tracker (a byte string: one char per byte) as the tables write text: UTF-8, or escaped as SCHEMA.md says. */
export function nameText(name: string): string {
  const b = Buffer.from(name, 'latin1');
  return textOf(b, 0, b.length).text;
}

/** String column `str<idx>` of a row (escaped or not, as its `str_flags` say) as the tracker's byte string. */
export function columnName(text: string, strFlags: number, idx: number): string {
  const escaped = ((strFlags >> (4 * idx)) & STR_FLAG.ESCAPED) !== 0;
  return Buffer.from(escaped ? unescapeBytes(text) : Buffer.from(text, 'utf8')).toString('latin1');
}

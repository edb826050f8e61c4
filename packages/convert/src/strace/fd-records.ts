/**
 * The files behind descriptors as the recorder read them in the kernel (FD_RET, FD_PAIR and CWD
 * captures of the capture table): the -y tracker learns each call's from here, and pipe2's and
 * socketpair's `[3, 4]` print from their FD_PAIR records.
 */
import { capturesOf, decodeFileRecords, type FileRecord } from '@vltrace/format';
import type { Call } from './call.js';
import type { Decoder } from './decoder.js';

const FILE_HOWS: ReadonlySet<string> = new Set(['FD_RET', 'FD_PAIR', 'CWD']);
const byNr = new Map<number, readonly number[]>();

/** The arguments (slots) whose exit chunks hold file records, for syscall nr. */
function fileSlots(nr: number): readonly number[] {
  let s = byNr.get(nr);
  if (!s) {
    s = capturesOf(nr).filter((c) => c.at === 'exit' && FILE_HOWS.has(c.how)).map((c) => c.arg);
    byNr.set(nr, s);
  }
  return s;
}

/** The file records of argument (slot) k of the call, read at its exit; [] when none were recorded. */
export function fileRecords(c: Call, k: number): FileRecord[] {
  const d = c.mem(k, true);
  return d === undefined ? [] : decodeFileRecords(d.bytes);
}

/** The tracker learns every file the recorder read for this call (when it succeeded). */
export function learnFiles(c: Call): void {
  if (!c.ok) return;
  for (const k of fileSlots(c.b.nr[c.i]!)) for (const r of fileRecords(c, k)) c.fds.learn(c.pid, r);
}

/**
 * What a returned call does to the -y tracker: its decoder's effect (a new descriptor, a
 * close, a chdir), then, with `learn`, the files the recorder read behind its descriptors, which
 * name them as /proc does. The one place calls change the tracker: the strace printer and
 * vltrace-query's `files` (through trackRow) both come here.
 */
export function callEffect(d: Decoder, c: Call, learn: boolean): void {
  d.effect?.(c);
  if (learn) learnFiles(c);
}

/** The two descriptors pipe, pipe2 and socketpair stored at argument k, from their FD_PAIR records. */
export function pairFds(c: Call, k: number): [number, number] | undefined {
  const rs = fileRecords(c, k);
  return rs.length === 2 ? [rs[0]!.fd, rs[1]!.fd] : undefined;
}

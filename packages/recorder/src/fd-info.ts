/**
 * FD_INFO packets: the descriptors and the working directory of the processes that ran before
 * recording started, read from /proc when it starts, so that a reader names a descriptor the
 * recording never saw opened (stdin, stdout and stderr of the command, whatever a -p process
 * had open) as strace -y does: by what /proc/PID/fd/FD reads.
 */
import { closeSync, openSync, readSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { Buffer } from 'node:buffer';
import { FD_CWD, type PacketWriter } from './format.js';

/** O_CLOEXEC in the `flags:` line of /proc/PID/fdinfo/FD (octal there). */
const O_CLOEXEC = 0o2000000;
/** What /proc appends to the name of an unlinked file. */
const DELETED = Buffer.from(' (deleted)');

/** One entry of /proc/PID/fd (or /proc/PID/cwd), undefined when it went away or cannot be read. */
function entry(link: string): { path: Buffer; deleted: boolean; ino: bigint; mode: number } | undefined {
  try {
    let path = readlinkSync(link, { encoding: 'buffer' });
    const st = statSync(link, { bigint: true, throwIfNoEntry: false });
    // ` (deleted)` is the kernel's mark only when the file has no link left (a file may be named so)
    const deleted = st !== undefined && st.nlink === 0n && path.length >= DELETED.length && path.subarray(path.length - DELETED.length).equals(DELETED);
    if (deleted) path = path.subarray(0, path.length - DELETED.length);
    return { path, deleted, ino: st?.ino ?? 0n, mode: Number(st?.mode ?? 0n) };
  } catch {
    return undefined;
  }
}

/** The start of an fdinfo file: `pos:` then `flags:` (a whole read costs ~100 µs for some kinds). */
const FDINFO_HEAD = Buffer.alloc(64);

function cloexecOf(pid: number, fd: number): boolean {
  let f: number | undefined;
  try {
    f = openSync(`/proc/${pid}/fdinfo/${fd}`, 'r');
    const n = readSync(f, FDINFO_HEAD, 0, FDINFO_HEAD.length, null);
    const m = /^flags:\s*([0-7]+)$/m.exec(FDINFO_HEAD.toString('latin1', 0, n));
    return m !== null && (parseInt(m[1]!, 8) & O_CLOEXEC) !== 0;
  } catch {
    return false;
  } finally {
    if (f !== undefined) closeSync(f);
  }
}

/**
 * Appends FD_INFO packets for process `pid`: its working directory and each open descriptor
 * but those in `skip` (the command's go pipe, which it closes at exec); returns how many.
 * A process that ended meanwhile, or whose /proc entries this user cannot read, has none.
 */
export function writeFdInfo(w: PacketWriter, pid: number, ts: bigint, skip: ReadonlySet<number> = new Set()): number {
  let n = 0;
  const cwd = entry(`/proc/${pid}/cwd`);
  if (cwd) {
    w.fdInfo({ pid, ts, fd: FD_CWD, ...cwd });
    n++;
  }
  let fds: number[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`).map(Number).filter((fd) => Number.isInteger(fd) && !skip.has(fd));
  } catch {
    return n;
  }
  for (const fd of fds.sort((a, b) => a - b)) {
    const e = entry(`/proc/${pid}/fd/${fd}`);
    if (!e) continue;
    w.fdInfo({ pid, ts, fd, cloexec: cloexecOf(pid, fd), ...e });
    n++;
  }
  return n;
}

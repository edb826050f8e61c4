/**
 * One converting process per recording's cache: a lock file holding the pid and start time of
 * its holder. It is created whole under a temporary name and hard-linked to its name (link
 * fails when the name exists: the O_EXCL of a file that is never seen half-written). Others wait
 * for it to go, then find the conversion done. A lock whose holder is gone (no such pid, or a
 * pid reused by a process started at another time) is stale and taken over.
 *
 * The lock only saves work: a conversion is written in a private directory and renamed into
 * place, so two conversions at once (a lock broken by mistake) still leave one whole cache.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join } from 'node:path';
import { LOCK_FILE, LOCK_TMP_PREFIX } from './cache-place.js';

/** how often a waiting process looks at the lock again */
const POLL_MS = 100;

/** The start time of a process (clock ticks after boot, field 22 of /proc/PID/stat), or undefined. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // the command name (field 2) is in parentheses and may hold anything: count after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The text of a lock held by `pid`. */
export function lockText(pid: number): string {
  return `${pid} ${processStart(pid) ?? '?'}\n`;
}

/** Whether the process a lock names still runs (the same process: its start time matches). */
function holderAlive(text: string): boolean {
  const m = /^(\d+) (\d+|\?)\n$/.exec(text);
  if (!m) return false; // not a lock of ours: whoever wrote it, it holds nothing
  const pid = Number(m[1]);
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return m[2] === '?' || processStart(pid) === m[2];
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/**
 * Removes a stale lock, unless it changed since it was read (someone took it meanwhile): it is
 * first renamed aside, so that what is removed is what was judged.
 */
function breakStale(lock: string, seen: string): void {
  const aside = join(dirname(lock), `${LOCK_TMP_PREFIX}${process.pid}-stale-${randomBytes(4).toString('hex')}`);
  try {
    renameSync(lock, aside);
  } catch {
    return; // gone already
  }
  if (readOrUndefined(aside) !== seen) {
    // a fresh lock was moved: put it back (unless yet another was taken meanwhile)
    try {
      linkSync(aside, lock);
    } catch {
      // taken again: two conversions may run, which the atomic rename keeps harmless
    }
  }
  unlinkSync(aside);
}

/** A held lock; release() removes it if it is still this process's. */
export interface CacheLock {
  release(): void;
}

/**
 * Takes the lock of a recording's cache directory, waiting while another live process holds it
 * (`onWait` is told its pid once).
 */
export async function lockCache(dir: string, onWait?: (pid: number) => void): Promise<CacheLock> {
  const lock = join(dir, LOCK_FILE);
  const mine = lockText(process.pid);
  const tmp = join(dir, `${LOCK_TMP_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  writeFileSync(tmp, mine, { mode: 0o600, flag: 'wx' });
  let told = false;
  try {
    for (;;) {
      try {
        linkSync(tmp, lock);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const held = readOrUndefined(lock);
      if (held === undefined) continue; // released between link and read
      if (!holderAlive(held)) {
        breakStale(lock, held);
        continue;
      }
      if (!told) onWait?.(Number(held.split(' ')[0]));
      told = true;
      await sleep(POLL_MS);
    }
  } finally {
    unlinkSync(tmp);
  }
  return {
    release() {
      if (readOrUndefined(lock) === mine) unlinkSync(lock);
    },
  };
}

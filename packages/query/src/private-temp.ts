/**
 * This process's private temporary directory (mode 0700, an unpredictable name in the temp dir),
 * made on first use and removed when the process exits, with whatever else was registered for
 * removal. For data derived from recordings that must not outlive the command nor be readable by
 * others: DuckDB's spill files, a cache when there is no usable home, conversions not kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const removeAtExit = new Set<string>();
let exitHook = false;

/** Removes `path` (recursively) when the process exits. */
export function removeWhenDone(path: string): void {
  removeAtExit.add(path);
  if (exitHook) return;
  exitHook = true;
  process.on('exit', () => {
    for (const p of removeAtExit) rmSync(p, { recursive: true, force: true });
  });
}

let dir: string | undefined;

/** The directory (created on first call). */
export function privateTempDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'vltrace-query-'));
    removeWhenDone(dir);
  }
  return dir;
}

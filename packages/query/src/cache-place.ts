/**
 * Where the query cache of a recording lives and what it must match to be used.
 *
 * Places, in order: `--cache-dir` when given (it must be this user's and writable by nobody
 * else, or the command stops); else `.vltrace-cache/` beside the recording when that directory
 * is this user's own (created if the recording's directory is writable and trusted); else the
 * per-user cache, `$XDG_CACHE_HOME/vltrace` or `~/.cache/vltrace` (mode 0700); else — no usable
 * home — a private temporary directory removed when the process exits.
 *
 * Layout under a place's root (a recording's directory is named after it: its base name beside
 * it, its base name and a hash of its real path elsewhere):
 *
 *     <root>/<name>/lock            while a process converts: its pid and start time
 *     <root>/<name>/current/        the conversion in use: key.json, recording.json,
 *                                   syscalls/part-*.parquet
 *     <root>/<name>/.build-PID-XXXXXX/  a conversion being written (mode 0700), renamed to current/
 *
 * A conversion is used only when its key.json equals the recording's key: its identity (device,
 * inode, size, mtime, ctime, a hash of its first bytes — the header) and the versions of the
 * format, the schema and this cache.
 */
import { createHash } from 'node:crypto';
import { access, chmodSync, constants, lstatSync, realpathSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { FILE_MAGIC, FORMAT_VERSION, HEADER_PREFIX_SIZE, MAX_HEADER_SIZE, parseHeaderPrefix } from '@vltrace/format';
import { derivedMode, ensureOwnDir } from '@vltrace/format/files';
import { distrustAncestors, distrustOwnDir, umask } from './cache-trust.js';
import { InputError } from './errors.js';
import { privateTempDir } from './private-temp.js';

/** Bump when what the cache holds changes shape (4: the `data` column, added within schema version 2; 5: the `vltrace.cwd` metadata key). */
export const CACHE_VERSION = 5;
/** the cache directory beside recordings */
export const BESIDE_DIR = '.vltrace-cache';
/** the per-user cache, under $XDG_CACHE_HOME or ~/.cache */
export const USER_DIR = 'vltrace';
/** names inside a recording's directory */
export const CURRENT = 'current';
export const LOCK_FILE = 'lock';
/** a lock being made (cache-lock.ts), a conversion being written, one being replaced: NAME<pid>-… */
export const LOCK_TMP_PREFIX = '.lock-';
export const BUILD_PREFIX = '.build-';
export const OLD_PREFIX = '.old-';
/** names inside a conversion */
export const KEY_FILE = 'key.json';
export const INFO_FILE = 'recording.json';
/** process rows, kept by cache versions up to 4 (the process table is now computed from the rows) */
export const PROCESSES_FILE = 'processes.parquet';
export const SYSCALLS_DIR = 'syscalls';
/** bytes of a recording hashed into its key (more when a v1 header is longer) */
const HEAD_BYTES = 64 * 1024;

/** What a conversion must carry to be used for a recording. */
export interface CacheKey {
  readonly cache: number;
  readonly format: string;
  readonly schema: string;
  readonly dev: string;
  readonly ino: string;
  readonly size: string;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  /** sha256 of the recording's first bytes */
  readonly head: string;
}

/** A recording as the cache sees it: its key, and the modes derived files get. */
export interface RecordingIdentity {
  readonly key: CacheKey;
  /** mode of the cache's files: the recording's rw bits at most, never writable by others */
  readonly fileMode: number;
  /** mode of the cache's directories (x where r) */
  readonly dirMode: number;
}

/** The identity of a recording, for its cache key. */
export async function identityOf(file: string): Promise<RecordingIdentity> {
  const st = await stat(file, { bigint: true });
  const { SCHEMA_VERSION } = await import('@vltrace/convert'); // loaded on first use: only .bin inputs need the converter
  const key: CacheKey = {
    cache: CACHE_VERSION,
    format: `${FORMAT_VERSION.major}.${FORMAT_VERSION.minor}`,
    schema: SCHEMA_VERSION,
    dev: String(st.dev), ino: String(st.ino), size: String(st.size), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs),
    head: await headHash(file),
  };
  const mode = Number(st.mode & 0o7777n);
  const mask = ~umask() & ~0o022 & 0o777;
  return { key, fileMode: derivedMode(mode) & mask, dirMode: derivedMode(mode, true) & mask };
}

/** sha256 of the first HEAD_BYTES of a file, or of its whole v1 header when that is longer. */
async function headHash(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    let buf = Buffer.alloc(HEAD_BYTES);
    let { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    if (bytesRead >= HEADER_PREFIX_SIZE && buf.subarray(0, FILE_MAGIC.length).toString('latin1') === FILE_MAGIC) {
      let size = 0;
      try {
        size = parseHeaderPrefix(file, buf.subarray(0, bytesRead)).size;
      } catch {
        // not a readable header: the first bytes are the key, the conversion reports the error
      }
      if (size > bytesRead && size <= MAX_HEADER_SIZE) {
        buf = Buffer.alloc(size);
        ({ bytesRead } = await fh.read(buf, 0, size, 0));
      }
    }
    return createHash('sha256').update(buf.subarray(0, bytesRead)).digest('hex');
  } finally {
    await fh.close();
  }
}

/** Where a recording's cache is. */
export interface CachePlace {
  /** the root: --cache-dir, a `.vltrace-cache` directory, the per-user cache or a private temp dir */
  readonly root: string;
  /** the recording's directory under the root */
  readonly dir: string;
}

export interface PlaceOptions {
  /** --cache-dir */
  readonly cacheDir?: string | undefined;
  /** told why a `.vltrace-cache` directory beside the recording is not used */
  readonly onNotice?: ((message: string) => void) | undefined;
}

const writable = (dir: string) => new Promise<boolean>((ok) => access(dir, constants.W_OK, (e) => ok(!e)));

/** The reason an error gives, without the path (the caller names it). */
const why = (e: unknown) => (e instanceof Error ? e.message.replace(/^cannot write [^:]*: /, '') : String(e));

/**
 * The explicit cache directory, made if missing; an InputError when it is not this user's own
 * (a directory someone else can fill must not answer queries).
 */
function explicitRoot(cacheDir: string, create: boolean): string | undefined {
  const abs = resolve(cacheDir);
  try {
    if (!exists(abs)) {
      if (!create) return undefined;
      ensureOwnDir(abs, 0o700);
    }
    const real = realpathSync(abs);
    const bad = distrustOwnDir(real) ?? distrustAncestors(dirname(real));
    if (bad) throw new Error(bad);
    return real;
  } catch (e) {
    throw new InputError(cacheDir, `cannot keep the query cache there: ${why(e)}`);
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** directories already said to be someone else's (said once per process) */
const noticed = new Set<string>();
function notice(opts: PlaceOptions, root: string, reason: string): void {
  if (noticed.has(root)) return;
  noticed.add(root);
  opts.onNotice?.(`not using ${root}: ${reason}`);
}

/** `.vltrace-cache` beside the recording when it can be this user's own; undefined otherwise. */
async function besideRoot(recDir: string, mode: number, create: boolean, opts: PlaceOptions): Promise<string | undefined> {
  // someone else could rename things in the recording's directory (or above): not there
  if (distrustAncestors(recDir)) return undefined;
  const root = join(recDir, BESIDE_DIR);
  if (exists(root)) {
    const bad = distrustOwnDir(root);
    if (bad) {
      notice(opts, root, bad);
      return undefined;
    }
    return (await writable(root)) ? root : undefined;
  }
  if (!(await writable(recDir))) return undefined;
  if (!create) return root;
  try {
    ensureOwnDir(root, mode);
    return root;
  } catch (e) {
    // another user made it meanwhile
    notice(opts, root, why(e));
    return undefined;
  }
}

/** The per-user cache root, when it is (or can be made) this user's own. */
function userRoot(create: boolean): string | undefined {
  const xdg = process.env['XDG_CACHE_HOME'];
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  const root = join(base, USER_DIR);
  try {
    if (!exists(root)) {
      if (!create) return undefined;
      ensureOwnDir(root, 0o700);
    }
    const real = realpathSync(root);
    return distrustOwnDir(real) ?? distrustAncestors(dirname(real)) ? undefined : real;
  } catch {
    return undefined;
  }
}

/**
 * The place of a recording's cache. With `create`, directories are made as needed (the
 * recording's own with `dirMode`) and a place is always found; without, only existing trusted
 * directories are looked at and undefined means there is no cache.
 */
export async function placeOf(file: string, dirMode: number, create: boolean, opts: PlaceOptions = {}): Promise<CachePlace | undefined> {
  const real = realpathSync(file);
  const hashed = `${basename(real)}-${createHash('sha256').update(real).digest('hex').slice(0, 16)}`;
  let root: string | undefined;
  let name = hashed;
  if (opts.cacheDir !== undefined) root = explicitRoot(opts.cacheDir, create);
  else {
    const recDir = realpathSync(dirname(resolve(file)));
    root = await besideRoot(recDir, dirMode, create, opts);
    if (root) name = basename(resolve(file));
    else root = userRoot(create) ?? (create ? join(privateTempDir(), 'cache') : undefined);
  }
  if (!root) return undefined;
  const dir = join(root, name);
  if (create) {
    ensureOwnDir(dir, dirMode);
    // the recording's mode may have changed since: the cache follows it
    if ((lstatSync(dir).mode & 0o777) !== dirMode) chmodSync(dir, dirMode);
  } else if (!exists(dir) || distrustOwnDir(dir)) return undefined;
  return { root, dir };
}

// The query cache, through the CLI run for real, as root and as an unprivileged user (setpriv,
// uid 65534): where it goes (beside the recording when that is this user's own place, else the
// per-user cache, 0700), that a cache someone else made is never used (a planted
// `.vltrace-cache`, a planted conversion, someone else's --cache-dir), that a recording with the
// same size and mtime but other content or another inode is converted again, that the cache's
// modes follow the recording's, and that concurrent queries on a fresh recording all succeed
// with one conversion (the lock, stale locks of dead processes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync,
  utimesSync, writeFileSync, writeSync, closeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script, tmpDir, writeTrace } from './fixture.js';
import { identityOf, BESIDE_DIR, CURRENT, LOCK_FILE, USER_DIR } from '../src/cache-place.js';
import { lockText } from '../src/cache-lock.js';
import { umask } from '../src/cache-trust.js';
import { TraceDb } from '../src/db.js';
import { synthesizeTrace } from '@vltrace/testkit';

const CLI = fileURLToPath(new URL('../../bin/vltrace-query.js', import.meta.url));
const NOBODY = 65534;
const SUM = 'SELECT sum(ret) AS s, count(*) AS n FROM syscalls';

/** A directory others can enter (the unprivileged runs need to). */
function openDir(prefix: string): string {
  const d = tmpDir(prefix);
  chmodSync(d, 0o755);
  return d;
}

/** A home directory for `uid` (its per-user cache goes under it). */
function homeOf(uid: number): string {
  const h = openDir('vq-home-');
  chownSync(h, uid, uid);
  return h;
}

const rootHome = homeOf(0);
const nobodyHome = homeOf(NOBODY);

interface Run {
  code: number | null;
  out: string;
  err: string;
}

function env(home: string): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete e['XDG_CACHE_HOME'];
  return e;
}

/** The CLI as root (HOME: a test home), or as uid 65534 with `uid`. */
function cli(args: string[], opts: { uid?: number } = {}): Run {
  const r = opts.uid === undefined
    ? spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: env(rootHome), cwd: '/tmp', timeout: 120_000 })
    : spawnSync('setpriv', [`--reuid=${opts.uid}`, `--regid=${opts.uid}`, '--clear-groups', process.execPath, CLI, ...args],
      { encoding: 'utf8', env: env(nobodyHome), cwd: '/tmp', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** `SELECT sum(ret), count(*)` of a recording through the CLI: [sum, count]. */
function sumOf(bin: string, opts: { uid?: number; extra?: string[] } = {}): [number, number] {
  const r = cli(['sql', SUM, bin, '--format', 'json', ...(opts.extra ?? [])], opts);
  assert.equal(r.code, 0, r.err);
  const [row] = JSON.parse(r.out) as { s: number; n: number }[];
  return [row!.s, row!.n];
}

/** A recording of 40 getpid calls returning `ret`: recordings of different `ret` have the same size. */
function recording(ret: bigint, dir: string, name = 'run.bin'): string {
  const s = new Script();
  for (let i = 0; i < 40; i++) s.call(100, 'getpid', [], ret);
  return writeTrace(s.w, name, dir);
}

const mode = (p: string) => lstatSync(p).mode & 0o7777;
/** every directory and file under `dir`, with its mode and owner */
function tree(dir: string): { path: string; dir: boolean; mode: number; uid: number }[] {
  const out: { path: string; dir: boolean; mode: number; uid: number }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const st = lstatSync(p);
      out.push({ path: p, dir: e.isDirectory(), mode: st.mode & 0o7777, uid: st.uid });
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** The one recording directory in a per-user cache root. */
function userEntry(home: string, bin: string): string {
  const root = join(home, '.cache', USER_DIR);
  const names = readdirSync(root).filter((n) => n.startsWith(`${basename(bin)}-`));
  assert.equal(names.length, 1, `one cache of ${bin} in ${root}: ${names}`);
  return join(root, names[0]!);
}

test('root, a recording in a directory of another user: not beside it, in the per-user cache (0700)', () => {
  const dir = openDir('vq-theirs-');
  const bin = recording(7n, dir, 'theirs.bin');
  chownSync(dir, NOBODY, NOBODY);
  assert.deepEqual(sumOf(bin), [280, 40]);
  assert.deepEqual(readdirSync(dir), ['theirs.bin'], 'nothing written beside the recording');
  const root = join(rootHome, '.cache', USER_DIR);
  assert.equal(mode(root), 0o700);
  assert.equal(lstatSync(root).uid, 0);
  assert.ok(existsSync(join(userEntry(rootHome, bin), CURRENT, 'key.json')));
});

test('unprivileged, a recording in a directory it cannot write: the per-user cache (0700), its own', () => {
  const dir = openDir('vq-ro-');
  const bin = recording(9n, dir, 'ro.bin');
  chmodSync(bin, 0o644);
  assert.deepEqual(sumOf(bin, { uid: NOBODY }), [360, 40]);
  assert.deepEqual(readdirSync(dir), ['ro.bin']);
  const root = join(nobodyHome, '.cache', USER_DIR);
  assert.equal(mode(root), 0o700);
  for (const f of tree(root)) assert.equal(f.uid, NOBODY, f.path);
  // and the second run uses it: nothing rebuilt
  const key = join(userEntry(nobodyHome, bin), CURRENT, 'key.json');
  const before = statSync(key).ino;
  assert.deepEqual(sumOf(bin, { uid: NOBODY }), [360, 40]);
  assert.equal(statSync(key).ino, before);
});

/**
 * A `.vltrace-cache` another user planted beside `bin` in a shared directory: a conversion of
 * a decoy recording (same name, other rows) under the key `bin` really has, so that nothing but
 * its owner tells it apart. Returns the planted tree.
 */
async function plant(bin: string, owner: number): Promise<string> {
  const decoyDir = openDir('vq-decoy-');
  const decoy = recording(1000n, decoyDir, basename(bin));
  assert.deepEqual(sumOf(decoy), [40_000, 40]);
  const planted = join(bin, '..', BESIDE_DIR);
  cpSync(join(decoyDir, BESIDE_DIR), planted, { recursive: true });
  writeFileSync(join(planted, basename(bin), CURRENT, 'key.json'), JSON.stringify((await identityOf(bin)).key));
  for (const f of [{ path: planted }, ...tree(planted)]) chownSync(f.path, owner, owner);
  return planted;
}

/** A directory anyone can create things in, like /tmp (world-writable, sticky). */
function sharedDir(): string {
  const d = tmpDir('vq-shared-');
  chmodSync(d, 0o1777);
  return d;
}

test('root: a .vltrace-cache planted by another user in a shared directory is refused, with a notice', async () => {
  const shared = sharedDir();
  const bin = recording(5n, shared, 'shared-root.bin');
  const planted = await plant(bin, NOBODY);
  const before = JSON.stringify(tree(planted));
  const r = cli(['sql', SUM, bin, '--format', 'json']);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), [{ s: 200, n: 40 }], 'the answer of the recording, not of the planted cache');
  assert.match(r.err, new RegExp(`^vltrace-query: not using ${planted}: it belongs to uid ${NOBODY}, not to this user \\(uid 0\\)\n$`));
  assert.equal(JSON.stringify(tree(planted)), before, 'the planted tree is left as it is');
  assert.ok(existsSync(join(userEntry(rootHome, bin), CURRENT)));
  // the control: the same tree, had this user made it, would have been used (so the owner is what refused it)
  for (const f of [{ path: planted }, ...tree(planted)]) chownSync(f.path, 0, 0);
  assert.deepEqual(sumOf(bin), [40_000, 40]);
});

test('unprivileged: a .vltrace-cache of root in a shared directory is not used either', async () => {
  const shared = sharedDir();
  const bin = recording(6n, shared, 'shared-nobody.bin');
  chmodSync(bin, 0o644);
  const planted = await plant(bin, 0);
  const r = cli(['sql', SUM, bin, '--format', 'json'], { uid: NOBODY });
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), [{ s: 240, n: 40 }]);
  assert.match(r.err, new RegExp(`not using ${planted}: it belongs to uid 0, not to this user \\(uid ${NOBODY}\\)`));
  assert.ok(existsSync(join(userEntry(nobodyHome, bin), CURRENT)));
});

test('a conversion in this user\'s own cache that someone else owns, or others can write to, is converted again', async () => {
  const dir = tmpDir('vq-own-');
  const bin = recording(3n, dir);
  assert.deepEqual(sumOf(bin), [120, 40]);
  const current = join(dir, BESIDE_DIR, 'run.bin', CURRENT);
  // swap in a decoy's rows under the right key, owned by another user
  const decoyDir = tmpDir('vq-decoy-');
  sumOf(recording(1000n, decoyDir));
  const swap = (owner: number, dirMode: number) => {
    cpSync(join(decoyDir, BESIDE_DIR, 'run.bin', CURRENT, 'syscalls'), join(current, 'syscalls'), { recursive: true, force: true });
    chownSync(current, owner, owner);
    chmodSync(current, dirMode);
  };
  swap(NOBODY, 0o755);
  assert.deepEqual(sumOf(bin), [120, 40]);
  assert.equal(lstatSync(current).uid, 0, 'converted again, by this user');
  swap(0, 0o777);
  assert.deepEqual(sumOf(bin), [120, 40]);
  assert.equal(mode(current) & 0o022, 0);
  // and the control: owned by this user and private, the swapped rows would be used
  swap(0, 0o755);
  assert.deepEqual(sumOf(bin), [40_000, 40]);
});

test('--cache-dir: made 0700 when missing; refused (exit 2, named) when another user\'s or writable by others', () => {
  const dir = tmpDir('vq-explicit-');
  const bin = recording(2n, dir);
  const fresh = join(dir, 'new', 'cache');
  assert.deepEqual(sumOf(bin, { extra: ['--cache-dir', fresh] }), [80, 40]);
  assert.equal(mode(fresh), 0o700);
  const theirs = join(dir, 'theirs');
  mkdirSync(theirs, { mode: 0o755 });
  chownSync(theirs, NOBODY, NOBODY);
  let r = cli(['sql', SUM, bin, '--cache-dir', theirs]);
  assert.equal(r.code, 2);
  assert.equal(r.out, '');
  assert.equal(r.err, `vltrace-query: ${theirs}: cannot keep the query cache there: it belongs to uid ${NOBODY}, not to this user (uid 0)\n`);
  const open = join(dir, 'open');
  mkdirSync(open);
  chmodSync(open, 0o777);
  r = cli(['sql', SUM, bin, '--cache-dir', open]);
  assert.equal(r.code, 2);
  assert.equal(r.err, `vltrace-query: ${open}: cannot keep the query cache there: others can write to it (mode 0777)\n`);
  assert.deepEqual(readdirSync(theirs), []);
  assert.deepEqual(readdirSync(open), []);
  // unprivileged, root's directory
  const readable = recording(2n, openDir('vq-explicit-'));
  chmodSync(readable, 0o644);
  const rootOwned = openDir('vq-rootcache-');
  r = cli(['sql', SUM, readable, '--cache-dir', rootOwned], { uid: NOBODY });
  assert.equal(r.code, 2);
  assert.match(r.err, /cannot keep the query cache there: it belongs to uid 0/);
});

test('a recording changed with the same size and mtime (same inode, or another) is converted again', () => {
  const dir = tmpDir('vq-changed-');
  const bin = recording(10n, dir);
  const mtime = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000); // whole seconds: put back exactly
  utimesSync(bin, mtime, mtime);
  assert.deepEqual(sumOf(bin), [400, 40]);
  const { size } = statSync(bin);
  // the same inode, other bytes, the mtime put back
  const other = readFileSync(recording(11n, tmpDir('vq-other-')));
  assert.equal(other.length, size);
  const fd = openSync(bin, 'r+');
  writeSync(fd, other, 0, other.length, 0);
  closeSync(fd);
  utimesSync(bin, mtime, mtime);
  assert.equal(statSync(bin).size, size);
  assert.equal(statSync(bin).mtimeMs, mtime.getTime());
  assert.deepEqual(sumOf(bin), [440, 40]);
  // another inode renamed over it, same size and mtime
  const next = recording(12n, dir, 'next.bin');
  utimesSync(next, mtime, mtime);
  renameSync(next, bin);
  assert.equal(statSync(bin).size, size);
  assert.equal(statSync(bin).mtimeMs, mtime.getTime());
  assert.deepEqual(sumOf(bin), [480, 40]);
});

test('the cache\'s modes follow the recording\'s: never more readable, never writable by others', () => {
  const mask = ~umask();
  for (const [recMode, fileMode, dirMode] of [[0o600, 0o600, 0o700], [0o640, 0o640, 0o750], [0o666, 0o644, 0o755]] as const) {
    const dir = tmpDir('vq-modes-');
    const bin = recording(1n, dir);
    chmodSync(bin, recMode);
    assert.deepEqual(sumOf(bin), [40, 40]);
    const entry = join(dir, BESIDE_DIR, 'run.bin');
    const files = [{ path: entry, dir: true, mode: mode(entry), uid: 0 }, ...tree(entry)];
    assert.ok(files.some((f) => f.path.endsWith('.parquet') && f.path.includes('/syscalls/')), 'DuckDB-written parts are there');
    for (const f of files) assert.equal(f.mode, (f.dir ? dirMode : fileMode) & mask, `${f.path} of a ${recMode.toString(8)} recording`);
    // made private afterwards: the cache follows on the next run
    chmodSync(bin, 0o600);
    assert.deepEqual(sumOf(bin), [40, 40]);
    for (const f of tree(entry)) assert.equal(f.mode, (f.dir ? 0o700 : 0o600) & mask, `${f.path} after chmod 600`);
  }
  // unprivileged: its private recording in its own directory
  const dir = openDir('vq-modes-');
  const bin = recording(1n, dir);
  chmodSync(bin, 0o600);
  chownSync(bin, NOBODY, NOBODY);
  chownSync(dir, NOBODY, NOBODY);
  assert.deepEqual(sumOf(bin, { uid: NOBODY }), [40, 40]);
  const entry = join(dir, BESIDE_DIR, 'run.bin');
  for (const f of [{ path: join(dir, BESIDE_DIR), dir: true, mode: mode(join(dir, BESIDE_DIR)), uid: lstatSync(join(dir, BESIDE_DIR)).uid }, ...tree(entry)]) {
    assert.equal(f.uid, NOBODY, f.path);
    assert.equal(f.mode, (f.dir ? 0o700 : 0o600) & mask, f.path);
  }
});

/** The CLI started without waiting: its result later. */
function start(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: env(rootHome), cwd: '/tmp' });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<Run>((ok) => child.on('close', (code) => ok({ code, out, err })));
  return { child, done };
}

test('concurrent queries on a fresh recording: all succeed with the same answer, one conversion, nothing left over', async () => {
  const dir = tmpDir('vq-concurrent-');
  const bin = join(dir, 'run.bin');
  await synthesizeTrace(bin, { syscalls: 100_000, seed: 3 });
  const q = 'SELECT count(*) AS n, sum(ret) AS s, count(DISTINCT pid) AS p, max(ts_exit) AS t FROM syscalls';
  const answers = new Set<string>();
  for (let round = 0; round < 3; round++) {
    const runs = await Promise.all(Array.from({ length: 4 }, () => start(['sql', q, bin, '--format', 'csv', ...(round === 2 ? ['--refresh'] : [])]).done));
    for (const r of runs) {
      assert.equal(r.code, 0, `round ${round}: ${r.err}`);
      answers.add(r.out);
    }
    assert.deepEqual(readdirSync(join(dir, BESIDE_DIR, 'run.bin')), [CURRENT], `round ${round}: one conversion, no lock, no build left`);
    utimesSync(bin, new Date(), new Date()); // the next round converts again
  }
  assert.equal(answers.size, 1, [...answers].join(' | '));
  assert.match([...answers][0]!, /^n,s,p,t\r\n1\d{5},/);
});

/**
 * prepareRecording of `bin` in a process of its own: whether it converted or used another's
 * conversion; with `touch`, the recording's mtime is changed as its conversion starts, and the
 * conversion's directory and row count are printed too.
 */
function prepareElsewhere(bin: string, touch = false): Promise<Run> {
  const recording = new URL('../src/recording.js', import.meta.url).href;
  const db = new URL('../src/db.js', import.meta.url).href;
  const script = `
    const { utimesSync } = await import('node:fs');
    const { prepareRecording } = await import(${JSON.stringify(recording)});
    const { TraceDb, sqlString } = await import(${JSON.stringify(db)});
    const db = await TraceDb.create();
    const onConvert = ${touch} ? (f) => utimesSync(f, new Date(), new Date(Date.now() + 5000)) : undefined;
    const r = await prepareRecording(${JSON.stringify(bin)}, db, { onConvert });
    const { rows } = await db.query('SELECT count(*) AS n FROM read_parquet([' + r.syscalls.map(sqlString).join(', ') + '])');
    db.close();
    console.log(r.cached ? 'reused' : 'converted');
    if (${touch}) console.log(JSON.stringify({ dir: r.dir, n: rows[0].n }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: env(rootHome), cwd: '/tmp' });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise<Run>((ok) => child.on('close', (code) => ok({ code, out, err })));
}

test('concurrent processes: one converts, the others wait and use its conversion', async () => {
  const dir = tmpDir('vq-once-');
  const bin = join(dir, 'run.bin');
  await synthesizeTrace(bin, { syscalls: 50_000, seed: 4 });
  for (let round = 0; round < 2; round++) {
    const runs = await Promise.all(Array.from({ length: 3 }, () => prepareElsewhere(bin)));
    for (const r of runs) assert.equal(r.code, 0, r.err);
    assert.deepEqual(runs.map((r) => r.out.trim()).sort(), ['converted', 'reused', 'reused'], `round ${round}`);
    utimesSync(bin, new Date(), new Date());
  }
});

test('a recording that changes while it is converted: the rows answer that command, and are not kept', async () => {
  const dir = tmpDir('vq-growing-');
  const bin = recording(8n, dir);
  const r = await prepareElsewhere(bin, true);
  assert.equal(r.code, 0, r.err);
  const [what, json] = r.out.trim().split('\n');
  assert.equal(what, 'converted');
  const { dir: used, n } = JSON.parse(json!) as { dir: string; n: number };
  assert.equal(n, 40);
  assert.match(basename(used), /^\.build-\d+-/);
  assert.equal(existsSync(used), false, 'removed when that process exited');
  assert.deepEqual(readdirSync(join(dir, BESIDE_DIR, 'run.bin')), [], 'nothing installed, no lock left');
  // the next query converts the recording as it is now
  assert.deepEqual(sumOf(bin), [320, 40]);
  assert.deepEqual(readdirSync(join(dir, BESIDE_DIR, 'run.bin')), [CURRENT]);
});

test('a lock of a process that died is taken over; a live one is waited for', async () => {
  const dir = tmpDir('vq-lock-');
  const bin = recording(4n, dir);
  const entry = join(dir, BESIDE_DIR, 'run.bin');
  mkdirSync(entry, { recursive: true, mode: 0o700 });
  // a dead holder
  const gone = spawnSync('true');
  writeFileSync(join(entry, LOCK_FILE), `${gone.pid} 12345\n`);
  assert.deepEqual(sumOf(bin), [160, 40]);
  assert.deepEqual(readdirSync(entry), [CURRENT]);
  // a live holder: the query waits until it is gone
  utimesSync(bin, new Date(), new Date());
  const holder = spawn('sleep', ['60']);
  await new Promise((ok) => holder.on('spawn', ok));
  writeFileSync(join(entry, LOCK_FILE), lockText(holder.pid!));
  const q = start(['sql', SUM, bin, '--format', 'json']);
  let finished = false;
  void q.done.then(() => (finished = true));
  await new Promise((ok) => setTimeout(ok, 2500));
  assert.equal(finished, false, 'still waiting for the live holder');
  holder.kill('SIGKILL');
  const r = await q.done;
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), [{ s: 160, n: 40 }]);
  assert.deepEqual(readdirSync(entry), [CURRENT]);
});

test('DuckDB spills rows into this process\'s private temp dir (0700), removed at exit, not into ./.tmp', async () => {
  const db = await TraceDb.create();
  try {
    const { rows } = await db.query("SELECT current_setting('temp_directory') AS t");
    const spill = rows[0]!['t'] as string;
    assert.equal(mode(dirname(spill)), 0o700);
    assert.equal(lstatSync(dirname(spill)).uid, process.geteuid!());
    // a sort too big for 30 MB spills: with a file where the spill directory goes, it fails there
    writeFileSync(spill, 'not a directory');
    await db.exec("SET memory_limit = '30MB'; SET threads = 1");
    await assert.rejects(
      db.query("SELECT max(s) FROM (SELECT repeat('ab', 40) || x::VARCHAR AS s FROM range(3000000) r(x) ORDER BY s DESC)"),
      (e: Error) => e.message.includes(spill),
    );
  } finally {
    db.close();
  }
  const r = cli(['sql', "SELECT current_setting('temp_directory') AS t", recording(1n, tmpDir('vq-spill-')), '--format', 'csv']);
  assert.equal(r.code, 0, r.err);
  const spill = r.out.split('\r\n')[1]!;
  assert.match(spill, /\/vltrace-query-[^/]+\/duckdb$/);
  assert.equal(existsSync(dirname(spill)), false, 'removed when the command exited');
});

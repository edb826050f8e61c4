// Every report on the hand-built fixture: exact expected answers, cross-checked against the
// `syscalls` SQL view and against counts computed directly from openTrace(...).syscalls().
// Each test runs on the .bin (converted through @vltrace/convert's Parquet sink) and on Parquet
// written independently by DuckDB from the same recording.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openTrace, type Syscall } from '@vltrace/format';
import { Session, summary, failed, slow, files, procs, lost, sql } from '../src/index.js';
import { buildFixture, tmpDir, writeTrace } from './fixture.js';
import { writeParquetWithDuckDB } from './duck-writer.js';
import { TraceDb, sqlString } from '../src/db.js';

const dir = tmpDir();
const bin = writeTrace(buildFixture(), 'fixture.bin', dir);
const parquet = join(dir, 'fixture.parquet');
const sessions: Record<string, Promise<Session>> = {};
const open = (kind: string) => (sessions[kind] ??= kind === 'bin' ? Session.open(bin, { cacheDir: join(dir, 'cache') }) : Session.open(parquet));
let calls: Syscall[] = [];

const KINDS = ['bin', 'parquet'] as const;

before(async () => {
  await writeParquetWithDuckDB(bin, parquet);
  const t = await openTrace(bin);
  for await (const sc of t.syscalls()) calls.push(sc);
});
after(async () => {
  for (const p of Object.values(sessions)) (await p.catch(() => undefined))?.close();
});

/** strace -c's rule: a call counts when it returned. */
function direct() {
  const m = new Map<string, { calls: number; errors: number; ns: bigint }>();
  for (const c of calls) {
    if (c.status !== 'complete') continue;
    const e = m.get(c.name) ?? { calls: 0, errors: 0, ns: 0n };
    e.calls++;
    if (c.errno !== undefined) e.errors++;
    e.ns += c.durationNs!;
    m.set(c.name, e);
  }
  return m;
}

for (const kind of KINDS) {
  test(`${kind}: summary equals direct counts and the SQL view`, async () => {
    const s = await open(kind);
    const res = await summary(s);
    const d = direct();
    assert.deepEqual(new Set(res.rows.map((r) => r.syscall)), new Set(d.keys()));
    for (const r of res.rows) {
      const e = d.get(r.syscall)!;
      assert.equal(r.calls, e.calls, r.syscall);
      assert.equal(r.errors, e.errors, r.syscall);
      assert.equal(Math.round(r.seconds * 1e9), Number(e.ns), r.syscall);
    }
    const openat = res.rows.find((r) => r.syscall === 'openat')!;
    assert.equal(openat.calls, 5);
    assert.equal(openat.errors, 1);
    assert.equal(res.total.calls, 23);
    assert.equal(res.total.errors, 5);
    assert.equal(res.total.unfinished, 2); // two exit_group
    assert.equal(res.total.noEntry, 1); // the child's return from clone
    assert.ok(Math.abs(res.rows.reduce((a, r) => a + r.percent, 0) - 100) < 1e-9);
    // sorted by time: wait4 (200 µs) first
    assert.equal(res.rows[0]!.syscall, 'wait4');
    const { rows } = await sql(s, `SELECT syscall, count(*) AS calls, count(errno) AS errors, sum(duration_ns) AS ns FROM syscalls WHERE status = 'complete' GROUP BY ALL`);
    for (const q of rows) {
      const r = res.rows.find((x) => x.syscall === q['syscall'])!;
      assert.equal(r.calls, q['calls']);
      assert.equal(r.errors, q['errors']);
      assert.equal(Math.round(r.seconds * 1e9), Number(q['ns']));
    }
    const byName = await summary(s, { sort: 'name' });
    assert.deepEqual(byName.rows.map((r) => r.syscall), [...byName.rows.map((r) => r.syscall)].sort());
    const perPid = await summary(s, { perPid: true });
    assert.equal(perPid.rows.filter((r) => r.pid === 103).map((r) => r.syscall).sort().join(), 'getpid,rename');
    assert.equal(perPid.total.calls, 23);
    const filtered = await summary(s, { expr: '%file' });
    assert.deepEqual(filtered.rows.map((r) => r.syscall).sort(), ['access', 'execve', 'openat', 'rename', 'stat']);
    assert.equal((await summary(s, { pid: [101] })).total.calls, 6);
    // the two SIGCHLD rows are in the view, and in no count of calls
    const sigs = await sql(s, `SELECT pid, signal, status, si_pid, si_status FROM syscalls WHERE signo IS NOT NULL ORDER BY ts_enter`);
    assert.deepEqual(sigs.rows, [
      { pid: 100, signal: 'SIGCHLD', status: 'ignored-signal', si_pid: 101, si_status: 2 },
      { pid: 100, signal: 'SIGCHLD', status: 'ignored-signal', si_pid: 103, si_status: 9 },
    ]);
    assert.equal((await summary(s, { pid: [100] })).total.calls, 15);
    const { rows: p100 } = await sql(s, `SELECT syscalls FROM processes WHERE pid = 100`);
    assert.equal(p100[0]!['syscalls'], 16); // 15 complete + the unfinished exit_group, no signal
  });

  test(`${kind}: failed groups by syscall and errno with messages and examples`, async () => {
    const rows = await failed(await open(kind));
    const key = (r: { syscall: string; errnoName: string }) => `${r.syscall} ${r.errnoName}`;
    assert.deepEqual(rows.map(key).sort(), ['access EACCES', 'futex EAGAIN', 'openat ENOENT', 'rename ENOENT', 'wait4 ECHILD']);
    const o = rows.find((r) => r.syscall === 'openat')!;
    assert.equal(o.message, 'No such file or directory');
    assert.deepEqual(o.paths, ['/nonexistent']);
    // the first failing call of each group as `vltrace-convert --to strace` prints it
    assert.deepEqual(Object.fromEntries(rows.map((r) => [key(r), r.example])), {
      'access EACCES': 'access("/etc/shadow", R_OK) = -1 EACCES (Permission denied)',
      'futex EAGAIN': 'futex(0x4000, FUTEX_WAIT, 1, NULL) = -1 EAGAIN (Resource temporarily unavailable)',
      'openat ENOENT': 'openat(AT_FDCWD, "/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)',
      'rename ENOENT': 'rename("/tmp/a", "/tmp/b") = -1 ENOENT (No such file or directory)',
      'wait4 ECHILD': 'wait4(-1, NULL, 0, NULL) = -1 ECHILD (No child processes)',
    });
    const direct = calls.filter((c) => c.errno !== undefined);
    assert.equal(rows.reduce((a, r) => a + r.count, 0), direct.length);
    const { rows: q } = await sql(await open(kind), `SELECT count(*) AS n FROM syscalls WHERE errno IS NOT NULL`);
    assert.equal(q[0]!['n'], direct.length);
  });

  test(`${kind}: slow lists the longest calls first, decoded`, async () => {
    const rows = await slow(await open(kind), { top: 3 });
    assert.deepEqual(rows.map((r) => r.syscall), ['wait4', 'futex', 'read']);
    assert.equal(rows[0]!.durationUs, 200);
    assert.equal(rows[1]!.tid, 102);
    // the buffer it read, from the recorded memory (strace's -s 32)
    assert.equal(rows[2]!.call, 'read(3, "root:x:0:0:root:/root:/bin/bash\\n"..., 4096) = 100');
    const longest = [...calls].filter((c) => c.durationNs !== undefined).sort((a, b) => Number(b.durationNs! - a.durationNs!))[0]!;
    assert.equal(rows[0]!.durationNs, Number(longest.durationNs));
    assert.match(rows[0]!.time, /^2025-11-26 09:40:00\.\d{9}$/);
  });

  test(`${kind}: slow prints calls decoded as strace does: flags by name, structs and buffers from the recorded memory`, async () => {
    const rows = await slow(await open(kind), { top: 100, expr: 'openat,fstat,stat,read,write' });
    const lines = new Set(rows.map((r) => r.call));
    for (const line of [
      'openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3',
      'openat(AT_FDCWD, "/etc", O_RDONLY|O_DIRECTORY) = 4',
      'openat(AT_FDCWD, "/tmp/out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 3',
      // struct stat the kernel filled, read at exit
      'fstat(3, {st_mode=S_IFREG|0644, st_size=1234, ...}) = 0',
      // no memory recorded: the address, as strace prints what it cannot read
      'stat("/etc/hosts", 0x3000) = 0',
      // buffers: read at exit (as many bytes as returned), written at entry
      'read(3, "", 4096) = 0',
      'write(1, "bin\\ndev\\nx\\n", 10) = 10',
    ]) assert.ok(lines.has(line), `${line} in ${[...lines].join('\n')}`);
  });

  test(`${kind}: files lists every path, fds resolved through dup2, dirfds and fork`, async () => {
    const rows = await files(await open(kind));
    const by = new Map(rows.map((r) => [r.path, r]));
    assert.deepEqual([...by.keys()].sort(), ['/bin/ls', '/etc', '/etc/group', '/etc/hosts', '/etc/passwd', '/etc/shadow', '/nonexistent', '/tmp/a', '/tmp/b', '/tmp/out.txt']);
    assert.deepEqual(by.get('/etc/passwd'), { ...by.get('/etc/passwd')!, calls: 5, byName: 1, byFd: 4, errors: 0, results: 'ok:1', pids: [100] });
    assert.equal(by.get('/etc/passwd')!.syscalls, 'read:2 close:1 fstat:1 openat:1');
    assert.deepEqual(by.get('/etc/group')!.pids, [100, 101]);
    assert.equal(by.get('/etc/group')!.byFd, 2);
    const out = by.get('/tmp/out.txt')!;
    assert.equal(out.syscalls, 'close:1 dup2:1 openat:1 write:1');
    assert.equal(by.get('/nonexistent')!.results, 'ENOENT:1');
    assert.equal(by.get('/etc/shadow')!.results, 'EACCES:1');
    assert.equal(by.get('/tmp/b')!.syscalls, 'rename:1');
    // the paths by name equal the strings of path arguments in the recording
    const named = new Set(calls.flatMap((c) => c.strings.filter((x): x is string => x !== undefined)));
    named.delete('group');
    named.add('/etc/group');
    assert.deepEqual(new Set(rows.filter((r) => r.byName > 0).map((r) => r.path)), named);
    const only = await files(await open(kind), { pathsOnly: true });
    assert.equal(only.find((r) => r.path === '/etc/passwd')!.calls, 1);
  });

  test(`${kind}: procs gives the tree, execs, exit statuses and counts`, async () => {
    const rows = await procs(await open(kind));
    // ppid from the fork/clone that returned the pid: unknown for 100 (running before) and for
    // 103 (its creation not recorded); 103's death from the SIGCHLD its parent received
    assert.deepEqual(rows.map((r) => [r.pid, r.ppid, r.depth, r.origin]), [[100, null, 0, 'running'], [101, 100, 1, 'fork'], [103, null, 0, 'running']]);
    const [sh, ls, killed] = rows;
    assert.equal(sh!.status, 'exit 0');
    assert.equal(sh!.threads, 1);
    assert.equal(sh!.exe, null); // no exec in the rows (the executable of a running process is an event, not a row)
    assert.deepEqual(ls!.execs, ['/bin/ls']);
    assert.equal(ls!.comm, 'ls');
    assert.equal(ls!.exitCode, 2);
    assert.equal(killed!.status, 'killed by SIGKILL');
    assert.equal(killed!.exitCode, null);
    for (const r of rows) {
      const mine = calls.filter((c) => c.pid === r.pid);
      assert.equal(r.syscalls, mine.length, `pid ${r.pid}`);
      assert.equal(r.errors, mine.filter((c) => c.errno !== undefined).length, `pid ${r.pid}`);
      assert.ok(r.lifetimeS! > 0);
    }
    assert.deepEqual((await procs(await open(kind), { pid: [101] })).map((r) => r.pid), [101]);
  });

  test(`${kind}: lost shows lost packets, unfinished and no-entry calls`, async () => {
    const rows = await lost(await open(kind));
    const lp = rows.find((r) => r.kind === 'lost-packets')!;
    assert.equal(lp.count, 5);
    assert.equal(lp.where, 'cpu 1');
    assert.equal(rows.find((r) => r.kind === 'unfinished' && r.where === 'exit_group')!.count, 2);
    assert.equal(rows.find((r) => r.kind === 'no-entry' && r.where === 'clone')!.count, 1);
    if (kind === 'bin') assert.ok(rows.some((r) => r.kind === 'recording' && /5 lost/.test(r.note)));
  });
}

test('failed: the example is the first call recorded whole; a failing call without entry prints as strace shows one', async () => {
  const { PacketWriter } = await import('@vltrace/format');
  const w = new PacketWriter();
  // a read already running when recording began (no entry), then one recorded whole
  w.exit({ pid: 7, tid: 7, ts: 1_000_000_100n, nr: 0, ret: -11n });
  w.entry({ pid: 7, tid: 7, ts: 1_000_000_200n, nr: 0, args: [5n, 0x1000n, 64n] });
  w.exit({ pid: 7, tid: 7, ts: 1_000_000_300n, nr: 0, ret: -11n });
  w.exit({ pid: 8, tid: 8, ts: 1_000_000_400n, nr: 61, ret: -10n });
  const d = tmpDir();
  const rows = await failed(writeTrace(w, 'noentry.bin', d), { cacheDir: join(d, 'cache') });
  assert.deepEqual(rows.map((r) => [r.syscall, r.count, r.example]), [
    ['read', 2, 'read(5, 0x1000, 64) = -1 EAGAIN (Resource temporarily unavailable)'],
    ['wait4', 1, '<... wait4 resumed>) = -1 ECHILD (No child processes)'],
  ]);
});

test('Parquet without the data column (written before it existed): the reports run, pointers print as addresses', async () => {
  const d = tmpDir();
  const p = join(d, 'old.parquet');
  const db = await TraceDb.create();
  try {
    await db.exec(`COPY (SELECT * EXCLUDE (data) FROM read_parquet(${sqlString(parquet)})) TO ${sqlString(p)} (FORMAT parquet)`);
  } finally {
    db.close();
  }
  const rows = await slow(p, { top: 3 });
  assert.equal(rows[2]!.call, 'read(3, 0x2000, 4096) = 100');
  assert.equal((await failed(p)).find((r) => r.syscall === 'openat')!.example, 'openat(AT_FDCWD, "/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)');
});

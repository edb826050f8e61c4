/**
 * The files behind descriptors, recorded from the real kernel (FD_RET, FD_PAIR and CWD records,
 * FORMAT.md "Files behind descriptors"): the test program fds.c reads /proc/self/fd/FD right
 * after each call that makes a descriptor, and the recording must name it the same way — the
 * path d_path() gives (symlinks resolved, mounts crossed, ` (deleted)`), `pipe:[ino]`,
 * `socket:[ino]`, `anon_inode:[…]`, `net:[ino]` — and the descriptors the command inherited
 * (FD_INFO packets, read from /proc when recording starts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  batchData, decodeFileRecords, FD_CWD, FILE_FLAGS, fileName, openTrace, RESULT_SLOT, syscallName, type FdInfoEvent, type FileRecord,
} from '@vltrace/format';
import { buildFds, CLI, noEbpf, requireEbpf, tempDir } from './helpers.js';

/** A call with the file records of its exit chunks (slot → records). */
interface Row {
  name: string;
  ret: bigint;
  files: Map<number, FileRecord[]>;
}

/** What /proc names a record's file: fileName(), with ` (deleted)` appended as /proc appends it. */
function procName(r: FileRecord): string {
  const n = fileName(r);
  assert.ok(n, `a file behind fd ${r.fd}`);
  return Buffer.from(n.name).toString('latin1') + (n.deleted ? ' (deleted)' : '');
}

describe('vltrace-record: the files behind descriptors, as /proc names them', { skip: noEbpf() }, () => {
  let dir: string;
  const rows: Row[] = [];
  const report = new Map<string, { fd: number; name: string | undefined }>();
  const inherited: FdInfoEvent[] = [];
  let work: string;
  let out: string;
  before(async () => {
    requireEbpf();
    const prog = buildFds();
    dir = tempDir();
    work = join(dir, 'work');
    mkdirSync(work);
    // stdin /dev/null, stdout a file (the report), stderr a pipe: inherited from before
    out = join(dir, 'report.txt');
    const stdout = openSync(out, 'w');
    const r = spawnSync(process.execPath, [CLI, '-f', '-o', join(dir, 'fds.bin'), '--', prog, work], { cwd: dir, stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8' });
    closeSync(stdout);
    assert.equal(r.status, 0, r.stderr);
    for (const line of readFileSync(out, 'latin1').trim().split('\n')) {
      const [label, fd, hex] = line.split(' ');
      report.set(label!, { fd: Number(fd), name: hex === '-' ? undefined : Buffer.from(hex!, 'hex').toString('latin1') });
    }
    const t = await openTrace(join(dir, 'fds.bin'));
    for await (const item of t.items()) {
      if (item.type === 'fd_info') inherited.push(item);
      if (item.type !== 'syscalls') continue;
      const b = item.batch;
      for (let i = 0; i < b.length; i++) {
        const files = new Map<number, FileRecord[]>();
        for (let a = 0; a < 6; a++) {
          const d = batchData(b, a, i, true);
          const name = syscallName(b.nr[i]!);
          if (d && (a === RESULT_SLOT || name === 'pipe2' || name === 'socketpair')) files.set(a, decodeFileRecords(d.bytes));
        }
        rows.push({ name: syscallName(b.nr[i]!), ret: b.ret[i]!, files });
      }
    }
    assert.equal(t.stats.orphanData, 0);
  });
  after(() => {
    // the deep tree is longer than PATH_MAX: rm walks it relative to each directory
    spawnSync('rm', ['-rf', dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The calls in order, consumed by next(). */
  let at = 0;
  const next = (name: string): Row => {
    const k = rows.findIndex((r, i) => i >= at && r.name === name && r.files.size > 0);
    assert.ok(k >= 0, `a ${name} call with file records after row ${at}`);
    at = k + 1;
    return rows[k]!;
  };
  /** Asserts the one record of a call names what the program read from /proc under `label`. */
  const same = (label: string, r: FileRecord) => {
    const want = report.get(label);
    assert.ok(want, `report line ${label}`);
    assert.equal(r.fd, want.fd, `${label}: fd`);
    assert.equal(procName(r), want.name, `${label}: name`);
  };
  const one = (row: Row, slot = RESULT_SLOT): FileRecord => {
    const rs = row.files.get(slot);
    assert.equal(rs?.length, 1, `${row.name}: one record`);
    return rs[0]!;
  };

  it('names each new descriptor as /proc does, and the working directory after chdir and fchdir', () => {
    at = rows.findIndex((r) => r.name === 'chdir');
    next('openat'); // creating real/file
    same('open_symlinked', one(next('openat')));
    const lib = one(next('openat'));
    same('openat_lib', lib);
    assert.match(procName(lib), /^\/.*\/libc\.so\.6$/);
    same('open_devnull', one(next('openat')));
    same('open_proc', one(next('openat')));
    same('open_weird', one(next('openat')));
    next('openat'); // "gone", before it was unlinked
    const deleted = one(next('dup'));
    assert.ok(deleted.flags & FILE_FLAGS.DELETED.bit);
    same('dup_deleted', deleted);
    same('open_tmpfile', one(next('openat')));
    const pipe = next('pipe2').files.get(0)!;
    assert.equal(pipe.length, 2);
    same('pipe2_0', pipe[0]!);
    same('pipe2_1', pipe[1]!);
    assert.match(procName(pipe[0]!), /^pipe:\[\d+\]$/);
    same('dup2', one(next('dup2')));
    same('dup3', one(next('dup3')));
    const pair = next('socketpair').files.get(3)!;
    same('socketpair_0', pair[0]!);
    same('socketpair_1', pair[1]!);
    same('socket', one(next('socket')));
    for (const call of ['eventfd2', 'epoll_create1', 'signalfd4', 'timerfd_create', 'inotify_init1', 'pidfd_open', 'memfd_create']) same(call, one(next(call)));
    const ns = one(next('openat'));
    same('open_ns', ns);
    assert.match(procName(ns), /^net:\[\d+\]$/);
    const cwd = one(next('chdir'));
    assert.equal(cwd.fd, FD_CWD);
    assert.equal(procName(cwd), report.get('chdir')!.name);
    assert.equal(procName(cwd), join(work, 'real'), 'the symlink resolved');
    next('openat');
    assert.equal(procName(one(next('fchdir'))), report.get('fchdir')!.name);
  });

  it('a path deeper than a packet holds keeps its innermost components, flagged truncated', () => {
    const deep = rows.filter((r) => r.name === 'openat' && r.ret >= 0n && r.files.size > 0).at(-1)!;
    const r = one(deep);
    assert.equal(report.get('openat_deep')!.name, undefined, '/proc cannot name it either');
    assert.ok(r.flags & FILE_FLAGS.TRUNCATED.bit);
    assert.equal(Buffer.from(r.components[0]!).toString(), 'deep');
    assert.ok(r.components.length > 20 && r.components.slice(1).every((c) => Buffer.from(c).toString() === 'd'.repeat(200)));
    assert.match(procName(r), /^\.\.\.\/d{200}\//);
  });

  it('the command inherits what vlt-start held: stdin, stdout, stderr, the working directory (fd_info)', () => {
    const byFd = new Map(inherited.map((e) => [e.fd, e]));
    const text = (e: FdInfoEvent | undefined) => (e ? Buffer.from(e.path).toString('latin1') : undefined);
    assert.equal(text(byFd.get(0)), '/dev/null');
    assert.equal(text(byFd.get(1)), out);
    assert.match(text(byFd.get(2)) ?? '', /^socket:\[\d+\]$/, "Node's pipes are socket pairs");
    assert.equal(text(byFd.get(FD_CWD)), dir);
    assert.equal(byFd.has(3), false, "the go pipe, closed at the command's exec");
    for (const e of inherited) assert.equal(e.pid, inherited[0]!.pid);
    assert.equal(byFd.get(1)!.mode & 0o170000, 0o100000, 'a regular file');
  });
});

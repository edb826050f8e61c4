// newfstatat(fd, "", …, AT_EMPTY_PATH) is a call on the descriptor, as strace -y shows it
// (`newfstatat(3</etc/hostname>, "", …)`): on a descriptor opened while recording it counts for
// that file; on one the process had before (its stdout, say), whose file the rows do not name,
// it is not a path '' (it was listed as one).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AT_EMPTY_PATH } from '@vltrace/format';
import { files } from '../src/index.js';
import { AT_FDCWD, Script, tmpDir, writeTrace } from './fixture.js';
import { writeParquetWithDuckDB } from './duck-writer.js';

const EMPTY = BigInt(AT_EMPTY_PATH);
const s = new Script();
s.w.procInfo({ pid: 200, tid: 200, ts: s.tick(), ppid: 1, comm: 'cat', exe: '/bin/cat' });
s.call(200, 'openat', [AT_FDCWD, 0x1000n, 0n, 0n], 3n, { strs: [[1, '/etc/hostname']] });
s.call(200, 'newfstatat', [3n, 0x1000n, 0x3000n, EMPTY], 0n, { strs: [[1, '']] });
s.call(200, 'read', [3n, 0x2000n, 4096n], 5n);
s.call(200, 'close', [3n], 0n);
// stdout, inherited: its file is not in the rows
s.call(200, 'newfstatat', [1n, 0x1000n, 0x3000n, EMPTY], 0n, { strs: [[1, '']] });
s.call(200, 'write', [1n, 0x2000n, 5n], 5n);
// an empty path without AT_EMPTY_PATH names no descriptor: the kernel looks up '' and fails
s.call(200, 'newfstatat', [AT_FDCWD, 0x1000n, 0x3000n, 0n], -2n, { strs: [[1, '']] });
const dir = tmpDir('vq-empty-');
const bin = writeTrace(s.w, 'empty.bin', dir);
const pq = join(dir, 'empty.parquet');

before(async () => {
  await writeParquetWithDuckDB(bin, pq);
});

for (const kind of ['bin', 'parquet'] as const) {
  test(`${kind}: an empty path with AT_EMPTY_PATH counts through its descriptor`, async () => {
    const rows = await files(kind === 'bin' ? bin : pq, { cacheDir: join(dir, 'cache') });
    const host = rows.find((r) => r.path === '/etc/hostname');
    assert.deepEqual(host && { calls: host.calls, byName: host.byName, byFd: host.byFd, syscalls: host.syscalls, results: host.results },
      { calls: 4, byName: 2, byFd: 2, syscalls: 'close:1 newfstatat:1 openat:1 read:1', results: 'ok:2' });
    // the inherited stdout: no row; the failed lookup of '' without the flag: a lookup by name
    // (relative to the working directory, when the files' metadata names it)
    assert.deepEqual(rows.filter((r) => r.path !== '/etc/hostname').map((r) => [r.calls, r.byName, r.results]), [[1, 1, 'ENOENT:1']]);
  });
}

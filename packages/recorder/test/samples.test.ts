/**
 * The real recordings in samples/ (made by vltrace-record, see samples/README.md) read back
 * without privileges: what every recording must hold, whatever the pids and times.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PKG_DIR, readLog } from './helpers.js';

const SAMPLES = join(PKG_DIR, '..', '..', 'samples');

describe('samples/ recordings', () => {
  for (const [file, command] of [['ls.bin', 'ls'], ['sh-fork.bin', 'sh'], ['failed.bin', 'ls']] as const) {
    it(`${file}: complete, nothing lost, starts with the command's execve`, async () => {
      const log = await readLog(join(SAMPLES, file));
      assert.deepEqual(log.warnings, []);
      assert.equal(log.header.meta.command?.[0], command);
      const trailer = log.events.find((e) => e.type === 'trailer');
      assert.ok(trailer?.type === 'trailer');
      assert.equal(trailer.lost, 0n);
      assert.equal(trailer.events, trailer.written + trailer.lost);
      assert.equal(log.stats.orphanContinuations, 0);
      assert.ok(log.syscalls.length > 10);
      if (!log.header.meta.failedOnly) assert.equal(log.syscalls[0]?.name, 'execve');
    });
  }

  it('ls.bin: -s 4096 (full) strings, the exec and exit of ls', async () => {
    const log = await readLog(join(SAMPLES, 'ls.bin'));
    assert.deepEqual(log.header.meta.strings, { mode: 'full', length: 4096, max: 4212 });
    assert.ok(log.syscalls.some((s) => s.name === 'openat' && s.strings[1] === '/etc/ld.so.cache'));
    assert.ok(log.events.some((e) => e.type === 'exec' && e.comm === 'ls'));
    assert.ok(log.events.some((e) => e.type === 'proc_exit' && e.groupDead && e.exitCode === 0));
  });

  it('sh-fork.bin: children followed, their failures and exit statuses', async () => {
    const log = await readLog(join(SAMPLES, 'sh-fork.bin'));
    const pids = new Set(log.syscalls.map((s) => s.pid));
    assert.ok(pids.size >= 3, 'sh and its two children');
    assert.ok(log.syscalls.some((s) => s.strings.includes('/nonexistent-file') && s.errnoName === 'ENOENT'));
    const exits = log.events.filter((e) => e.type === 'proc_exit' && e.groupDead);
    assert.ok(exits.some((e) => e.type === 'proc_exit' && e.exitCode === 2 << 8), 'sh exited 2');
    assert.ok(log.events.filter((e) => e.type === 'fork').length >= 2);
  });

  it('failed.bin: only failures (-X), each with entry and exit', async () => {
    const log = await readLog(join(SAMPLES, 'failed.bin'));
    assert.equal(log.header.meta.failedOnly, true);
    for (const s of log.syscalls) {
      assert.ok(s.errno !== undefined, `${s.name} = ${s.ret}`);
      assert.equal(s.status, 'complete');
    }
    assert.ok(log.syscalls.some((s) => s.strings.includes('/nonexistent-dir')));
  });
});

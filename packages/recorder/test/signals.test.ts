/**
 * Signals on the real kernel: SIGNAL packets for the traced threads only (a child not followed
 * without -f gets none), whatever -e selects, with -p too; ignored ones flagged; the sender's
 * pid and si_code as the kernel filled them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SignalEvent } from '@vltrace/format';
import { noEbpf, PKG_DIR, readLog, requireEbpf, runRecorder, startRecorder, tempDir } from './helpers.js';

const SIGUSR1 = 10;
const SIGUSR2 = 12;
const SIGCHLD = 17;
const SI_USER = 0;
const SI_TKILL = -6;
const CLD_EXITED = 1;

/** [tid, signo, si_code, ignored] of each signal, and the signals themselves. */
async function signalsOf(file: string): Promise<{ list: SignalEvent[]; pids: Set<number> }> {
  const log = await readLog(file);
  const list = log.events.filter((e): e is SignalEvent => e.type === 'signal');
  return { list, pids: new Set(log.syscalls.map((s) => s.pid)) };
}
const pidAt = (e: SignalEvent) => new DataView(e.fields.buffer, e.fields.byteOffset).getInt32(0, true);

describe('vltrace-record: signals, on the real kernel', { skip: noEbpf() }, () => {
  let prog: string;
  let dir: string;
  before(() => {
    requireEbpf();
    dir = tempDir();
    prog = join(dir, 'signals');
    execFileSync('cc', ['-O1', '-o', prog, join(PKG_DIR, 'test', 'prog', 'signals.c')], { stdio: 'inherit' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the traced process only without -f: its handled SIGUSR1, its ignored SIGUSR2 and SIGCHLD', async () => {
    const out = join(dir, 'nof.bin');
    const r = runRecorder(['-o', out, '--', prog, 'family'], dir);
    assert.equal(r.status, 0, r.stderr);
    const { list, pids } = await signalsOf(out);
    assert.equal(pids.size, 1);
    const [pid] = [...pids];
    assert.deepEqual(list.map((e) => [e.tid, e.signo, e.code, e.ignored]), [
      [pid, SIGUSR1, SI_USER, false], [pid, SIGUSR2, SI_TKILL, true], [pid, SIGCHLD, CLD_EXITED, true],
    ]);
    assert.equal(pidAt(list[0]!), pid, 'kill(): si_pid is the sender');
    assert.equal(list[1]!.comm, 'signals');
    const child = pidAt(list[2]!);
    assert.notEqual(child, pid, "SIGCHLD's si_pid is the child");
  });

  it('-f follows the child to its signal; -e selects syscalls, never signals', async () => {
    const out = join(dir, 'f.bin');
    const r = runRecorder(['-f', '-e', 'openat', '-o', out, '--', prog, 'family'], dir);
    assert.equal(r.status, 0, r.stderr);
    const log = await readLog(out);
    assert.deepEqual([...new Set(log.syscalls.map((s) => s.name))], ['openat']);
    const list = log.events.filter((e): e is SignalEvent => e.type === 'signal');
    const child = pidAt(list.find((e) => e.signo === SIGCHLD)!);
    const inChild = list.filter((e) => e.tid === child);
    assert.deepEqual(inChild.map((e) => [e.signo, e.code, e.ignored]), [[SIGUSR1, SI_TKILL, false]]);
    assert.equal(list.length, 4);
  });

  it('-p: signals sent to the attached process by another one', async () => {
    const target = spawn(prog, ['wait', '2'], { stdio: 'ignore' });
    const out = join(dir, 'p.bin');
    const rec = startRecorder(['-d', '-p', String(target.pid), '-o', out], dir);
    // -d says when the programs are attached: a signal before that would not be recorded
    for (let t = 0; t < 10_000 && !/vltrace-record: attached at/.test(rec.stderr()); t += 20) await sleep(20);
    assert.match(rec.stderr(), /vltrace-record: attached at/);
    process.kill(target.pid!, 'SIGUSR1');
    await sleep(100);
    process.kill(target.pid!, 'SIGUSR1');
    const r = await rec.done;
    assert.equal(r.status, 0, r.stderr);
    const { list } = await signalsOf(out);
    assert.deepEqual(list.map((e) => [e.tid, e.signo, e.code, e.ignored, pidAt(e)]), [
      [target.pid, SIGUSR1, SI_USER, false, process.pid], [target.pid, SIGUSR1, SI_USER, false, process.pid],
    ]);
  });
});

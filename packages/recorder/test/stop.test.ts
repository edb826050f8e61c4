/**
 * How vltrace-record ends on signals, on the real kernel (src/signals.ts): the first signal is
 * passed on to the command and the recording ends promptly whatever the command does (trailer
 * flagged interrupted, counts printed); a second signal ends it at once; -p processes are not
 * signalled; a terminal's Ctrl-C is not passed on twice; the signal handler acts even while the
 * JS thread is blocked; vltrace-record then dies by the signal so that a shell stops the loop
 * that ran it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GRACE_MS, LAST_WRITE_MS } from '../src/signals.js';
import { CLI, leftoverBpfSettled, noEbpf, readLog, requireEbpf, startRecorder, tempDir, type Log } from './helpers.js';

/** The bound on ending after the first signal: GRACE_MS and generous room for a loaded machine. */
const STOP_BOUND_MS = GRACE_MS + 1500;

/** Waits until the recording has begun: the header is in the output, attaching follows. */
async function recording(out: string): Promise<void> {
  for (let t = 0; t < 10_000 && !(existsSync(out) && statSync(out).size > 0); t += 50) await sleep(50);
  await sleep(300);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The trailer of a log, which must be there and flagged interrupted, with consistent totals. */
function interruptedTrailer(log: Log) {
  const trailer = log.events.find((e) => e.type === 'trailer');
  assert.ok(trailer?.type === 'trailer', `a trailer (warnings: ${log.warnings.join('; ')})`);
  assert.equal(trailer.interrupted, true);
  assert.equal(trailer.events, trailer.written + trailer.lost);
  return trailer;
}

/** "N syscalls recorded" of the report equals the syscalls with an entry in the log. */
function countsMatch(stderr: string, log: Log): void {
  const m = /(\d+) syscalls recorded, (\d+) lost \(interrupted by SIG[A-Z]+\)/.exec(stderr);
  assert.ok(m, stderr);
  assert.equal(Number(m[1]), log.stats.complete + log.stats.unfinished);
}

describe('vltrace-record: ending on signals, on the real kernel', { skip: noEbpf() }, () => {
  let dir: string;
  before(() => {
    requireEbpf();
    dir = tempDir();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('SIGINT is passed on to the command (sleep 30): the recording ends at once, trailer interrupted', async () => {
    const out = join(dir, 'sleep.bin');
    const rec = startRecorder(['-o', out, '--', 'sleep', '30'], dir);
    await recording(out);
    const t0 = performance.now();
    rec.child.kill('SIGINT');
    const r = await rec.done;
    const ms = performance.now() - t0;
    assert.ok(ms < STOP_BOUND_MS, `ended ${ms.toFixed(0)} ms after SIGINT`);
    // the command died of the SIGINT passed on: vltrace-record ends by it too, as a shell expects
    assert.equal(r.signal, 'SIGINT', r.stderr);
    const log = await readLog(out);
    interruptedTrailer(log);
    countsMatch(r.stderr, log);
    const sleeper = log.events.find((e) => e.type === 'exec' && /sleep$/.test(e.filename));
    assert.ok(sleeper?.type === 'exec', 'the command started');
    const exit = log.events.find((e) => e.type === 'proc_exit' && e.pid === sleeper.pid && e.groupDead);
    assert.ok(exit?.type === 'proc_exit' && (exit.exitCode & 0x7f) === 2, 'its end by SIGINT is in the log');
    assert.deepEqual(await leftoverBpfSettled(), []);
  });

  it('a command that ignores SIGINT and SIGTERM: the recording still ends within the grace period, the command is left running', async () => {
    const out = join(dir, 'ignore.bin');
    const rec = startRecorder(['-o', out, '--', 'sh', '-c', 'trap "" INT TERM; exec sleep 30'], dir);
    await recording(out);
    const t0 = performance.now();
    rec.child.kill('SIGINT');
    const r = await rec.done;
    const ms = performance.now() - t0;
    const pid = Number(/the command \(pid (\d+)\) has not ended after SIGINT: left running/.exec(r.stderr)?.[1]);
    try {
      assert.ok(pid > 0, r.stderr);
      assert.ok(ms >= GRACE_MS - 50, `the command had its ${GRACE_MS} ms (${ms.toFixed(0)})`);
      assert.ok(ms < STOP_BOUND_MS, `ended ${ms.toFixed(0)} ms after SIGINT`);
      assert.equal(r.signal, 'SIGINT', r.stderr);
      assert.ok(alive(pid), 'left running');
      const log = await readLog(out);
      interruptedTrailer(log);
      countsMatch(r.stderr, log);
      assert.deepEqual(await leftoverBpfSettled(), []);
    } finally {
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a command that spins without system calls after a few: those are in the log (per-CPU stages written)', async () => {
    // its last packets sit in its CPU's stage until a task switch, the drain thread's 20 ms
    // bound or the stop writes them; the command ignores SIGINT, so it is still spinning then
    const out = join(dir, 'spin.bin');
    const rec = startRecorder(['-o', out, '--', 'sh', '-c', 'trap "" INT TERM; [ -e /vlt-stage-marker ]; while :; do :; done'], dir);
    await recording(out);
    rec.child.kill('SIGINT');
    const r = await rec.done;
    const pid = Number(/the command \(pid (\d+)\) has not ended after SIGINT: left running/.exec(r.stderr)?.[1]);
    try {
      assert.ok(pid > 0, r.stderr);
      const log = await readLog(out);
      interruptedTrailer(log);
      countsMatch(r.stderr, log);
      assert.ok(log.syscalls.some((c) => c.strings.includes('/vlt-stage-marker')), 'the marker syscall is in the log');
    } finally {
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('a second signal ends the recording at once, without waiting for the grace period', async () => {
    const out = join(dir, 'second.bin');
    const rec = startRecorder(['-o', out, '--', 'sh', '-c', 'trap "" INT TERM; exec sleep 30'], dir);
    await recording(out);
    const t0 = performance.now();
    rec.child.kill('SIGINT');
    await sleep(100);
    rec.child.kill('SIGTERM');
    const r = await rec.done;
    const ms = performance.now() - t0;
    const pid = Number(/the command \(pid (\d+)\) has not ended/.exec(r.stderr)?.[1]);
    try {
      assert.ok(pid > 0, r.stderr);
      assert.ok(ms < GRACE_MS, `ended ${ms.toFixed(0)} ms after the first signal`);
      assert.equal(r.signal, 'SIGINT', r.stderr);
      const log = await readLog(out);
      interruptedTrailer(log);
      countsMatch(r.stderr, log);
      assert.deepEqual(await leftoverBpfSettled(), []);
    } finally {
      if (pid > 0 && alive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('signals work while the JS thread is blocked (-l text into a pipe nobody reads)', async () => {
    // stdout is a pipe this test never reads: the live text fills it and the recorder's
    // synchronous write blocks its JS thread; the signal handler alone can act
    const child = spawn(process.execPath, [CLI, '-l', 'text', '--', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=5000000'], {
      cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pause();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const done = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, sig) => res(sig)));
    try {
      await sleep(2000); // started, and the 64 KiB pipe long full
      child.kill('SIGINT');
      // dd got it: it says how far it went and ends (its parent cannot reap it yet)
      for (let t = 0; t < 5000 && !/records in/.test(stderr); t += 50) await sleep(50);
      assert.match(stderr, /records in/, 'the first signal reached the command');
      const t0 = performance.now();
      child.kill('SIGINT');
      const sig = await Promise.race([done, sleep(10_000, 'hung' as const, { ref: false })]);
      const ms = performance.now() - t0;
      assert.equal(sig, 'SIGINT', stderr);
      assert.ok(ms < LAST_WRITE_MS + 1500, `ended ${ms.toFixed(0)} ms after the second signal`);
      assert.match(stderr, /signalled again: ending now/);
      assert.deepEqual(await leftoverBpfSettled(), []);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      child.stdout.destroy();
    }
  });

  it('-p PID of a sleeping process: SIGINT ends the recording at once and leaves the process alone', async () => {
    const target = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const out = join(dir, 'p.bin');
      const rec = startRecorder(['-p', String(target.pid), '-o', out], dir);
      await recording(out);
      const t0 = performance.now();
      rec.child.kill('SIGINT');
      const r = await rec.done;
      const ms = performance.now() - t0;
      assert.ok(ms < STOP_BOUND_MS - GRACE_MS, `ended ${ms.toFixed(0)} ms after SIGINT`);
      assert.equal(r.signal, 'SIGINT', r.stderr);
      assert.equal(target.exitCode, null, 'not signalled');
      assert.ok(alive(target.pid!));
      const log = await readLog(out);
      interruptedTrailer(log);
      countsMatch(r.stderr, log);
      assert.deepEqual(log.header.meta.pids, [target.pid]);
    } finally {
      target.kill('SIGKILL');
    }
  });

  it("a terminal's Ctrl-C reaches the command once (not passed on again), and a shell loop running vltrace-record stops", async () => {
    // script(1) gives the shell a terminal; \x03 on it makes the kernel send SIGINT to the
    // foreground process group: the shell, vltrace-record and the command
    const out1 = join(dir, 'tty1.bin');
    const out2 = join(dir, 'tty2.bin');
    const script = join(dir, 'ctrl-c.sh');
    writeFileSync(script, [
      // the command says each SIGINT it gets; a second one during its trap would say it twice
      `"${process.execPath}" "${CLI}" -o "${out1}" -- sh -c 'trap "echo got INT; sleep 0.3" INT; sleep 5 & wait $!; kill $!; exit 3'`,
      'echo "status=$?"',
      // dies of the same Ctrl-C: vltrace-record dies of it too, and bash stops the loop
      `for i in 1 2; do "${process.execPath}" "${CLI}" -o "${out2}" -- sleep 5; echo "next $i"; done`,
      'echo loop-done',
    ].join('\n') + '\n');
    const term = spawn('script', ['-qec', `bash ${script}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    term.stdout.setEncoding('utf8').on('data', (d: string) => (text += d));
    term.stderr.setEncoding('utf8').on('data', (d: string) => (text += d));
    const ended = new Promise((res) => term.on('exit', res));
    try {
      await recording(out1);
      term.stdin.write('\x03');
      for (let t = 0; t < 10_000 && !text.includes('status='); t += 50) await sleep(50);
      await recording(out2);
      term.stdin.write('\x03');
      await Promise.race([ended, sleep(15_000, undefined, { ref: false })]);
      assert.equal(text.match(/got INT/g)?.length, 1, text);
      assert.match(text, /status=3\r?\n/, 'the command ended with its own status: vltrace-record exits with it');
      assert.match(text, /syscalls recorded, 0 lost \(interrupted by SIGINT\)/);
      assert.doesNotMatch(text, /next 1|loop-done/, 'bash saw vltrace-record die of SIGINT and stopped');
      interruptedTrailer(await readLog(out1));
      interruptedTrailer(await readLog(out2));
    } finally {
      if (term.exitCode === null) term.kill('SIGKILL');
    }
  });
});

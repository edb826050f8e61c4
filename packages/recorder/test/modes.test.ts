/**
 * vltrace-record's ways of choosing what to trace, on the real kernel: -p on a running process,
 * system-wide (never itself), -e, -X, and stopping by SIGINT (clean, with a trailer) or
 * SIGKILL (the kernel detaches: links are file descriptors).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveSyscallExpr } from '@vltrace/format';
import {
  buildProg, CLI, leftoverBpf, leftoverBpfSettled, noEbpf, PKG_DIR, readLog, requireEbpf, runRecorder, startRecorder, tempDir,
} from './helpers.js';

/** Waits until the recording has begun (its output has the header) or a fixed delay passed. */
async function attached(out: string, ms = 10_000): Promise<void> {
  for (let t = 0; t < ms && !(existsSync(out) && statSync(out).size > 0); t += 50) await sleep(50);
  await sleep(300); // attach follows the header within a few ms; leave margin on a loaded machine
}

describe('vltrace-record: filters and process selection, on the real kernel', { skip: noEbpf() }, () => {
  let prog: string;
  let dir: string;
  before(() => {
    requireEbpf();
    prog = buildProg();
    dir = tempDir();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('-p traces a running process and stops when it exits', async () => {
    const marker = `/vlt-p-marker-${process.pid}`;
    const target = spawn(prog, ['await', marker], { stdio: ['pipe', 'ignore', 'ignore'] });
    const out = join(dir, 'p.bin');
    const rec = startRecorder(['-p', String(target.pid), '-o', out], dir);
    // its go once recording has begun (no fixed delay: start-up is slow on a loaded machine)
    for (let t = 0; t < 10_000 && !(existsSync(out) && statSync(out).size > 0); t += 50) await sleep(50);
    await sleep(300);
    target.stdin!.end('g');
    const r = await rec.done;
    assert.equal(r.status, 0, r.stderr);
    const log = await readLog(out);
    const hit = log.syscalls.find((s) => s.name === 'access' && s.strings[0] === marker);
    assert.equal(hit?.pid, target.pid);
    assert.equal(hit?.errnoName, 'ENOENT');
    assert.ok(log.syscalls.every((s) => s.pid === target.pid), 'only the -p process');
    assert.deepEqual(log.header.meta.pids, [target.pid]);
    // what ran before recording started is described by a PROC_INFO packet
    const info = log.events.find((e) => e.type === 'proc_info' && e.pid === target.pid);
    assert.ok(info?.type === 'proc_info');
    assert.equal(info.comm, 'syscalls');
    assert.equal(info.exe, prog);
    assert.equal(info.ppid, process.pid);
    // and its descriptors and working directory by FD_INFO packets, as /proc named them
    const fds = new Map(log.events.flatMap((e) => (e.type === 'fd_info' && e.pid === target.pid ? [[e.fd, Buffer.from(e.path).toString()]] : [])));
    assert.match(fds.get(0) ?? '', /^(pipe|socket):\[\d+\]$/, 'stdin: the pipe from the test');
    assert.equal(fds.get(1), '/dev/null');
    assert.equal(fds.get(-100), process.cwd());
    const trailer = log.events.find((e) => e.type === 'trailer');
    assert.ok(trailer?.type === 'trailer' && trailer.events === trailer.written + trailer.lost);
  });

  it('system-wide on a terminal: how to stop it and how fast the output grows; nothing of it when stderr is not a terminal', () => {
    const args = (out: string) => ['-s', 'INT', '3.5', process.execPath, CLI, '-o', join(dir, out), '-e', 'getppid,write,read'];
    // script(1) runs it on a pseudo-terminal; its output is the terminal's
    const tty = spawnSync('script', ['-qec', args('tty.bin').map((a) => `'${a}'`).join(' ').replace(/^/, 'timeout '), '/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    assert.match(tty.stdout, /vltrace-record: recording every process on the system into \S*tty\.bin; Ctrl-C stops\r?\n/, tty.stdout);
    assert.match(tty.stdout, /\r\x1b\[Kvltrace-record: [\d.]+ [KMG]iB written, growing [\d.]+ [KMG]iB\/s \(\d+ packets\/s\)/, tty.stdout);
    assert.match(tty.stdout, /\r\x1b\[Kvltrace-record: \d+ syscalls recorded/, 'the status line is cleared before the report');
    const piped = spawnSync('timeout', args('piped.bin'), { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    assert.match(piped.stderr, /^vltrace-record: \d+ syscalls recorded/);
    assert.doesNotMatch(piped.stderr, /every process|growing|\r/);
  });

  it('system-wide sees another process but never the recorder itself; SIGINT stops it cleanly', async () => {
    const marker = `/vlt-sw-marker-${process.pid}`;
    const out = join(dir, 'sw.bin');
    const rec = startRecorder(['-o', out, '-e', 'access,faccessat,faccessat2,write,read'], dir);
    await attached(out);
    const other = spawn(prog, ['wait', '10', marker], { stdio: 'ignore' });
    await new Promise((res) => other.on('exit', res));
    await sleep(200);
    rec.child.kill('SIGINT');
    const r = await rec.done;
    assert.equal(r.signal, 'SIGINT', r.stderr); // ends by the signal, as strace does (130 in a shell)
    const log = await readLog(out);
    assert.equal(log.syscalls.find((s) => s.strings[0] === marker)?.pid, other.pid);
    assert.equal(log.syscalls.filter((s) => s.pid === rec.child.pid).length, 0, 'the recorder traced itself');
    const trailer = log.events.find((e) => e.type === 'trailer');
    assert.ok(trailer?.type === 'trailer' && trailer.interrupted, 'trailer with the interrupted flag');
    assert.equal(trailer.events, trailer.written + trailer.lost);
    assert.deepEqual(await leftoverBpfSettled(), []);
  });

  it('-e %file records only syscalls of that class', async () => {
    const out = join(dir, 'file.bin');
    const r = runRecorder(['-f', '-e', '%file', '-o', out, '--', prog], dir);
    assert.equal(r.status, 3, r.stderr);
    const log = await readLog(out);
    const allowed = resolveSyscallExpr('%file');
    assert.ok(log.syscalls.length > 20);
    const others = log.syscalls.filter((s) => s.status !== 'no-entry' && !allowed.has(s.nr)).map((s) => s.name);
    assert.deepEqual(others, []);
    assert.ok(log.syscalls.some((s) => s.name === 'mount'));
    assert.ok(!log.syscalls.some((s) => s.name === 'close'));
  });

  it('-X records only failed syscalls, entry and exit, strings read at exit', async () => {
    const out = join(dir, 'failed.bin');
    const r = runRecorder(['-f', '-X', '-s', '4096', '-o', out, '--', prog], dir);
    assert.equal(r.status, 3, r.stderr);
    const log = await readLog(out);
    assert.ok(log.syscalls.length >= 18);
    for (const s of log.syscalls) {
      assert.ok(s.errno !== undefined, `${s.name} = ${s.ret} is not a failure`);
      assert.equal(s.status, 'complete', `${s.name}: entry and exit`);
    }
    assert.equal(log.syscalls.find((s) => s.name === 'close')?.errnoName, 'EBADF');
    assert.equal(log.syscalls.filter((s) => s.name === 'open' && s.strings[0]?.length === 4095).length, 1);
    assert.equal(log.header.meta.failedOnly, true);
  });

  it('SIGKILL of the recorder leaves nothing attached (links are file descriptors)', async () => {
    const out = join(dir, 'killed.bin');
    const rec = startRecorder(['-o', out, '--', prog, 'wait', '2000', '/vlt-killed'], dir);
    // recording has begun once the output exists (a fixed delay was too short on a loaded machine)
    for (let t = 0; t < 10_000 && !(existsSync(out) && statSync(out).size > 0); t += 50) await sleep(50);
    await sleep(300);
    assert.ok(leftoverBpf([rec.child.pid!]).length > 0, 'attached while recording');
    rec.child.kill('SIGKILL');
    await rec.done;
    assert.deepEqual(await leftoverBpfSettled(), []);
    // the log is still readable: complete packets, flushed every 100 ms, no trailer
    const log = await readLog(out);
    assert.ok(log.syscalls.length > 0);
    assert.ok(log.warnings.some((w) => /no trailer/.test(w)));
  });

  it('-f follows a daemonised grandchild to its end, as strace -f does', async () => {
    const out = join(dir, 'daemon.bin');
    const t0 = Date.now();
    const r = runRecorder(['-f', '-o', out, '--', 'sh', '-c', `(sleep 0.7; ${prog} wait 0 /vlt-daemon-marker; exit 5) & exit 0`], dir);
    assert.equal(r.status, 0, r.stderr); // the command's status, not the daemon's
    assert.ok(Date.now() - t0 >= 700, 'waited for the daemon');
    const log = await readLog(out);
    const hit = log.syscalls.find((s) => s.name === 'access' && s.strings[0] === '/vlt-daemon-marker');
    assert.ok(hit, 'the daemon\'s syscall is in the log');
    assert.ok(log.events.some((e) => e.type === 'proc_exit' && e.groupDead && e.exitCode === 5 << 8), 'its exit too');
  });

  it('a ring too small loses packets, and says so: LOST packets, the trailer, a warning', async () => {
    const out = join(dir, 'lost.bin');
    const r = runRecorder(['--ring-size', '4K', '-o', out, '--', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=20000'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /warning: \d+ packets lost/);
    const log = await readLog(out);
    const trailer = log.events.find((e) => e.type === 'trailer');
    assert.ok(trailer?.type === 'trailer' && trailer.lost > 0n);
    assert.equal(trailer.events, trailer.written + trailer.lost);
    assert.equal(trailer.lost, trailer.lostPerCpu.reduce((a, b) => a + b, 0n));
    // each gap is reported where it happened; only a CPU's last gap can be left to the trailer
    const reported = log.events.reduce((n, e) => n + (e.type === 'lost' ? e.count : 0n), 0n);
    assert.ok(reported > 0n && reported <= trailer.lost);
  });

  it('an output error (ENOSPC) stops the recording, leaves whole packets, and the counts say what is in the file', async () => {
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
    try {
      const out = join(mnt, 'full.bin');
      const r = runRecorder(['-o', out, '--', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=100000'], dir);
      assert.equal(r.status, 1, r.stderr);
      const log = await readLog(out);
      assert.ok(log.syscalls.length > 1000);
      // complete packets only: no "truncated packet" warning (the trailer did not fit)
      assert.ok(!log.warnings.some((w) => /truncated packet/.test(w)), log.warnings.join('; '));
      assert.ok(log.warnings.some((w) => /no trailer/.test(w)));
      // the report counts what is in the file, and says what was not written and why
      const recorded = /(\d+) syscalls recorded, 0 lost/.exec(r.stderr);
      assert.ok(recorded, r.stderr);
      assert.equal(Number(recorded[1]), log.stats.complete + log.stats.unfinished);
      const held = /error: ENOSPC \(no space left on device\) writing the output: recording stopped; the log holds the (\d+) packets written before the error \(no trailer\)(?:, the (\d+) packets produced since are not in it)?/.exec(r.stderr);
      assert.ok(held, r.stderr);
      assert.equal(Number(held[1]), log.stats.packets);
      // dd wrote 200000 syscalls (400000 packets); 256 KiB holds a few thousand
      assert.ok(Number(held[2]) > 10_000, r.stderr);
      assert.deepEqual(await leftoverBpfSettled(), []);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });

  it('an output too small for the header: one error line, exit 1, and the command never runs', () => {
    const mnt = join(dir, 'tiny');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8k', 'tmpfs', mnt]);
    try {
      const ran = join(dir, 'ran');
      const r = runRecorder(['-o', join(mnt, 'full.bin'), '--', 'touch', ran], dir);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^vltrace-record: cannot write \S*full\.bin: ENOSPC \(no space left on device\)$/m);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assert.equal(existsSync(ran), false);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });

  it('-l text and -l hex stream the recording live through @vltrace/convert', () => {
    for (const format of ['text', 'hex']) {
      const out = join(dir, `live.${format}`);
      const r = runRecorder(['-f', '-l', format, '-o', out, '--', prog], dir);
      assert.equal(r.status, 3, r.stderr);
      assert.equal(statSync(out).mode & 0o777, 0o600);
      const text = readFileSync(out, 'utf8');
      assert.ok(text.includes('/vlt-missing-file'), `${format}: the path of a failed open`);
      assert.ok(text.split('\n').length > 100, `${format}: a line per syscall`);
    }
  });

  it('-N loads vltrace.bpf.o from a directory, and refuses another object', () => {
    const objDir = join(dir, 'ebpf');
    mkdirSync(objDir);
    copyFileSync(join(PKG_DIR, '../../native/gen/vltrace.bpf.o'), join(objDir, 'vltrace.bpf.o'));
    const ok = runRecorder(['-N', objDir, '-o', join(dir, 'n.bin'), '--', 'true'], dir);
    assert.equal(ok.status, 0, ok.stderr);
    writeFileSync(join(objDir, 'vltrace.bpf.o'), 'not an ELF file');
    const bad = runRecorder(['-N', objDir, '-o', join(dir, 'bad.bin'), '--', 'true'], dir);
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /vltrace\.bpf\.o/);
    assert.equal(existsSync(join(dir, 'bad.bin')), false, 'no output when loading failed');
  });

  it('a command killed by a signal: exit 128 + signal', () => {
    const r = runRecorder(['-o', join(dir, 'killed9.bin'), '--', 'sh', '-c', 'kill -9 $$'], dir);
    assert.equal(r.status, 137, r.stderr);
  });

  it('run as an executable (directly and through node_modules/.bin), the command gets the environment as it is', () => {
    const env = { ...process.env, VLT_PROBE: '/a dir/x', VLT_EMPTY: '' };
    const cmd = 'printf "%s|[%s]" "$VLT_PROBE" "${VLT_EMPTY-unset}"';
    for (const bin of [CLI, join(PKG_DIR, '../../node_modules/.bin/vltrace-record')]) {
      const r = spawnSync(bin, ['-o', join(dir, 'env.bin'), '--', 'sh', '-c', cmd], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, '/a dir/x|[]');
    }
  });

  it('a command that does not exist: exit 127, no hang', () => {
    const r = runRecorder(['-o', join(dir, 'none.bin'), '--', 'vlt-no-such-command'], dir, 10_000);
    assert.equal(r.status, 127, r.stderr);
    assert.match(r.stderr, /command not found/);
  });
});

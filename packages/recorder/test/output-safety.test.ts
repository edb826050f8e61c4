/**
 * vltrace-record's outputs on the real kernel: names another user planted in a sticky
 * world-writable directory (out.bin, trace.h, a live text output as symlinks to root's file; a
 * FIFO) are never written through; the recording is 0600 and appears under its name as soon as
 * recording starts; /dev/null, a FIFO and /dev/stdout still work; an output that cannot be
 * created is one line and exit status 2, and the command does not run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTraceH } from '@vltrace/format/write';
import { CLI, noEbpf, readLog, requireEbpf, runRecorder, startRecorder, tempDir } from './helpers.js';

const NOBODY = 65534;
const ROOT_DATA = "root's data\n";

/** `uid` runs a command (planting names in the sticky directory, as any user may). */
function as(uid: number, cmd: string, ...args: string[]): void {
  const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', cmd, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

const modeBits = (p: string) => statSync(p).mode & 0o7777;
const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp-'));

describe('vltrace-record: outputs are created safely', { skip: noEbpf() }, () => {
  let base: string;
  let victim: string;
  let n = 0;
  /** a fresh sticky world-writable directory, like /tmp */
  const shared = () => {
    const d = join(base, `shared${n++}`);
    mkdirSync(d);
    chmodSync(d, 0o1777);
    return d;
  };

  before(() => {
    requireEbpf();
    base = tempDir();
    chmodSync(base, 0o755);
    victim = join(base, 'victim');
    writeFileSync(victim, ROOT_DATA);
    chmodSync(victim, 0o644);
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  const victimUntouched = () => {
    assert.equal(readFileSync(victim, 'utf8'), ROOT_DATA, 'the planted link\'s target keeps its content');
    assert.equal(modeBits(victim), 0o644, 'and its mode');
  };

  it('out.bin and trace.h planted as symlinks to root\'s file: replaced by a fresh 0600 recording and a 0644 trace.h', async () => {
    const d = shared();
    const out = join(d, 'out.bin');
    as(NOBODY, 'ln', '-s', victim, out);
    as(NOBODY, 'ln', '-s', victim, join(d, 'trace.h'));
    const r = runRecorder(['-o', out, '--', 'true'], d);
    assert.equal(r.status, 0, r.stderr);
    victimUntouched();
    const st = lstatSync(out);
    assert.ok(st.isFile() && st.uid === 0 && (st.mode & 0o7777) === 0o600, 'a fresh recording of root\'s, mode 0600');
    const log = await readLog(out);
    assert.ok(log.syscalls.some((s) => s.name === 'execve'), 'a readable recording');
    const th = lstatSync(join(d, 'trace.h'));
    assert.ok(th.isFile() && (th.mode & 0o7777) === 0o644);
    assert.equal(readFileSync(join(d, 'trace.h'), 'utf8'), renderTraceH());
    assert.deepEqual(leftovers(d), []);
  });

  it('trace.h that cannot be replaced is a note, not an error; the recording goes on', () => {
    const d = shared();
    mkdirSync(join(d, 'trace.h'));
    const r = runRecorder(['-o', join(d, 'out.bin'), '--', 'true'], d);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`vltrace-record: note: cannot write ${join(d, 'trace.h')}: it is a directory; the log's header holds the same description of its packets\n`));
    assert.equal(modeBits(join(d, 'out.bin')), 0o600);
  });

  it('-l text -o FILE planted as a symlink: replaced by a fresh 0600 file', () => {
    const d = shared();
    const out = join(d, 'live.txt');
    as(NOBODY, 'ln', '-s', victim, out);
    const r = runRecorder(['-l', 'text', '-o', out, '--', 'true'], d);
    assert.equal(r.status, 0, r.stderr);
    victimUntouched();
    const st = lstatSync(out);
    assert.ok(st.isFile() && (st.mode & 0o7777) === 0o600);
    assert.match(readFileSync(out, 'utf8'), /execve/);
    assert.equal(existsSync(join(d, 'trace.h')), false, 'no trace.h beside a text output');
  });

  it('the recording is under its final name as soon as recording starts', async () => {
    const d = shared();
    const out = join(d, 'live.bin');
    const rec = startRecorder(['-o', out, '--', 'sleep', '2'], d);
    // while the command sleeps, the log is there under its name, no temporary name beside it
    let seen = false;
    for (let t = 0; t < 100 && !seen && rec.child.exitCode === null; t++) {
      await new Promise((res) => setTimeout(res, 50));
      seen = existsSync(out) && existsSync(join(d, 'trace.h'));
    }
    assert.ok(seen, `the log appears while recording: ${rec.stderr()}`);
    assert.equal(rec.child.exitCode, null, 'before the command ended');
    assert.ok(lstatSync(out).isFile());
    assert.equal(modeBits(out), 0o600);
    assert.deepEqual(leftovers(d), []);
    const r = await rec.done;
    assert.equal(r.status, 0, r.stderr);
  });

  it('-o /dev/null, a FIFO and /dev/stdout (redirected to a file) still work; no trace.h beside them', async () => {
    const d = shared();
    assert.ok(statSync('/dev/null').isCharacterDevice(), 'the machine\'s /dev/null is a device before the test (if not, something else replaced it)');
    const nul = runRecorder(['-o', '/dev/null', '--', 'true'], d);
    assert.equal(nul.status, 0, nul.stderr);
    assert.ok(statSync('/dev/null').isCharacterDevice());
    assert.equal(existsSync('/dev/trace.h'), false);
    assert.deepEqual(readdirSync('/dev').filter((f) => f.includes('.tmp-')), []);

    const fifo = join(base, `fifo${n++}`);
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
    const got = join(base, 'from-fifo.bin');
    const reader = spawn('sh', ['-c', 'exec cat "$1" > "$2"', 'sh', fifo, got], { stdio: 'inherit' });
    const done = new Promise<number | null>((res) => reader.on('exit', res));
    const viaFifo = runRecorder(['-o', fifo, '--', 'true'], d);
    assert.equal(viaFifo.status, 0, viaFifo.stderr);
    assert.equal(await done, 0);
    assert.ok((await readLog(got)).syscalls.some((s) => s.name === 'execve'), 'the recording came through the FIFO');
    assert.ok(lstatSync(fifo).isFIFO());

    const redirected = join(d, 'stdout.bin');
    const fd = openSync(redirected, 'w', 0o644);
    const viaStdout = spawnSync(process.execPath, [CLI, '-o', '/dev/stdout', '--', 'true'], { cwd: d, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    closeSync(fd);
    assert.equal(viaStdout.status, 0, viaStdout.stderr);
    assert.ok((await readLog(redirected)).syscalls.some((s) => s.name === 'execve'));
    assert.equal(modeBits(redirected), 0o600, 'made private like any recording');
    assert.ok(lstatSync('/dev/stdout').isSymbolicLink(), '/dev/stdout is untouched');
    assert.equal(existsSync('/dev/trace.h'), false);
  });

  it('a FIFO another user planted is not written into; an output that cannot be created: one line, exit 1, the command not run', () => {
    const d = shared();
    const fifo = join(d, 'out.bin');
    as(NOBODY, 'mkfifo', '-m', '666', fifo);
    const marker = join(base, `ran${n++}`);
    const r = runRecorder(['-o', fifo, '--', 'touch', marker], d);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `vltrace-record: cannot write ${fifo}: it leads to a FIFO of uid ${NOBODY} in a shared sticky directory; not written into\n`);
    assert.equal(existsSync(marker), false, 'the command did not run');

    const missing = join(base, 'no', 'such', 'dir', 'out.bin');
    const m = runRecorder(['-o', missing, '--', 'touch', marker], d);
    assert.equal(m.status, 1);
    assert.equal(m.stderr, `vltrace-record: cannot write ${missing}: no such file or directory (ENOENT)\n`);
    const live = runRecorder(['-l', 'hex', '-o', missing, '--', 'touch', marker], d);
    assert.equal(live.status, 1);
    assert.equal(live.stderr, `vltrace-record: cannot write ${missing}: no such file or directory (ENOENT)\n`);
    assert.equal(existsSync(marker), false, 'the command did not run');
  });
});

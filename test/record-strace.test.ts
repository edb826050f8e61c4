/**
 * The recorder's test program (packages/recorder/test/prog/syscalls.c: threads, fork, vfork,
 * clone, long strings, failures) recorded while strace -f traces it, so both see the very same
 * calls; vltrace-convert's strace lines of strace's tracees must hold every call and result
 * strace printed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { convert } from '@vltrace/convert';
import { compareStrace, parseStraceLines } from '@vltrace/testkit';
import { noEbpf, RECORDER, requireEbpf, ROOT, tempDir } from './support.js';

const PROG_SRC = join(ROOT, 'packages/recorder/test/prog/syscalls.c');
/** syscalls.c's own exit status */
const PROG_STATUS = 3;

describe('record → convert --to strace, against strace -f in the same run', { skip: noEbpf() }, () => {
  let dir: string;
  let prog: string;
  before(() => {
    requireEbpf();
    dir = tempDir();
    prog = join(dir, 'syscalls');
    execFileSync('cc', ['-O2', '-o', prog, PROG_SRC, '-lpthread'], { stdio: 'inherit' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('the recording has the calls and results strace -f shows', async () => {
    const straceOut = join(dir, 'strace.txt');
    const out = join(dir, 'cmp.bin');
    const r = spawnSync(process.execPath, [RECORDER, '-f', '-o', out, '--', 'strace', '-f', '-o', straceOut, '--', prog],
      { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, PROG_STATUS, r.stderr);
    const straceText = readFileSync(straceOut, 'latin1');
    const tids = [...parseStraceLines(straceText).keys()];
    const ours = join(dir, 'cmp.strace');
    await convert({ inputs: [out], to: 'strace', output: ours, followForks: true, tids });
    const root = Number(/^(\d+)/.exec(straceText)![1]);
    const { callDiffs: diffs, threads, calls } = compareStrace(straceText, readFileSync(ours, 'latin1'), { root });
    assert.deepEqual(diffs, []);
    assert.equal(threads, 5, 'the program, its thread, fork, vfork and clone children');
    assert.ok(calls > 90, `${calls} calls compared`);
  });
});

/**
 * What the command inherits: the descriptors vltrace-record itself inherited, and none that the
 * recorder opened while the command was starting. The BPF load runs while vlt-start starts, and
 * libbpf opens the kernel's BTF without close-on-exec; vlt-start closes every descriptor above
 * its go pipe that is not in the list the addon took when it was loaded (--keep-fds).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { nativeFiles } from '../src/native.js';
import { CLI, noEbpf, requireEbpf, tempDir } from './helpers.js';

/** stdio for a child: 'ignore' up to `fds`' highest, each of `fds` at its number, fd 3 as given. */
function stdioWith(fds: ReadonlyMap<number, number>, three: 'pipe' | 'ignore'): StdioOptions {
  const top = Math.max(3, ...fds.keys());
  const stdio: (number | 'pipe' | 'ignore')[] = ['ignore', 'pipe', 'pipe'];
  for (let fd = 3; fd <= top; fd++) stdio.push(fds.get(fd) ?? (fd === 3 ? three : 'ignore'));
  return stdio;
}

/** The descriptors a shell run this way has, from /proc (its own listing's is above them). */
const LIST = ['sh', '-c', 'ls /proc/$$/fd'];
const numbers = (out: string): number[] => out.split(/\s+/).filter(Boolean).map(Number).sort((a, b) => a - b);

describe('the command inherits what vltrace-record inherited, nothing more', () => {
  it('vlt-start closes the descriptors above its go pipe that --keep-fds does not list', async () => {
    const devNull = openSync('/dev/null', 'r');
    try {
      const { vltStart } = nativeFiles();
      const child = spawn(vltStart, ['--keep-fds=0,1,2,40', ...LIST], { stdio: stdioWith(new Map([[40, devNull], [41, devNull], [57, devNull]]), 'pipe') });
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
      (child.stdio[3] as Writable).end('g');
      const code = await new Promise<number | null>((res) => child.on('close', res));
      assert.equal(code, 0);
      const fds = numbers(out);
      assert.ok(fds.includes(40), `fd 40 is kept: ${fds.join(' ')}`);
      assert.ok(!fds.includes(41) && !fds.includes(57), `fds 41 and 57 are closed: ${fds.join(' ')}`);
    } finally {
      closeSync(devNull);
    }
  });

  it('without --keep-fds, vlt-start keeps every descriptor (as exec would)', async () => {
    const devNull = openSync('/dev/null', 'r');
    try {
      const { vltStart } = nativeFiles();
      const child = spawn(vltStart, LIST, { stdio: stdioWith(new Map([[41, devNull]]), 'pipe') });
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
      (child.stdio[3] as Writable).end('g');
      assert.equal(await new Promise<number | null>((res) => child.on('close', res)), 0);
      assert.ok(numbers(out).includes(41), out);
    } finally {
      closeSync(devNull);
    }
  });

  it('vltrace-record passes an inherited descriptor on and no descriptor of its own', { skip: noEbpf() }, () => {
    requireEbpf();
    const dir = tempDir();
    const devNull = openSync('/dev/null', 'r');
    try {
      // several runs: a descriptor of the load leaked only when the command started inside libbpf's open…close
      const stdio = stdioWith(new Map([[40, devNull]]), 'ignore');
      // what the shell has when run directly: fd 40 and whatever this process leaves inheritable
      const direct = numbers(spawnSync(LIST[0]!, LIST.slice(1), { stdio, encoding: 'utf8' }).stdout);
      assert.ok(direct.includes(40));
      for (let i = 0; i < 5; i++) {
        const r = spawnSync(process.execPath, [CLI, '-o', join(dir, 'run.bin'), '--', ...LIST], { stdio, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const traced = numbers(r.stdout);
        assert.ok(traced.includes(40), `fd 40 is passed on: ${traced.join(' ')}`);
        assert.deepEqual(traced.filter((fd) => !direct.includes(fd)), [], `no descriptor beyond the inherited ones (${direct.join(' ')}): ${traced.join(' ')}`);
      }
    } finally {
      closeSync(devNull);
    }
  });
});

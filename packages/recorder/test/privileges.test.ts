/**
 * vltrace-record without the privileges eBPF needs (run as nobody): one clear line, exit 2, no
 * output, none of libbpf's messages unless -d asks for them, and no advice to hand the
 * capabilities to the system's node.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, noEbpf, requireEbpf, tempDir } from './helpers.js';

/** vltrace-record as user and group nobody, with no supplementary groups and no capabilities. */
function asNobody(args: string[]) {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, ...args], {
    cwd: '/', encoding: 'utf8', timeout: 30_000,
  });
  return { status: r.status, stderr: r.stderr, error: r.error };
}

describe('vltrace-record without privileges', { skip: noEbpf() }, () => {
  let dir: string;
  before(() => {
    requireEbpf(); // root, so that setpriv can drop to nobody
    dir = tempDir();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says so in one line, exit 2, no output and no libbpf messages', () => {
    const out = join(dir, 'nobody.bin');
    const r = asNobody(['-o', out, '--', 'true']);
    assert.equal(r.error, undefined);
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^vltrace-record: not permitted to load eBPF programs \(EPERM\): run it as root/);
    assert.doesNotMatch(r.stderr, /setcap/);
    assert.equal(existsSync(out), false);
  });

  it('-d shows libbpf\'s messages as well', () => {
    const r = asNobody(['-d', '-o', join(dir, 'nobody-d.bin'), '--', 'true']);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^libbpf: /m);
    assert.match(r.stderr, /^Failed to load BPF object: Operation not permitted$/m);
    assert.match(r.stderr, /^vltrace-record: not permitted to load eBPF programs \(EPERM\)/m);
  });
});

/**
 * The recorder benchmark's floor loader (bench/floor.c) on the real kernel: it attaches an
 * empty program to every hook of the recorder's BPF object while the command runs, passes the
 * command's exit status on, detaches when it ends, and says what failed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFloor, floorCommand } from '../bench/floor.js';
import { noEbpf, requireEbpf, tempDir } from './helpers.js';

const HOOKS = ['sys_enter', 'sys_exit', 'sched_process_fork', 'sched_process_exec', 'sched_process_exit'];

/** Runs a command line; stdout, stderr and the status. */
function run(argv: string[]) {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The empty programs attached now: links to programs named fl_* (floor.c names them so). */
const ATTACHED = `
const { execFileSync } = require('node:child_process');
const show = (w) => JSON.parse(execFileSync('/usr/sbin/bpftool', ['-j', w, 'show'], { encoding: 'utf8' }) || '[]');
const ids = new Set(show('prog').filter((p) => p.name?.startsWith('fl_')).map((p) => p.id));
console.log(show('link').filter((l) => ids.has(l.prog_id)).length);
`;

describe('bench floor loader', { skip: noEbpf() }, () => {
  let dir: string;
  let bin: string;
  before(() => {
    requireEbpf();
    dir = tempDir();
    bin = buildFloor(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('attaches an empty program on each hook of the recorder object while the command runs', () => {
    const r = run(floorCommand(bin, [process.execPath, '-e', ATTACHED]));
    assert.equal(r.status, 0, r.stderr);
    const listed = /floor: (\d+) empty programs attached: (.*)/.exec(r.stderr);
    assert.ok(listed, r.stderr);
    const names = listed[2]!.split(' ');
    for (const h of HOOKS) assert.ok(names.includes(h), `${h} in ${listed[2]}`);
    assert.equal(names.length, Number(listed[1]));
    assert.ok(Number(r.stdout.trim()) >= names.length, `links to floor programs: ${r.stdout}`);
  });

  it("passes the command's exit status on and detaches at the end", () => {
    assert.equal(run(floorCommand(bin, ['sh', '-c', 'exit 3'])).status, 3);
    assert.equal(run(floorCommand(bin, ['sh', '-c', 'kill -TERM $$'])).status, 128 + 15);
    const left = run([process.execPath, '-e', ATTACHED]);
    assert.equal(left.stdout.trim(), '0', 'no link left to an empty program');
  });

  it('says what failed', () => {
    const junk = join(dir, 'junk.o');
    writeFileSync(junk, 'not an ELF object');
    const r = run(floorCommand(bin, ['true'], junk));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /floor: opening .*junk\.o/);
    assert.equal(run(floorCommand(bin, ['/nonexistent/cmd'])).status, 127);
  });
});

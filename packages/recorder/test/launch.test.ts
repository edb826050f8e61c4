/**
 * launch.ts, the early start of the BPF load: its scan of the command line reads what the
 * load depends on as the full parser does, or gives up; it never reads it differently.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../src/cli.js';
import { SCAN, SCAN_SHORT, scanLoadSettings } from '../src/launch.js';
import { loadConfig } from '../src/native.js';
import { OPTIONS, recordSettings } from '../src/options.js';

describe('launch: the early read of the load settings', () => {
  it('knows every option of the table, with its short name and whether it takes a value', () => {
    assert.deepEqual(Object.keys(SCAN).sort(), Object.keys(OPTIONS).sort());
    for (const [name, spec] of Object.entries(OPTIONS)) {
      const short = (spec as { short?: string }).short;
      if (short) assert.equal(SCAN_SHORT[short], name, `-${short}`);
      const kind = SCAN[name];
      if (kind !== 'other') assert.equal(kind === 'value', spec.type === 'string' || spec.type === 'number', name);
    }
    assert.equal(Object.keys(SCAN_SHORT).length, Object.values(OPTIONS).filter((s) => 'short' in s).length);
  });

  it('reads the load settings as the full parser does, or gives up', () => {
    const lines = [
      ['-o', 'a.bin', '--', 'true'],
      ['-o', 'a.bin', 'ls', '-l', '-p', '3'],
      ['-f', '-o', 'a.bin', 'make'],
      ['-fX', '-oa.bin', 'make'],
      ['-tXd', '-s', '300', '-o', 'a', '--', 'x'],
      ['-s4000', '--string-mode', 'const', '-o', 'a', 'x'],
      ['--string-mode=packet', '--output=a', 'x'],
      ['--ring-size', '1M', '-p', '1,2', '-p', '3', '-o', 'a'],
      ['-p', '12', '-o', 'a'],
      ['-e', '%file', '-X', '-o', 'a'],
      ['-N', '/opt/bpf/', '-o', 'a', '--', 'true'],
      ['--debug', '--stats', '-l', 'text', 'true'],
      ['-o', 'a'],
      ['-o', '-', 'x'],
      ['-K', ',', '-l', 'hex', '-', 'x'],
      ['--full-follow-fork', '-o', 'a', 'x'],
    ];
    for (const argv of lines) {
      const early = scanLoadSettings(argv);
      assert.ok(early, `read early: ${argv.join(' ')}`);
      const full = recordSettings(parseArgs(argv));
      assert.deepEqual(loadConfig(early), loadConfig(full), argv.join(' '));
    }
  });

  it('gives up on what is not a plain recording, or not for it to judge', () => {
    const lines = [
      ['--help'], ['-h'], ['-V'], ['--version'], ['--completion'], ['-L'], ['-R'], ['-B'], ['-fL'],
      ['-ff', '-o', 'a', 'x'], ['-f', '-f', 'x'], ['-o'], ['-o', '-x', 'y'], ['-s', 'x', 'y'], ['-s', '0', 'y'],
      ['--string-mode', 'slow', 'x'], ['--ring-size', 'lots', 'x'], ['-p', '0'], ['-p', 'x'], ['-p', '1', 'x'],
      ['--unknown', 'x'], ['-Z', 'x'], ['--no-debug', 'x'], ['--debug=1', 'x'], ['--output=', 'x'], ['--constructor', 'x'],
      ['-o', 'a', '-o', 'b', 'x'], ['-e', '-x', '-o', 'a'],
    ];
    for (const argv of lines) assert.equal(scanLoadSettings(argv), undefined, argv.join(' '));
  });
});

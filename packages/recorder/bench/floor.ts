/**
 * The recorder benchmark's floor (bench/floor.c): empty BPF programs on the recorder's own
 * hooks. Built here with the machine's C compiler and libbpf (libbpf-dev); used by
 * record.bench.ts and its test.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const PKG = fileURLToPath(new URL('../../', import.meta.url));

/** The BPF object the recorder loads (the one @vltrace/native ships in gen/): its sections name the hooks. */
export function recorderObject(): string {
  const nativePkg = createRequire(import.meta.url).resolve('@vltrace/native/package.json');
  return join(dirname(nativePkg), 'gen', 'vltrace.bpf.o');
}

/** Compiles the floor loader into `dir`; returns its path. Throws with the compiler's message. */
export function buildFloor(dir: string): string {
  const bin = join(dir, 'floor');
  execFileSync('cc', ['-O2', '-Wall', '-o', bin, join(PKG, 'bench', 'floor.c'), '-lbpf', '-lelf', '-lz'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return bin;
}

/** The command line that runs `cmd` with the floor attached. */
export function floorCommand(bin: string, cmd: string[], object = recorderObject()): string[] {
  return [bin, object, '--', ...cmd];
}

// trace.h is generated from layout.ts; the C compiler must agree with the TypeScript layout on
// every sizeof and offsetof, or the recorder and the reader would disagree about the bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FILE_RECORD, PACKETS, PACKET_LAYOUTS, PACKET_HEADER, STR_CHUNK, layoutStruct, type PacketKind } from '../src/layout.js';
import { renderTraceH } from '../src/trace-h.js';

test('a C compiler agrees with the TypeScript layout on every field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-traceh-'));
  writeFileSync(join(dir, 'trace.h'), renderTraceH());
  const structs: [string, ReturnType<typeof layoutStruct>][] = [
    ['vlt_hdr', layoutStruct(PACKET_HEADER)],
    ['vlt_str_chunk', layoutStruct(STR_CHUNK)],
    ['vlt_file', layoutStruct(FILE_RECORD)],
    ...Object.entries(PACKETS).map(([k, v]) => [`vlt_${v.name}`, PACKET_LAYOUTS[k as PacketKind]] as [string, ReturnType<typeof layoutStruct>]),
  ];
  const lines: string[] = ['#include <stdio.h>', '#include <stddef.h>', '#include "trace.h"', 'int main(void) {'];
  const expected: string[] = [];
  for (const [name, l] of structs) {
    lines.push(`printf("${name} sizeof %zu\\n", sizeof(struct ${name}));`);
    expected.push(`${name} sizeof ${l.sizeof}`);
    for (const f of l.fields) {
      lines.push(`printf("${name}.${f.name} offset %zu\\n", offsetof(struct ${name}, ${f.name}));`);
      expected.push(`${name}.${f.name} offset ${f.offset}`);
      if (f.count !== 0) {
        lines.push(`printf("${name}.${f.name} size %zu\\n", sizeof(((struct ${name} *)0)->${f.name}));`);
        expected.push(`${name}.${f.name} size ${f.size}`);
      }
    }
  }
  lines.push('return 0; }');
  writeFileSync(join(dir, 'check.c'), lines.join('\n'));
  execFileSync('cc', ['-std=c11', '-Wall', '-Werror', '-o', join(dir, 'check'), join(dir, 'check.c')], { cwd: dir });
  const out = execFileSync(join(dir, 'check'), { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(out, expected);
  assert.ok(expected.length > 60, 'every packet kind and field was checked');
});

test('trace.h defines the packet types and info bits the BPF program uses', () => {
  const h = renderTraceH();
  for (const [k, v] of Object.entries(PACKETS)) assert.match(h, new RegExp(`#define VLT_PT_${k} ${v.code}\\b`));
  assert.match(h, /#define VLT_INFO_NARGS_SHIFT 13/);
  assert.match(h, /#define VLT_CHUNK_TRUNCATED 0x2/);
  assert.match(h, /struct vlt_entry \{/);
});

test('packets are compact: a syscall without strings is at most 100 bytes on average', () => {
  const entry = (nargs: number) => PACKET_LAYOUTS.ENTRY.sizeof + 8 * nargs;
  const exit = PACKET_LAYOUTS.EXIT.sizeof;
  assert.equal(entry(0) + exit, 72); // getppid
  assert.equal(entry(3) + exit, 96); // read, write
  assert.equal(entry(6) + exit, 120); // mmap
});

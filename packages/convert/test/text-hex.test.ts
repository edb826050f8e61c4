import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { convert, type ConvertOptions } from '../src/index.js';
import { edgeCases, tmpPath, writeTrace } from './helpers.js';
import { PacketWriter } from '@vltrace/format';

const X = 'x'.repeat(900);
const BAD = Buffer.from([0x2f, 0x74, 0xff, 0xfe, 0x5c, 0x61]).toString('latin1'); // raw bytes, as latin1

/** The lines of the edge cases (without signals unless asked: those outputs predate them and must not change). */
async function lines(to: 'text' | 'hex', opts: Partial<ConvertOptions> = {}, signals = false): Promise<string[]> {
  const file = writeTrace(`th-${Math.random()}.bin`, edgeCases(1_000_000_000n, signals));
  const out = tmpPath(`th-${Math.random()}.${to}`);
  await convert({ inputs: [file], to, output: out, ...opts });
  // latin1 keeps every byte as one char, so non-UTF-8 bytes compare exactly
  const text = readFileSync(out).toString('latin1');
  assert.ok(text.endsWith('\n'));
  return text.slice(0, -1).split('\n');
}

test('text: vltrace 0.1 lines, entries and exits in time order, -t', async () => {
  assert.deepEqual(await lines('text', { timestamps: 1 }), [
    'vltrace-record -o t.bin app',
    'PID_TID TIME(nsec) ERR RES SYSCALL ARG1 ARG2 ARG3 ARG4 ARG5 ARG6 AUX_DATA',
    '0x0000000000000000 0x0000006400000064 ------------------ ------------------ openat 0xFFFFFFFFFFFFFF9C "/etc/passwd" 0x0000000000080000 0x0000000000000000',
    '0x00000000000000C8 0x0000006400000064 0x0000000000000000 0x0000000000000003 openat',
    `0x000000000000012C 0x0000006400000064 ------------------ ------------------ openat 0xFFFFFFFFFFFFFF9C "${BAD}" 0x0000000000000000 0x0000000000000000`,
    '0x000000000000015E 0x0000006400000064 0x0000000000000002 0xFFFFFFFFFFFFFFFF openat',
    '0x0000000000000190 0x0000006400000064 ------------------ ------------------ mmap 0x0000000000000000 0x0000000000001000 0x0000000000000003 0x0000000000000022 0xFFFFFFFFFFFFFFFF 0x7F123456789ABCDF',
    '0x0000000000000258 0x0000006400000064 0x0000000000000000 0x00007F1234567000 mmap',
    `0x00000000000002BC 0x0000006400000064 ------------------ ------------------ access [WARNING: string truncated]"/very/long/${X}/end 0x0000000000000004`,
    '0x0000000000000320 0x0000006400000064 0x000000000000000D 0xFFFFFFFFFFFFFFFF access',
    '0x0000000000000384 0x0000006400000064 ------------------ ------------------ unlink "/tm" [Warning: bpf read error occurred]',
    '0x00000000000003E8 0x0000006400000064 0x000000000000000E 0xFFFFFFFFFFFFFFFF unlink',
    '0x000000000000041A 0x0000006400000065 0x0000000000000000 0x0000000000000005 write',
    '0x000000000000044C 0x0000006400000065 ------------------ ------------------ read 0x0000000000000003 0x0000000000008000 0x0000000000000400',
    '0x000000000000047E LOST 0x000000000000002A 0x0000000000000001',
    '0x0000000000000514 0x0000006400000064 ------------------ ------------------ exit_group 0x0000000000000000',
  ]);
});

test('text: -K separator, no timestamps', async () => {
  const l = await lines('text', { separator: ';' });
  assert.equal(l[0], 'vltrace-record;-o;t.bin;app');
  assert.equal(l[1], 'PID_TID;ERR;RES;SYSCALL;ARG1;ARG2;ARG3;ARG4;ARG5;ARG6;AUX_DATA');
  assert.equal(l[2], '0x0000006400000064;------------------;------------------;openat;0xFFFFFFFFFFFFFF9C;"/etc/passwd";0x0000000000080000;0x0000000000000000');
  assert.equal(l[3], '0x0000006400000064;0x0000000000000000;0x0000000000000003;openat');
});

test('hex: the man page columns, comm in AUX_DATA, -t in µs, -K', async () => {
  assert.deepEqual(await lines('hex', { separator: ',' }), [
    'PID,ERR,RES,SYSCALL,ARG1,ARG2,ARG3,ARG4,ARG5,ARG6,AUX_DATA',
    '0000000000000064,0000000000000000,0000000000000003,openat,FFFFFFFFFFFFFF9C,/etc/passwd,0000000000080000,0000000000000000,,,app',
    `0000000000000064,0000000000000002,FFFFFFFFFFFFFFFF,openat,FFFFFFFFFFFFFF9C,${BAD},0000000000000000,0000000000000000,,,app`,
    '0000000000000064,0000000000000000,00007F1234567000,mmap,0000000000000000,0000000000001000,0000000000000003,0000000000000022,FFFFFFFFFFFFFFFF,7F123456789ABCDF,app',
    `0000000000000064,000000000000000D,FFFFFFFFFFFFFFFF,access,/very/long/${X}/end...,0000000000000004,,,,,app`,
    '0000000000000064,000000000000000E,FFFFFFFFFFFFFFFF,unlink,/tm[read error],,,,,,app',
    '0000000000000064,0000000000000000,0000000000000005,write,,,,,,,app-worker',
    '0000000000000064,----------------,----------------,read,0000000000000003,0000000000008000,0000000000000400,,,,app-worker',
    'LOST,000000000000002A,0000000000000001,lost,,,,,,,',
    '0000000000000064,----------------,----------------,exit_group,0000000000000000,,,,,,app',
  ]);
  const t = await lines('hex', { timestamps: 1, stringWidth: 8 });
  assert.equal(t[0], 'PID TIME(usec) ERR RES SYSCALL ARG1 ARG2 ARG3 ARG4 ARG5 ARG6 AUX_DATA');
  assert.equal(t[1], '0000000000000064 0000000000000000 0000000000000000 0000000000000003 openat FFFFFFFFFFFFFF9C /etc/pas... 0000000000080000 0000000000000000   app');
  assert.match(t[6]!, /^0000000000000064 0000000000000001 0000000000000000 0000000000000005 write /);
});

test('text and hex: signal lines, where the stream puts them (an ignored one after the call it came during)', async () => {
  const text = await lines('text', { timestamps: 1 }, true);
  const chld = '{si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=102, si_uid=1000, si_status=3, si_utime=0, si_stime=0}';
  assert.deepEqual(text.slice(11, 18), [
    '0x00000000000003E8 0x0000006400000064 0x000000000000000E 0xFFFFFFFFFFFFFFFF unlink',
    `0x00000000000003FC SIGNAL 0x0000006400000064 SIGCHLD ${chld}`,
    '0x0000000000000406 SIGNAL 0x0000006400000064 SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10}',
    '0x000000000000041A 0x0000006400000065 0x0000000000000000 0x0000000000000005 write',
    '0x000000000000044C 0x0000006400000065 ------------------ ------------------ read 0x0000000000000003 0x0000000000008000 0x0000000000000400',
    '0x0000000000000488 SIGNAL 0x0000006400000065 SIGUSR2 {si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=100, si_uid=0} ignored',
    '0x000000000000047E LOST 0x000000000000002A 0x0000000000000001',
  ]);
  assert.equal(text.length, 19);
  const hex = await lines('hex', { separator: ';' }, true);
  assert.deepEqual(hex.filter((l) => /;SIG[A-Z0-9]+;/.test(l)), [
    `0000000000000064;0000000000000000;0000000000000001;SIGCHLD;${chld};;;;;;app`,
    '0000000000000064;0000000000000000;0000000000000001;SIGSEGV;{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10};;;;;;app',
    '0000000000000064;0000000000000000;FFFFFFFFFFFFFFFA;SIGUSR2;{si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=100, si_uid=0};ignored;;;;;app-worker',
  ]);
  // every line keeps the header's column count
  for (const l of hex.slice(1)) if (!l.includes('/very/long')) assert.equal(l.split(';').length, 11, l);
});

test('text: exits in time order whether calls run one after another or overlap (threads)', async () => {
  const w = new PacketWriter();
  const t = (n: number) => 1_000_000_000n + BigInt(n);
  const call = (tid: number, nr: number, enter: number, exit: number) => {
    w.entry({ pid: 100, tid, ts: t(enter), nr, args: [BigInt(tid)] });
    w.exit({ pid: 100, tid, ts: t(exit), nr, ret: BigInt(enter) });
  };
  w.procInfo({ pid: 100, tid: 100, ts: t(0), ppid: 1, comm: 'app', exe: '/usr/bin/app' });
  call(100, 0, 10, 20); // one after another
  call(100, 1, 20, 30); // starts as the previous one ends: its exit first
  call(100, 3, 40, 90); // overlaps the next two, of another thread
  call(101, 0, 50, 60);
  call(101, 1, 70, 80);
  call(100, 0, 95, 99);
  const file = writeTrace('th-overlap.bin', w);
  const out = tmpPath('th-overlap.text');
  await convert({ inputs: [file], to: 'text', output: out, timestamps: 1 });
  // the time column, then entry (E) or exit (X) and the tid's last digit
  const got = readFileSync(out, 'latin1').trim().split('\n').slice(2).map((l) => {
    const f = l.split(' ');
    return `${parseInt(f[0]!, 16)}${f[2] === '------------------' ? 'E' : 'X'}${f[1]!.slice(-1)}`;
  });
  assert.deepEqual(got, ['0E4', '10X4', '10E4', '20X4', '30E4', '40E5', '50X5', '60E5', '70X5', '80X4', '85E4', '89X4']);
});

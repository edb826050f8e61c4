// The constant engine and its tables: strace's printflags rules, and the ordering each flag
// table promises (a value whose bits contain another's comes first, or it could never match).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printFlags, printValue, sprintFlags, xlat, type Xlat } from '../src/strace/xlat.js';
import { escapeBytes, quoteString } from '../src/strace/escape.js';
import * as fcntl from '../src/strace/tables/fcntl.js';
import * as stat from '../src/strace/tables/stat.js';
import * as mman from '../src/strace/tables/mman.js';
import * as sched from '../src/strace/tables/sched.js';
import * as socket from '../src/strace/tables/socket.js';
import * as desc from '../src/strace/tables/desc.js';
import * as signal from '../src/strace/tables/signal.js';
import * as caps from '../src/strace/tables/caps.js';
import * as term from '../src/strace/tables/term.js';

/** Tables printed as bit sets (the others are enums, printed with printValue). */
const FLAG_TABLES: Record<string, Xlat> = {
  OPEN_MODE_FLAGS: fcntl.OPEN_MODE_FLAGS, FD_FLAGS: fcntl.FD_FLAGS, SEAL_FLAGS: fcntl.SEAL_FLAGS, AT_FLAGS: fcntl.AT_FLAGS,
  FACCESSAT_FLAGS: fcntl.FACCESSAT_FLAGS, ACCESS_MODES: fcntl.ACCESS_MODES, FLOCK_OPS: fcntl.FLOCK_OPS,
  RENAME_FLAGS: fcntl.RENAME_FLAGS, FALLOC_FLAGS: fcntl.FALLOC_FLAGS, CLOSE_RANGE_FLAGS: fcntl.CLOSE_RANGE_FLAGS,
  STATX_MASKS: stat.STATX_MASKS, MMAP_PROT: mman.MMAP_PROT, MREMAP_FLAGS: mman.MREMAP_FLAGS, MSYNC_FLAGS: mman.MSYNC_FLAGS,
  MLOCKALL_FLAGS: mman.MLOCKALL_FLAGS, CLONE_FLAGS: sched.CLONE_FLAGS, WAIT_OPTIONS: sched.WAIT_OPTIONS,
  TIMER_FLAGS: sched.TIMER_FLAGS, GETRANDOM_FLAGS: sched.GETRANDOM_FLAGS, SOCK_TYPE_FLAGS: socket.SOCK_TYPE_FLAGS,
  MSG_FLAGS: socket.MSG_FLAGS, EPOLL_CREATE_FLAGS: desc.EPOLL_CREATE_FLAGS, EFD_FLAGS: desc.EFD_FLAGS,
  INOTIFY_INIT_FLAGS: desc.INOTIFY_INIT_FLAGS, MFD_FLAGS: desc.MFD_FLAGS, TFD_FLAGS: desc.TFD_FLAGS, SFD_FLAGS: signal.SFD_FLAGS,
  STATX_ATTRS: stat.STATX_ATTRS, STATFS_FLAGS: stat.STATFS_FLAGS, SA_FLAGS: signal.SA_FLAGS, SS_FLAGS: signal.SS_FLAGS,
  POLL_EVENTS: desc.POLL_EVENTS, EPOLL_EVENTS: desc.EPOLL_EVENTS, TFD_SETTIME_FLAGS: desc.TFD_SETTIME_FLAGS,
  CLONE3_FLAGS: sched.CLONE3_FLAGS, CAP_MASK0: caps.CAP_MASK0, CAP_MASK1: caps.CAP_MASK1,
  TERM_IFLAGS: term.TERM_IFLAGS, TERM_OFLAGS: term.TERM_OFLAGS, TERM_CFLAGS: term.TERM_CFLAGS, TERM_LFLAGS: term.TERM_LFLAGS,
};

test('flag tables list a value before any value whose bits it contains', () => {
  for (const [name, t] of Object.entries(FLAG_TABLES)) {
    t.entries.forEach(([v, n], i) => {
      t.entries.slice(0, i).forEach(([w, m]) => {
        const inside = w !== 0n && (v & w) === w && v !== w;
        assert.ok(!inside, `${name}: ${n} contains ${m}, so it must come first`);
      });
    });
  }
});

test('every table names its source header', () => {
  const isXlat = (t: unknown): t is Xlat => typeof t === 'object' && t !== null && Array.isArray((t as Xlat).entries);
  for (const mod of [fcntl, stat, mman, sched, socket, desc, signal, caps, term]) {
    for (const [name, t] of Object.entries(mod)) {
      const tables = t instanceof Map ? [...t.values()] : [t];
      for (const x of tables) if (isXlat(x)) assert.ok(x.header.length > 0, name);
    }
  }
});

test('printFlags: names, leftovers in hex, zero, unknown, styles', () => {
  const T = xlat({ header: 'test.h', dflt: 'T_???' }, [[3, 'T_BOTH'], [1, 'T_A'], [2, 'T_B'], [8, 'T_C']]);
  assert.equal(printFlags(T, 3), 'T_BOTH');
  assert.equal(printFlags(T, 9), 'T_A|T_C');
  assert.equal(printFlags(T, 0x19), 'T_A|T_C|0x10');
  assert.equal(printFlags(T, 0), '0');
  assert.equal(printFlags(T, 0x30), '0x30 /* T_??? */');
  assert.equal(printFlags(T, 9, 'raw'), '0x9');
  assert.equal(printFlags(T, 9, 'verbose'), '0x9 /* T_A|T_C */');
  assert.equal(printFlags(T, 0x100000009n), 'T_A|T_C|0x100000000');
  assert.equal(printFlags(fcntl.ACCESS_MODES, 0), 'F_OK');
  assert.equal(sprintFlags(T, 0x30), undefined);
  assert.equal(printValue(fcntl.WHENCE, 2), 'SEEK_END');
  assert.equal(printValue(fcntl.WHENCE, 9), '0x9 /* SEEK_??? */');
  assert.equal(printValue(sched.RUSAGE_WHO, -1, 'abbrev', 'd'), 'RUSAGE_CHILDREN');
  assert.equal(printValue(fcntl.WHENCE, 1, 'verbose'), '0x1 /* SEEK_CUR */');
  assert.throws(() => xlat({ header: 'h', dflt: 'X', lookup: 'sorted' }, [[2, 'B'], [1, 'A']]), /breaks the sorted order/);
});

test('string quoting follows strace: C escapes, shortest octal unless a digit follows, -s cut', () => {
  const b = (...x: number[]) => new Uint8Array(x);
  assert.equal(escapeBytes(b(0x01, 0x38, 0x01, 0x37, 0x01, 0x61)), '\\18\\0017\\1a');
  assert.equal(escapeBytes(new TextEncoder().encode('a\t\n\r\v\f"\\b')), 'a\\t\\n\\r\\v\\f\\"\\\\b');
  assert.equal(escapeBytes(b(0x80, 0xc3, 0xa9, 0x1b, 0x5b, 0x00)), '\\200\\303\\251\\33[\\0');
  assert.equal(quoteString(new TextEncoder().encode('abcdef'), 3, false), '"abc"...');
  assert.equal(quoteString(new TextEncoder().encode('abc'), 3, false), '"abc"');
  assert.equal(quoteString(new TextEncoder().encode('abc'), undefined, true), '"abc"...');
  // -y paths: < and > in octal like any escaped byte (strace 6.1: `3</tmp/a\\0741\\76b>` for a<1>b)
  assert.equal(escapeBytes(new TextEncoder().encode('a<b>'), undefined, '<>'), 'a\\74b\\76');
  assert.equal(escapeBytes(new TextEncoder().encode('a<1>b\n"'), undefined, '<>'), 'a\\0741\\76b\\n\\"');
  // long runs of plain characters (decoded another way than short ones), between escapes, in a
  // view that does not start at its buffer's start; n cuts the run
  const long = 'p'.repeat(47) + '/' + 'q'.repeat(48) + '\n' + 'r'.repeat(1000);
  const buf = new TextEncoder().encode('xx' + long + '"');
  const view = buf.subarray(2);
  assert.equal(escapeBytes(view), long.replace('\n', '\\n') + '\\"');
  assert.equal(escapeBytes(view, 96), long.slice(0, 96));
  assert.equal(escapeBytes(view, 200), long.slice(0, 96) + '\\n' + 'r'.repeat(103));
});

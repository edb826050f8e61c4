/**
 * Reader of vltrace 0.1.0 bin logs (the original Intel pmem/vltrace format), so that old
 * recordings convert with the same tools as v1 files. The format is described in
 * docs/legacy-0.1-format.md; section numbers (§) below refer to it.
 *
 * A log is a preamble (`VLTRACE_TAB\0` + version + an embedded 1000 × 80-byte syscall table,
 * then `VLTRACE_LOG\0` + BUF_SIZE + cwd + vltrace's own argv) followed by raw perf samples: each
 * record is a packet struct whose first field is its size L, plus 4 perf padding bytes (L + 4 on
 * disk, §5.1). Entry packets (80 bytes, or 80 + BUF_SIZE with a string buffer) may be split into
 * several packets per string argument (§4); the info word's A/B/W/C bits say which arguments a
 * packet covers (§5.4). Exit packets are 40 bytes.
 *
 * Strings are reassembled here, per thread, following the rules of §5.4; a complete
 * entry is then handed to the shared Reassembler (entry + one chunk per string, flagged TRUNCATED
 * / READ_ERROR), which pairs it with its exit. A multi-packet entry is held back until its last
 * packet (B == 7), so an exit read between its packets (perf rings drained mid-submission, §5.4)
 * still pairs with it (the Reassembler joins an exit that came before its entry). Packets that
 * cannot be placed are counted in stats.orphanContinuations: a later packet whose first packet is
 * missing (dropped), and an entry that never got its last packet (delivered with what it has,
 * an unfinished string marked truncated) when the thread's next entry or the end of input comes.
 *
 * Interpretations (§5.5): a string that fills its whole slot or
 * chunk without W is truncated and delivered with all captured bytes (383 / 191 / 127); the E bit
 * of a fast-mode packet is charged to its empty (zero-filled) slots, or to all its strings if
 * none is empty; in multi-packet modes to the one string the packet reads (A-1 on continuation
 * packets, even when that string already ended, e.g. a const-mode read past a short string).
 *
 * The preamble is parsed declaratively with binary-parser (a cold path); the packet loop reads
 * 32-bit words (records are 4-aligned: L is a multiple of 8, plus 4 padding bytes).
 */
import { FormatError } from '../errors.js';
import { CUT_HEADER, type HeaderSyscall, type TraceHeader } from '../header.js';
import type { Reassembler } from '../reassemble.js';
import type { PacketDecoder } from '../reader.js';
import type { TraceStats } from '../events.js';
import { LEGACY_TAB_HEADER_SIZE, buildMeta, legacyPreambleStep, type LegacyPreamble } from './preamble.js';
import { LegacyDecoder } from './packets.js';

export * from './preamble.js';
export { LegacyDecoder } from './packets.js';

// ---------------------------------------------------------------------------------------------
// The reader entry point.

/**
 * Reads the preamble of a vltrace 0.1 log (`head` = the bytes already read, `read` reads the
 * following ones) and returns the header and a packet decoder factory. The byte source is left
 * exactly at the first packet.
 */
export async function openLegacy(
  file: string,
  head: Uint8Array,
  read: (buf: Uint8Array, off: number, len: number) => Promise<number>,
): Promise<{ header: TraceHeader; decoder: (reasm: Reassembler, stats: TraceStats) => PacketDecoder }> {
  let buf = new Uint8Array(Math.max(LEGACY_TAB_HEADER_SIZE, head.length));
  buf.set(head);
  let have = head.length;
  let pre: LegacyPreamble;
  for (;;) {
    const r = legacyPreambleStep(file, buf.subarray(0, have));
    if ('done' in r) {
      pre = r.done;
      break;
    }
    if (r.need > buf.length) {
      const nb = new Uint8Array(r.need);
      nb.set(buf.subarray(0, have));
      buf = nb;
    }
    while (have < r.need) {
      const got = await read(buf, have, r.need - have);
      if (got <= 0) {
        throw new FormatError(file, have, `a vltrace 0.1 preamble of at least ${r.need} bytes`, `end of file after ${have} bytes (${CUT_HEADER})`);
      }
      have += got;
    }
  }
  const syscalls: HeaderSyscall[] = [];
  pre.table.forEach((d, nr) => {
    const name = d.syscall_name.slice(4); // SyS_ / sys_ (LEN_SYS)
    if (name !== '') syscalls.push([nr, name, d.args_qty]);
  });
  const header: TraceHeader = {
    version: { major: pre.version.major, minor: pre.version.minor },
    meta: buildMeta(pre),
    syscalls,
    traceH: '',
    size: pre.size,
    format: 'legacy-0.1',
  };
  return { header, decoder: (reasm, stats) => new LegacyDecoder(file, pre, reasm, stats) };
}

/**
 * The packets of a v1 recording walked by their size fields alone, independent of the reader:
 * tests cut recordings at packet boundaries and check what the reader and the converter make
 * of the rest.
 */
import { FILE_HEADER_LAYOUT, INFO_BITS, offsetOf } from '@vltrace/format/write';

/** One packet: where it starts, its size, its type code and its time. */
export interface Packet {
  offset: number;
  size: number;
  type: number;
  ts: bigint;
}

const SIZE = offsetOf('ENTRY', 'size');
const INFO = offsetOf('ENTRY', 'info');
const TS = offsetOf('ENTRY', 'ts');
const TYPE_MASK = (1 << INFO_BITS.TYPE.width) - 1;

/** The packets of a whole v1 file held in memory. */
export function packetsOf(bytes: Uint8Array): Packet[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Packet[] = [];
  for (let o = dv.getUint32(FILE_HEADER_LAYOUT.byName['header_size']!.offset, true); o < bytes.length;) {
    const size = dv.getUint32(o + SIZE, true);
    out.push({ offset: o, size, type: (dv.getUint32(o + INFO, true) >>> INFO_BITS.TYPE.shift) & TYPE_MASK, ts: dv.getBigUint64(o + TS, true) });
    o += size;
  }
  return out;
}

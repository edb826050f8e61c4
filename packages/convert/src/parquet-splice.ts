/**
 * Splices Parquet files that each hold consecutive row groups of one table (encoded in
 * parallel by several threads) into one Parquet file: the row-group bytes are copied as they
 * are, and one footer lists every row group with its offsets moved to where it now sits
 * (Parquet format: FileMetaData, RowGroup, ColumnChunk, ColumnMetaData in parquet.thrift).
 * Page indexes (whose entries hold absolute offsets) are dropped from the footer.
 */
import { writeSync } from 'node:fs';
import { T, ThriftReader, ThriftWriter, type TStruct, type TValue } from './thrift.js';

const MAGIC = new TextEncoder().encode('PAR1');

const i64 = (v: bigint): TValue => ({ t: T.I64, v });

function field(s: TStruct, id: number): TValue | undefined {
  return s.get(id);
}

function shift(s: TStruct, id: number, d: bigint): void {
  const x = s.get(id);
  if (x && (x.t === T.I64 || x.t === T.I32)) s.set(id, { t: x.t, v: x.v + d });
}

/** Reads the footer of a whole Parquet file held in memory. */
function footer(file: Uint8Array): { meta: TStruct; dataEnd: number } {
  const n = file.length;
  const magicOk = (at: number) => MAGIC.every((c, k) => file[at + k] === c);
  if (n < 12 || !magicOk(0) || !magicOk(n - 4)) throw new Error('parquet splice: not a Parquet file');
  const len = new DataView(file.buffer, file.byteOffset + n - 8, 4).getUint32(0, true);
  const start = n - 8 - len;
  if (start < 4) throw new Error('parquet splice: footer length runs past the file');
  return { meta: new ThriftReader(file.subarray(start, n - 8)).struct(), dataEnd: start };
}

/**
 * Writes one Parquet file from parts added in order, sequentially into a file descriptor (which
 * may be a FIFO or a device: no positioned writes), which it leaves open.
 */
export class ParquetSplicer {
  private pos = 0;
  private first: TStruct | undefined;
  private rowGroups: TValue[] = [];
  private rows = 0n;

  constructor(private readonly fd: number) {
    this.write(MAGIC);
  }

  private write(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done);
    this.pos += b.length;
  }

  /** Appends the row groups of one complete Parquet file (same schema as the others). */
  add(file: Uint8Array): void {
    const { meta, dataEnd } = footer(file);
    this.first ??= meta;
    // bytes [4, dataEnd) move to [pos, …): every offset shifts by pos − 4
    const d = BigInt(this.pos - 4);
    this.write(file.subarray(4, dataEnd));
    const groups = field(meta, 4);
    if (groups?.t !== T.LIST) throw new Error('parquet splice: footer without row groups');
    for (const g of groups.v) {
      if (g.t !== T.STRUCT) continue;
      const rg = g.v;
      shift(rg, 5, d); // file_offset
      rg.set(7, { t: T.I16, v: BigInt(this.rowGroups.length) }); // ordinal
      const cols = field(rg, 1);
      if (cols?.t === T.LIST) {
        for (const c of cols.v) {
          if (c.t !== T.STRUCT) continue;
          const cc = c.v;
          shift(cc, 2, d); // file_offset
          for (const id of [4, 5, 6, 7]) cc.delete(id); // offset/column index: absolute offsets inside
          const md = field(cc, 3);
          if (md?.t === T.STRUCT) {
            for (const id of [9, 10, 11, 14]) shift(md.v, id, d); // data, index, dictionary page, bloom filter
          }
        }
      }
      const nr = field(rg, 3);
      if (nr && nr.t === T.I64) this.rows += nr.v;
      this.rowGroups.push(g);
    }
  }

  /** Writes the footer: the file is complete. */
  close(): void {
    if (!this.first) throw new Error('parquet splice: no part was added');
    const meta: TStruct = new Map(this.first);
    meta.set(3, i64(this.rows));
    meta.set(4, { t: T.LIST, elem: T.STRUCT, v: this.rowGroups });
    const bytes = new ThriftWriter().struct(meta).finish();
    this.write(bytes);
    const tail = new Uint8Array(8);
    new DataView(tail.buffer).setUint32(0, bytes.length, true);
    tail.set(MAGIC, 4);
    this.write(tail);
  }
}

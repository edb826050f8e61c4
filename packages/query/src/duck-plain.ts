/**
 * DuckDB through @duckdb/node-bindings, its native binding, without the higher-level
 * @duckdb/node-api on top: opening a database, running SQL, and reading a result whose columns
 * all have plain types (integers, booleans, doubles, text) straight from its vectors.
 *
 * Why: node-api is ~120 CommonJS files that take 0.1–0.25 s to load, more than a summary of
 * 10M Parquet rows takes in DuckDB; the binding alone loads in ~40 ms (most of it the dlopen of
 * DuckDB itself). Results with other types (timestamps, lists, structs, decimals…) are read by
 * node-api as before (db.ts), so what a report prints does not depend on which reader ran: the
 * values made here are the ones node-api's JSON rows give after db.ts's conversion (integers
 * of 64 bits and more as a number when exact, else a bigint; non-finite doubles as text).
 *
 * The two packages are released together and must stay at the same version (package.json;
 * test/package.test.ts checks it): node-api's objects are made from this binding's handles.
 */
import { createRequire } from 'node:module';
import type * as Bindings from '@duckdb/node-bindings';
import type { Cell } from './output.js';

export type DuckBindings = typeof Bindings;
export type DuckResult = Bindings.Result;

let bindings: DuckBindings | undefined;
/** The binding, loaded on first use (require(): it is CommonJS). */
export function duckBindings(): DuckBindings {
  return (bindings ??= createRequire(import.meta.url)('@duckdb/node-bindings') as DuckBindings);
}

/** An open in-memory database and its first connection. */
export interface PlainDb {
  readonly db: Bindings.Database;
  readonly connection: Bindings.Connection;
}

/** Opens an in-memory database with these settings (DuckDB configuration options) and connects. */
export async function openPlain(settings: Readonly<Record<string, string>> = {}): Promise<PlainDb> {
  const d = duckBindings();
  const config = d.create_config();
  // what node-api tells DuckDB about its client; kept so that nothing differs but the reader
  d.set_config(config, 'duckdb_api', 'node-neo-api');
  for (const [k, v] of Object.entries(settings)) d.set_config(config, k, v);
  const db = await d.open(':memory:', config);
  return { db, connection: await d.connect(db) };
}

/** The rows of a result, by column name, when every column has a plain type; else undefined. */
export interface PlainRows {
  readonly columns: readonly string[];
  readonly rows: Record<string, Cell>[];
}

type Reader = (data: DataView, i: number) => Cell;

/** A 64-bit (or wider) integer as db.ts gives it: a number when exact, else a bigint. */
const exact = (v: bigint): number | bigint => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
};

const decoder = new TextDecoder();

/** Readers of one value of each plain type, by DuckDB type id; width in bytes. */
function readerOf(type: number, d: DuckBindings): { width: number; read: Reader } | undefined {
  const T = d.Type;
  switch (type) {
    case T.BOOLEAN: return { width: 1, read: (v, i) => v.getUint8(i) !== 0 };
    case T.TINYINT: return { width: 1, read: (v, i) => v.getInt8(i) };
    case T.UTINYINT: return { width: 1, read: (v, i) => v.getUint8(i) };
    case T.SMALLINT: return { width: 2, read: (v, i) => v.getInt16(i * 2, true) };
    case T.USMALLINT: return { width: 2, read: (v, i) => v.getUint16(i * 2, true) };
    case T.INTEGER: return { width: 4, read: (v, i) => v.getInt32(i * 4, true) };
    case T.UINTEGER: return { width: 4, read: (v, i) => v.getUint32(i * 4, true) };
    case T.BIGINT: return { width: 8, read: (v, i) => exact(v.getBigInt64(i * 8, true)) };
    case T.UBIGINT: return { width: 8, read: (v, i) => exact(v.getBigUint64(i * 8, true)) };
    case T.HUGEINT: return { width: 16, read: (v, i) => exact((v.getBigInt64(i * 16 + 8, true) << 64n) | v.getBigUint64(i * 16, true)) };
    case T.DOUBLE: return {
      width: 8,
      read: (v, i) => {
        const x = v.getFloat64(i * 8, true);
        return Number.isFinite(x) ? x : String(x);
      },
    };
    case T.VARCHAR: return {
      width: 16,
      read: (v, i) => {
        // duckdb_string_t: a length, then up to 12 bytes inline or a 4-byte prefix and a pointer
        const o = i * 16;
        const len = v.getUint32(o, true);
        const bytes = len <= 12 ? new Uint8Array(v.buffer, v.byteOffset + o + 4, len) : d.get_data_from_pointer(v.buffer as ArrayBuffer, v.byteOffset + o + 8, len);
        return decoder.decode(bytes);
      },
    };
    default: return undefined;
  }
}

/**
 * Reads a result if all its columns have plain types (undefined otherwise, with nothing read:
 * the result can then be handed to node-api whole).
 */
export async function readPlain(result: DuckResult): Promise<PlainRows | undefined> {
  const d = duckBindings();
  const n = d.column_count(result);
  const columns: string[] = [];
  const readers: { width: number; read: Reader }[] = [];
  for (let c = 0; c < n; c++) {
    const r = readerOf(d.column_type(result, c), d);
    if (!r) return undefined;
    readers.push(r);
    columns.push(d.column_name(result, c));
  }
  const rows: Record<string, Cell>[] = [];
  for (;;) {
    const chunk = await d.fetch_chunk(result);
    const size = chunk ? d.data_chunk_get_size(chunk) : 0;
    if (!chunk || size === 0) break;
    const base = rows.length;
    for (let i = 0; i < size; i++) rows.push({});
    for (let c = 0; c < n; c++) {
      const vector = d.data_chunk_get_vector(chunk, c);
      const { width, read } = readers[c]!;
      const bytes = d.vector_get_data(vector, size * width);
      const data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      // validity: one bit per row, 64 rows per word; absent when every value is valid
      const valid = d.vector_get_validity(vector, Math.ceil(size / 64) * 8) as Uint8Array | null;
      const name = columns[c]!;
      for (let i = 0; i < size; i++) {
        rows[base + i]![name] = valid && (valid[i >> 3]! & (1 << (i & 7))) === 0 ? null : read(data, i);
      }
    }
  }
  return { columns, rows };
}

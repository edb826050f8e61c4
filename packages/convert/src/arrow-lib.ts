/**
 * apache-arrow, loaded from its published single-file bundle (`Arrow.esnext.min.js`, the
 * closure-compiled UMD build with the public API kept) instead of the package's ES modules.
 *
 * Why: `import 'apache-arrow'` loads and compiles ~200 ES modules, 90–110 ms per process (and per
 * worker that imports it), a visible share of a 0.5–1 s conversion; the bundle loads in ~16–25 ms.
 * Same version, same code, same public classes.
 *
 * Every value of apache-arrow used by packages/convert must come from here: a second copy of the
 * library (the ES modules) has its own classes, and mixing the two breaks its `instanceof` checks
 * (a Schema of one copy is not a Schema to the other's writer). Types still come from the
 * package's declarations; each name below is both the bundle's value and the package's type.
 */
import { createRequire } from 'node:module';
import type * as A from 'apache-arrow';

const arrow = createRequire(import.meta.url)('apache-arrow/Arrow.esnext.min') as typeof A;

export const AsyncByteQueue = arrow.AsyncByteQueue;
export type AsyncByteQueue = A.AsyncByteQueue;
export const Binary = arrow.Binary;
export type Binary = A.Binary;
export const Data = arrow.Data;
export type Data<T extends A.DataType = A.DataType> = A.Data<T>;
export type DataType = A.DataType;
export const Dictionary = arrow.Dictionary;
export type Dictionary<T extends A.DataType = A.DataType, K extends DictionaryKey = DictionaryKey> = A.Dictionary<T, K>;
/** the index types a Dictionary may have (apache-arrow's TKeys, which it does not export) */
type DictionaryKey = A.Int8 | A.Int16 | A.Int32 | A.Uint8 | A.Uint16 | A.Uint32;
export const Field = arrow.Field;
export type Field<T extends A.DataType = A.DataType> = A.Field<T>;
export const Int8 = arrow.Int8;
export type Int8 = A.Int8;
export const Int32 = arrow.Int32;
export type Int32 = A.Int32;
export const Int64 = arrow.Int64;
export type Int64 = A.Int64;
export const RecordBatch = arrow.RecordBatch;
export type RecordBatch<T extends A.TypeMap = A.TypeMap> = A.RecordBatch<T>;
export const RecordBatchFileWriter = arrow.RecordBatchFileWriter;
export type RecordBatchFileWriter<T extends A.TypeMap = A.TypeMap> = A.RecordBatchFileWriter<T>;
export const RecordBatchStreamWriter = arrow.RecordBatchStreamWriter;
export type RecordBatchStreamWriter<T extends A.TypeMap = A.TypeMap> = A.RecordBatchStreamWriter<T>;
export type RecordBatchWriter<T extends A.TypeMap = A.TypeMap> = A.RecordBatchWriter<T>;
export const Schema = arrow.Schema;
export type Schema<T extends A.TypeMap = A.TypeMap> = A.Schema<T>;
export const Struct = arrow.Struct;
export type Struct<T extends A.TypeMap = A.TypeMap> = A.Struct<T>;
export const Table = arrow.Table;
export type Table<T extends A.TypeMap = A.TypeMap> = A.Table<T>;
export const TimestampNanosecond = arrow.TimestampNanosecond;
export type TimestampNanosecond = A.TimestampNanosecond;
export const Utf8 = arrow.Utf8;
export type Utf8 = A.Utf8;
export const Vector = arrow.Vector;
export type Vector<T extends A.DataType = A.DataType> = A.Vector<T>;
export const makeData = arrow.makeData;
export const makeVector = arrow.makeVector;
export const tableToIPC = arrow.tableToIPC;

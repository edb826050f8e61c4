/** @vltrace/convert: vltrace recordings → text, hex, strace, CSV, JSON Lines, Arrow, Parquet. */
export { convert, ConvertError, type ConvertOptions, type ConvertProgress, type ConvertResult } from './convert.js';
export { InputError, UsageError } from './errors.js';
export {
  createSink, FORMATS, BINARY_FORMATS, EXTENSIONS, PARTITION_KEYS,
  type Sink, type SinkOptions, type Format, type ParquetCompression, type PartitionKey,
} from './sink.js';
export { compileFilter, parseTimeBound, type Filter, type FilterOptions } from './filter.js';
export { openSource, type Source } from './source.js';
export {
  COLUMNS, COLUMN_NAMES, TEXT_COLUMNS, TEXT_COLUMN_NAMES, SCHEMA_VERSION, RowStatus, ROW_STATUS_NAMES, STR_FLAG, lostRows, signalRows, signalName, isSignalStatus,
  HAS_PID, HAS_STATUS, type Column, type ColumnType, type Rows, type SignalColumns,
} from './schema.js';
export { printSiginfo, printSignalInfo, signalLine, siginfoValues, type SiginfoOptions } from './strace/siginfo.js';
export { escapeBytes, unescapeBytes } from './bytes.js';
export { defaultOutputPath, partialPath } from './output.js';

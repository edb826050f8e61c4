/** @vltrace/format: the vltrace bin format, its reader and its tables. */
export * from './layout.js';
export { renderTraceH } from './trace-h.js';
export { FormatError, type FormatWarning } from './errors.js';
export {
  encodeHeader, parseHeader, parseHeaderPrefix, toWallClockNs, HEADER_PREFIX_SIZE,
  type TraceHeader, type TraceMeta, type HeaderSyscall, type StringCapture,
} from './header.js';
export {
  SyscallStatus, STATUS_NAMES, StrFlags, allocBatch, batchBuffers, batchString, batchStringBytes, batchData,
  type DataChunk, type SyscallBatch, type StringColumn, type SyscallStatusCode,
} from './batch.js';
export type {
  TraceItem, TraceEvent, ProcessEvent, LostEvent, ForkEvent, ExecEvent, ProcExitEvent, ProcInfoEvent, FdInfoEvent, SignalEvent, TrailerEvent,
  TraceStats,
} from './events.js';
export {
  decodeFileRecords, encodeFileRecords, fileName, isCwdRecord, FS_MAGIC, type FileName, type FileRecord, type FileRecordSpec,
} from './file-record.js';
export { openTrace, Trace, type OpenTraceOptions } from './reader.js';
export { batchSyscalls, nameLookup, retErrno, syscallNameSpan, type Syscall } from './syscall.js';
export { PacketWriter, type ChunkSpec } from './encode.js';
export { Reassembler } from './reassemble.js';
export * from './tables/index.js';

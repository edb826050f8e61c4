/** @vltrace/recorder: record syscalls with eBPF into the vltrace bin format. */
export { record, type RecordStats } from './record.js';
export { GRACE_MS, STOP_SIGNALS, type StopSignal } from './signals.js';
export { OPTIONS, parseSize, stringCapture, type RecordOptions, type StringMode } from './options.js';
export { normalizeOptions } from './normalize.js';
export { EnvironmentError, OutputError, UsageError } from './errors.js';
export { checkEnvironment, loadNative, nativeFiles } from './native.js';

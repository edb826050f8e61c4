/** @vltrace/recorder: record syscalls with eBPF into the vltrace bin format. */
export { record, checkEnvironment, type RecordStats } from './record.js';
export { OPTIONS, normalizeOptions, parseSize, stringCapture, type RecordOptions, type StringMode } from './options.js';
export { EnvironmentError, UsageError } from './errors.js';
export { loadNative, ADDON_PATH, VLT_START_PATH } from './native.js';

/**
 * The parts of @vltrace/format that a recording uses (the writer's side and the safe file
 * creation), imported by name here only: Node's ESM resolver takes 1-2 ms to resolve a package
 * specifier, once per module that imports it, and a recording's modules (record, normalize,
 * syscalls, fd-info, output) would each pay it in front of the command's start; a relative
 * import of this module costs ~0.1 ms. --help and the command-line parse do not load it.
 */
export {
  captureDescriptors, encodeHeader, FD_CWD, MAX_ARGS, PacketWriter, PT, renderTraceH, resolveSyscallExpr, stringArgMask, SYSCALLS_X86_64,
  type HeaderSyscall, type TraceMeta,
} from '@vltrace/format/write';
export { createFileInPlace, OutputPathError, writeFileSafely } from '@vltrace/format/files';

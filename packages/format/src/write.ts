/**
 * `@vltrace/format/write`: what a writer of recordings needs (the layout, the header and packet
 * encoders, trace.h, the syscall tables) without the reader, so a recorder starts faster.
 */
export * from './layout.js';
export { renderTraceH } from './trace-h.js';
export { encodeHeader } from './header.js';
export type { TraceMeta, HeaderSyscall, StringCapture } from './header.js';
export { PacketWriter, type ChunkSpec } from './encode.js';
export * from './tables/index.js';

/**
 * The field numbers and enum values of Perfetto's trace protos that `--to perfetto` writes,
 * as Perfetto publishes them (protos/perfetto/trace/: trace.proto, trace_packet.proto,
 * trace_packet_defaults.proto, clock_snapshot.proto, common/builtin_clock.proto,
 * interned_data/interned_data.proto, track_event/track_event.proto, debug_annotation.proto,
 * track_descriptor.proto, process_descriptor.proto, thread_descriptor.proto). Those numbers are
 * Perfetto's stable wire contract; test/fixtures/perfetto-trace.proto mirrors the same subset
 * for the test that reads the output back.
 */

/** Trace: the file is a sequence of `packet` fields. */
export const TRACE = { packet: 1 } as const;

export const TRACE_PACKET = {
  timestamp: 8,
  clockSnapshot: 6,
  trustedPacketSequenceId: 10,
  trackEvent: 11,
  internedData: 12,
  sequenceFlags: 13,
  tracePacketDefaults: 59,
  trackDescriptor: 60,
  firstPacketOnSequence: 87,
} as const;

/** TracePacket.SequenceFlags */
export const SEQ = { INCREMENTAL_STATE_CLEARED: 1, NEEDS_INCREMENTAL_STATE: 2 } as const;

export const TRACE_PACKET_DEFAULTS = { timestampClockId: 58 } as const;

export const CLOCK_SNAPSHOT = { clocks: 1, primaryTraceClock: 2 } as const;
export const CLOCK = { clockId: 1, timestamp: 2 } as const;
/** BuiltinClock */
export const BUILTIN_CLOCK = { REALTIME: 1, MONOTONIC: 3 } as const;

export const INTERNED_DATA = { eventNames: 2, debugAnnotationNames: 3 } as const;
/** EventName and DebugAnnotationName */
export const INTERNED_STRING = { iid: 1, name: 2 } as const;

export const TRACK_DESCRIPTOR = { uuid: 1, name: 2, process: 3, thread: 4, parentUuid: 5 } as const;
export const PROCESS_DESCRIPTOR = { pid: 1, processName: 6 } as const;
export const THREAD_DESCRIPTOR = { pid: 1, tid: 2, threadName: 5 } as const;

export const TRACK_EVENT = {
  debugAnnotations: 4,
  type: 9,
  nameIid: 10,
  trackUuid: 11,
  name: 23,
  flowIds: 47,
  terminatingFlowIds: 48,
} as const;
/** TrackEvent.Type */
export const EVENT_TYPE = { SLICE_BEGIN: 1, SLICE_END: 2, INSTANT: 3 } as const;

export const DEBUG_ANNOTATION = {
  nameIid: 1,
  boolValue: 2,
  uintValue: 3,
  intValue: 4,
  stringValue: 6,
} as const;

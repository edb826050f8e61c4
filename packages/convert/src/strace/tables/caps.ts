/** Capabilities (include/uapi/linux/capability.h): capget(2)/capset(2) headers and the two 32-bit halves of a set. */
import { xlat } from '../xlat.js';

const NAMES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO',
  'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME',
  'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG',
  'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
] as const;

/** Capabilities 0-31 as bits of the first word, named as strace prints them: `1<<CAP_CHOWN`. */
export const CAP_MASK0 = xlat(
  { header: 'include/uapi/linux/capability.h', dflt: 'CAP_???' },
  NAMES.slice(0, 32).map((n, i) => [2 ** i, `1<<CAP_${n}`] as const),
);
/** Capabilities 32 and up as bits of the second word. */
export const CAP_MASK1 = xlat(
  { header: 'include/uapi/linux/capability.h', dflt: 'CAP_???' },
  NAMES.slice(32).map((n, i) => [2 ** i, `1<<CAP_${n}`] as const),
);

export const CAP_VERSIONS = xlat({ header: 'include/uapi/linux/capability.h', dflt: '_LINUX_CAPABILITY_VERSION_???' }, [
  [0x19980330, '_LINUX_CAPABILITY_VERSION_1'], [0x20071026, '_LINUX_CAPABILITY_VERSION_2'],
  [0x20080522, '_LINUX_CAPABILITY_VERSION_3'],
]);

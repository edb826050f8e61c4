/**
 * Socket addresses (strace src/sockaddr.c): `{sa_family=AF_INET, sin_port=htons(80),
 * sin_addr=inet_addr("127.0.0.1")}`, AF_INET6 with inet_pton, AF_UNIX paths (abstract ones as
 * `@"name"`), AF_NETLINK; other families print their bytes as sa_data.
 */
import { escapeBytes } from '../escape.js';
import type { Mem } from '../mem.js';
import { ADDRESS_FAMILIES, AF } from '../tables/socket.js';
import { printValue, type XlatStyle } from '../xlat.js';

/** sizeof(struct sockaddr_storage): strace reads at most this much. */
export const SOCKADDR_MAX = 128;

const SIN_SIZE = 16;
/** offsetof(struct sockaddr_in6, sin6_scope_id): the shortest sockaddr_in6 strace decodes */
const SIN6_MIN = 24;
const NL_SIZE = 12;

function quoted(b: Uint8Array, n = b.length): string {
  return `"${escapeBytes(b, n)}"`;
}

function inet4(b: Uint8Array): string {
  return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
}

/** An IPv6 address as inet_ntop writes it: the longest run of zero groups (two or more) as `::`, IPv4-mapped tails dotted. */
export function inet6(b: Uint8Array): string {
  const g: number[] = [];
  for (let i = 0; i < 16; i += 2) g.push((b[i]! << 8) | b[i + 1]!);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  // ::ffff:a.b.c.d and ::a.b.c.d (not :: and ::1)
  const mapped = best === 0 && (bestLen === 5 && g[5] === 0xffff || bestLen === 6 && g[6] !== 0);
  const hexs = (from: number, to: number) => g.slice(from, to).map((x) => x.toString(16)).join(':');
  if (mapped) return `::${bestLen === 5 ? 'ffff:' : ''}${inet4(b.subarray(12))}`;
  if (best < 0) return hexs(0, 8);
  return `${hexs(0, best)}::${hexs(best + bestLen, 8)}`;
}

/** C's `%#08x`: `00000000`, `0x000005`. */
function hex08(v: number): string {
  return v === 0 ? '00000000' : '0x' + v.toString(16).padStart(6, '0');
}

/**
 * A sockaddr of `len` bytes (the address length the call gave or got) as strace prints it;
 * `m` holds what the recording read (at most SOCKADDR_MAX bytes).
 */
export function sockaddr(m: Mem, len: number, style: XlatStyle): string {
  const n = Math.min(len, SOCKADDR_MAX, m.length);
  const family = m.u16(0);
  let s = `{sa_family=${printValue(ADDRESS_FAMILIES, family, style)}`;
  if (n <= 2) return s + '}';
  const b = m.bytes;
  if (family === AF.UNIX) {
    const path = b.subarray(2, Math.min(n, 110));
    if (path[0] !== 0) {
      const nul = path.indexOf(0);
      s += `, sun_path=${quoted(path, nul < 0 ? path.length : nul)}`;
    } else {
      s += `, sun_path=@${quoted(path.subarray(1))}`;
    }
  } else if (family === AF.INET && n >= SIN_SIZE) {
    s += `, sin_port=htons(${m.be16(2)}), sin_addr=inet_addr("${inet4(b.subarray(4, 8))}")`;
  } else if (family === AF.INET6 && n >= SIN6_MIN) {
    s += `, sin6_port=htons(${m.be16(2)}), sin6_flowinfo=htonl(${m.be32(4)})`;
    s += `, inet_pton(AF_INET6, "${inet6(b.subarray(8, 24))}", &sin6_addr)`;
    if (n > SIN6_MIN) s += `, sin6_scope_id=${m.u32(24)}`;
  } else if (family === AF.NETLINK && n >= NL_SIZE) {
    const pad = m.u16(2);
    if (pad) s += `, nl_pad=0x${pad.toString(16)}`;
    s += `, nl_pid=${m.i32(4)}, nl_groups=${hex08(m.u32(8))}`;
  } else {
    s += `, sa_data=${quoted(b.subarray(2, n))}`;
  }
  return s + '}';
}

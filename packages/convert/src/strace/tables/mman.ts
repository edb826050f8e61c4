/** Memory mapping constants: mmap(2), mprotect(2), mremap(2), msync(2), madvise(2), mlockall(2). */
import { xlat } from '../xlat.js';

/** Page protection bits; PROT_NONE is the zero value. */
export const MMAP_PROT = xlat({ header: 'include/uapi/asm-generic/mman-common.h', dflt: 'PROT_???' }, [
  [0, 'PROT_NONE'], [1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [8, 'PROT_SEM'],
  [0x01000000, 'PROT_GROWSDOWN'], [0x02000000, 'PROT_GROWSUP'],
]);

/**
 * mmap(2) flags, x86_64 values. The map type (MAP_TYPE, low 4 bits) is looked up as a value in
 * the first entries; the flag bits after it. MAP_FILE is 0 and only ever names an empty type.
 */
export const MMAP_FLAGS = xlat({ header: 'include/uapi/linux/mman.h, include/uapi/asm-generic/mman{,-common}.h, arch/x86/include/uapi/asm/mman.h', dflt: 'MAP_???' }, [
  [0x1, 'MAP_SHARED'], [0x2, 'MAP_PRIVATE'], [0x3, 'MAP_SHARED_VALIDATE'], [0x8, 'MAP_DROPPABLE'],
  [0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x40, 'MAP_32BIT'], [0x80, 'MAP_ABOVE4G'], [0x4000, 'MAP_NORESERVE'],
  [0x8000, 'MAP_POPULATE'], [0x10000, 'MAP_NONBLOCK'], [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'],
  [0x1000, 'MAP_EXECUTABLE'], [0, 'MAP_FILE'], [0x2000, 'MAP_LOCKED'], [0x20000, 'MAP_STACK'], [0x40000, 'MAP_HUGETLB'],
  [0x80000, 'MAP_SYNC'], [0x4000000, 'MAP_UNINITIALIZED'], [0x100000, 'MAP_FIXED_NOREPLACE'],
]);
export const MAP_TYPE = 0xf;
export const MAP_HUGE_SHIFT = 26;
export const MAP_HUGE_MASK = 0x3f;

export const MREMAP_FLAGS = xlat({ header: 'include/uapi/linux/mman.h', dflt: 'MREMAP_???' }, [
  [1, 'MREMAP_MAYMOVE'], [2, 'MREMAP_FIXED'], [4, 'MREMAP_DONTUNMAP'],
]);

export const MSYNC_FLAGS = xlat({ header: 'include/uapi/asm-generic/mman-common.h', dflt: 'MS_???' }, [
  [1, 'MS_ASYNC'], [2, 'MS_INVALIDATE'], [4, 'MS_SYNC'],
]);

export const MLOCKALL_FLAGS = xlat({ header: 'include/uapi/asm-generic/mman.h', dflt: 'MCL_???' }, [
  [1, 'MCL_CURRENT'], [2, 'MCL_FUTURE'], [4, 'MCL_ONFAULT'],
]);

/** madvise(2) advice, sorted by value (the generic and the hppa-differing commands merged). */
export const MADVISE_CMDS = xlat({ header: 'include/uapi/asm-generic/mman-common.h', dflt: 'MADV_???', lookup: 'sorted' }, [
  [0, 'MADV_NORMAL'], [1, 'MADV_RANDOM'], [2, 'MADV_SEQUENTIAL'], [3, 'MADV_WILLNEED'], [4, 'MADV_DONTNEED'],
  [8, 'MADV_FREE'], [9, 'MADV_REMOVE'], [10, 'MADV_DONTFORK'], [11, 'MADV_DOFORK'], [12, 'MADV_MERGEABLE'],
  [13, 'MADV_UNMERGEABLE'], [14, 'MADV_HUGEPAGE'], [15, 'MADV_NOHUGEPAGE'], [16, 'MADV_DONTDUMP'], [17, 'MADV_DODUMP'],
  [18, 'MADV_WIPEONFORK'], [19, 'MADV_KEEPONFORK'], [20, 'MADV_COLD'], [21, 'MADV_PAGEOUT'], [22, 'MADV_POPULATE_READ'],
  [23, 'MADV_POPULATE_WRITE'], [24, 'MADV_DONTNEED_LOCKED'], [25, 'MADV_COLLAPSE'], [100, 'MADV_HWPOISON'],
  [101, 'MADV_SOFT_OFFLINE'], [102, 'MADV_GUARD_INSTALL'], [103, 'MADV_GUARD_REMOVE'],
]);

/** pkey_alloc(2) access rights (arch/x86/include/uapi/asm/mman.h). */
export const PKEY_ACCESS = xlat({ header: 'include/uapi/asm-generic/mman-common.h', dflt: 'PKEY_???' }, [
  [0x1, 'PKEY_DISABLE_ACCESS'], [0x2, 'PKEY_DISABLE_WRITE'], [0x4, 'PKEY_DISABLE_EXECUTE'],
]);

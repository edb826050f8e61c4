/** tids below 2^22 (the kernel's largest pid_max) are found in pages of this many slots */
const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const PAGES = 1 << (22 - PAGE_BITS);
/** the page of tids no slot was made for yet: shared, all -1, never written */
const NO_PAGE = new Int32Array(PAGE).fill(-1);

/**
 * Per-thread state of the reassembler, in typed arrays indexed by a slot per tid: one lookup
 * per packet instead of one per field (the hot path pairs millions of packets). A tid's slot
 * is found in a page table (two loads; a Map lookup cost ~5 % of the decoding with threads
 * interleaved), other tids (never from the kernel: tests, corrupt input) in a Map.
 */
export class Threads {
  private readonly pages: Int32Array[] = new Array<Int32Array>(PAGES).fill(NO_PAGE);
  private readonly slotOf = new Map<number, number>();
  private cap = 1024;
  /** row waiting for its exit, or -1 */
  pending = new Int32Array(this.cap).fill(-1);
  /** no-entry row an entry arriving late may still complete, or -1 */
  orphan = new Int32Array(this.cap).fill(-1);
  /** row completed early (exit before entry) that may still get continuation chunks, or -1 */
  lastDone = new Int32Array(this.cap).fill(-1);
  /** index of the thread's comm in the comm dictionary, or -1 */
  comm = new Int32Array(this.cap).fill(-1);
  /** slots in use */
  count = 0;
  // the last tid looked up and its slot: an exit mostly follows its own entry, so about half
  // the lookups skip the Map. Slots are never freed, so the pair stays valid; it starts at 2^31,
  // which no tid (an int32) equals
  private lastTid = 2 ** 31;
  private lastSlot = -1;

  /** The slot of tid, created on first sight. */
  slot(tid: number): number {
    if (tid === this.lastTid) return this.lastSlot;
    let s = this.find(tid);
    if (s < 0) {
      s = this.count++;
      if (s >= this.cap) this.grow();
      if (tid >>> 22 === 0) {
        let page = this.pages[tid >>> PAGE_BITS]!;
        if (page === NO_PAGE) page = this.pages[tid >>> PAGE_BITS] = new Int32Array(PAGE).fill(-1);
        page[tid & (PAGE - 1)] = s;
      } else {
        this.slotOf.set(tid, s);
      }
    }
    this.lastTid = tid;
    this.lastSlot = s;
    return s;
  }

  /** The slot of tid if it has one, else -1 (no slot is created). */
  find(tid: number): number {
    if (tid === this.lastTid) return this.lastSlot;
    if (tid >>> 22 === 0) return this.pages[tid >>> PAGE_BITS]![tid & (PAGE - 1)]!;
    return this.slotOf.get(tid) ?? -1;
  }

  private grow(): void {
    const cap = this.cap * 2;
    const g = (a: Int32Array) => {
      const b = new Int32Array(cap).fill(-1);
      b.set(a);
      return b;
    };
    this.pending = g(this.pending);
    this.orphan = g(this.orphan);
    this.lastDone = g(this.lastDone);
    this.comm = g(this.comm);
    this.cap = cap;
  }

  /** Rewrites row references after the row store was compacted (remap[old] = new or -1). */
  remapRows(remap: Int32Array): void {
    for (const a of [this.pending, this.orphan, this.lastDone]) {
      for (let s = 0; s < this.count; s++) {
        const r = a[s]!;
        if (r >= 0) a[s] = remap[r]!;
      }
    }
  }
}

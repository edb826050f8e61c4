/* SPDX-License-Identifier: BSD-3-Clause */
/* strings.bpf.h: string arguments of a syscall, read from the tracee and split into packets as
 * vltrace(1) -s describes (FORMAT.md "String chunks"). Included by vltrace.bpf.c only. */

enum { CH_END, CH_MORE, CH_TRUNC, CH_ERR };

/* A cheap probe of the first byte of each string: a page not faulted in yet fails here. */
static __always_inline bool strings_readable(__u32 smask, __u64 *args)
{
	char b;

#pragma unroll
	for (int i = 0; i < VLT_MAX_ARGS; i++)
		if ((smask & (1 << i)) && args[i] && bpf_probe_read_user(&b, 1, (void *)args[i]))
			return false;
	return true;
}

/* Appends a chunk (vlt_str_chunk + at most cap bytes of the string at ptr) at buf[off] and
 * returns the offset after it. `last`: no chunk may follow, so a longer string is TRUNCATED. */
static __always_inline __u32 add_chunk(__u8 *buf, __u32 off, __u32 arg, __u64 ptr, __u32 cap,
				       bool last, __u8 flags, int *st)
{
	__u32 o = off & (SCRATCH_HALF - 1);
	struct vlt_str_chunk *ch = (void *)(buf + o);
	/* cap + 1 characters and a NUL: tells a string of exactly cap bytes from a longer one */
	__u32 size = cap + 2;
	__u32 len;
	long n;

	if (size > VLT_CHUNK_DATA + 2)
		size = VLT_CHUNK_DATA + 2;
	n = bpf_probe_read_user_str(buf + ((o + 4) & (SCRATCH_HALF - 1)), size, (void *)ptr);
	if (n < 0) {
		len = 0;	/* the helper zeroes the buffer on a fault */
		flags |= VLT_CHUNK_READ_ERROR;
		*st = CH_ERR;
	} else if (n <= cap + 1) {
		len = n > 0 ? n - 1 : 0;
		*st = CH_END;
	} else {
		len = cap;
		flags |= last ? VLT_CHUNK_TRUNCATED : VLT_CHUNK_MORE;
		*st = last ? CH_TRUNC : CH_MORE;
	}
	ch->arg = arg;
	ch->flags = flags;
	ch->len = len;
	return o + 4 + len;
}

/* Header fields and (for ENTRY) the raw arguments; returns where string chunks start. */
static __always_inline __u32 begin_packet(struct scratch *sc, bool entry)
{
	struct vlt_entry *e = (void *)sc->buf;

	e->pid_tid = sc->s.pid_tgid;
	e->ts = sc->s.ts;
	e->nr = sc->s.nr;
	if (!entry)
		return sizeof(struct vlt_entry_cont);
	__builtin_memcpy(e->args, sc->s.args, 8 * VLT_MAX_ARGS);
	return sizeof(*e) + 8 * (sc->s.nargs & 7);
}

static __always_inline void finish_packet(struct vlt_counters *c, struct scratch *sc, __u32 off,
					  __u32 start, __u32 info)
{
	struct vlt_entry *e = (void *)sc->buf;
	__u32 size;

	off &= SCRATCH_HALF - 1;
	*(__u64 *)(sc->buf + off) = 0;	/* zero the padding */
	size = (off + 7) & ~7;
	e->size = size;
	e->info = info;
	e->str_len = off - start;
	output(c, sc->buf, size, SCRATCH_SIZE, sc->s.pid_tgid, sc->s.ts);
}

/* fast: one ENTRY with every string, 382/190/126 bytes each for 1/2/3 strings */
static __always_inline void emit_fast(struct vlt_counters *c, struct scratch *sc)
{
	struct strings *s = &sc->s;
	__u32 cap = s->nstr == 1 ? 382 : s->nstr == 2 ? 190 : 126;
	__u32 start = begin_packet(sc, true), off = start, last_arg = 0;
	__u32 info = VLT_PT_ENTRY | (s->nargs & 7) << VLT_INFO_NARGS_SHIFT;
	int st;

#pragma unroll
	for (int i = 0; i < MAX_STR_ARGS; i++) {
		if (i >= s->nstr)
			break;
		off = add_chunk(sc->buf, off, s->argi[i], s->ptr[i], cap, true, 0, &st);
		if (st == CH_ERR)
			info |= 1 << VLT_INFO_BPF_READ_ERROR_SHIFT;
		last_arg = s->argi[i];
	}
	info |= (s->argi[0] & 7) << VLT_INFO_ARG_FIRST_SHIFT | (last_arg & 7) << VLT_INFO_ARG_LAST_SHIFT;
	finish_packet(c, sc, off, start, info);
}

/* packet/const/full: packet idx carries chunk k of string si (one chunk per packet; the first
 * packet is the ENTRY). bpf_loop keeps the verifier's work independent of N. */
static long chunk_cb(__u32 idx, void *unused)
{
	__u32 zero = 0, n = str_chunks ? str_chunks : 1;
	__u32 si = idx / n, k = idx % n, start, off, info = 0, bit, arg;
	struct vlt_counters *c = get_counters();
	struct scratch *sc = bpf_map_lookup_elem(&scratch, &zero);
	bool entry, ended, more, last = k == n - 1;
	struct strings *s;
	int st = CH_END;

	if (!c || !sc)
		return 1;
	s = &sc->s;
	if (si >= s->nstr || si >= MAX_STR_ARGS)
		return 1;
	bit = 1 << si;
	ended = s->done & bit;
	if (ended && str_mode != VLT_STR_CONST)
		return 0;	/* full/packet: no more packets for this string */
	entry = s->npk == 0;
	start = begin_packet(sc, entry);
	arg = s->argi[si & 3] & 7;
	if (ended) {
		/* const: always N packets; after the end they carry empty chunks */
		struct vlt_str_chunk *ch = (void *)(sc->buf + (start & (SCRATCH_HALF - 1)));

		ch->arg = arg;
		ch->flags = VLT_CHUNK_CONT | (last ? 0 : VLT_CHUNK_MORE);
		ch->len = 0;
		off = start + 4;
	} else {
		__u8 fl = k ? VLT_CHUNK_CONT : 0;

		off = add_chunk(sc->buf, start, arg, s->ptr[si & 3] + k * VLT_CHUNK_DATA,
				last ? VLT_CHUNK_DATA - 1 : VLT_CHUNK_DATA, last, fl, &st);
		if (st != CH_MORE)
			s->done |= bit;
		if (st == CH_ERR)
			info |= 1 << VLT_INFO_BPF_READ_ERROR_SHIFT;
		/* const: the empty chunks that follow continue this string */
		if (str_mode == VLT_STR_CONST && !last && st != CH_MORE)
			((struct vlt_str_chunk *)(sc->buf + (start & (SCRATCH_HALF - 1))))->flags |=
				VLT_CHUNK_MORE;
	}
	if (str_mode == VLT_STR_CONST)
		more = idx + 1 < s->nstr * n;
	else
		more = !(s->done & bit) || si + 1 < s->nstr;
	info |= arg << VLT_INFO_ARG_FIRST_SHIFT | arg << VLT_INFO_ARG_LAST_SHIFT;
	if (more)
		info |= 1 << VLT_INFO_WILL_BE_CONT_SHIFT;
	if (entry)
		info |= VLT_PT_ENTRY | (s->nargs & 7) << VLT_INFO_NARGS_SHIFT;
	else
		info |= VLT_PT_ENTRY_CONT | 1 << VLT_INFO_IS_CONT_SHIFT;
	finish_packet(c, sc, off, start, info);
	s->npk++;
	return 0;
}

/* ENTRY (+ ENTRY_CONT) packets of a syscall with string arguments; false if every string
 * pointer is NULL (the caller writes a plain ENTRY). */
static __always_inline bool emit_strings(__u64 pid_tgid, __u64 ts, long nr, __u32 nargs,
					 __u32 smask, __u64 *args)
{
	struct vlt_counters *c = get_counters();
	__u32 zero = 0, n = 0;
	struct scratch *sc = bpf_map_lookup_elem(&scratch, &zero);
	struct strings *s;

	if (!sc || !c)
		return false;
	s = &sc->s;
#pragma unroll
	for (int i = 0; i < VLT_MAX_ARGS; i++) {
		s->args[i] = args[i];
		if ((smask & (1 << i)) && args[i] && n < MAX_STR_ARGS) {
			s->ptr[n & 3] = args[i];
			s->argi[n & 3] = i;
			n++;
		}
	}
	if (!n)
		return false;
	s->pid_tgid = pid_tgid;
	s->ts = ts;
	s->nr = nr;
	s->nargs = nargs;
	s->nstr = n;
	s->npk = 0;
	s->done = 0;
	if (str_mode == VLT_STR_FAST)
		emit_fast(c, sc);
	else
		bpf_loop(n * (str_chunks ? str_chunks : 1), chunk_cb, NULL, 0);
	return true;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/* capture.bpf.h: the memory behind pointer arguments, read as the capture table says (sc_cap,
 * filled from packages/format/src/tables/captures.ts) and written as DATA packets right after
 * the thread's ENTRY or EXIT (FORMAT.md "Data chunks"). Included by vltrace.bpf.c only.
 *
 * Bounded for the verifier: a per-CPU buffer whose offsets are masked below DATA_HALF while
 * every single read is smaller than DATA_HALF, so any read at any masked offset stays inside;
 * walks over arrays (argv, iovecs, dirents) run in bpf_loop callbacks, verified once. */

#define DATA_HALF 8192			/* masked offsets into dstate.buf stay below this */
#define DATA_BUDGET (DATA_HALF - 64)	/* bytes of a DATA packet (header included) at most */
#define DATA_BUF (2 * DATA_HALF + 64)	/* a read of < DATA_HALF bytes at a masked offset fits */
#define DATA_HDR (sizeof(struct vlt_data))
#define CHUNK_HDR 4
#define ITEM_HDR 3			/* ARGV item: u16 len, u8 flags */
#define IOV_ITEM_HDR 19			/* IOV item: u64 base, u64 len, u16 bytes, u8 flags */
#define ARRAY_BYTES 4096		/* ARGCOUNT/RETCOUNT: bytes of one array at most */
#define ARGV_BOUND 4096			/* ARGV/ARGC: elements counted at most */
#define IOV_BOUND 1024			/* UIO_MAXIOV */
#define DIRENT_BOUND 8192		/* DIRENTS: records counted at most */
#define DIRENT_RECLEN 16		/* offsetof(struct linux_dirent64, d_reclen), same in linux_dirent */
#define PUT_SPLITS 4			/* packets one buffer may span: 4 * 8 KiB > the largest -s */
#define FILE_HDR (sizeof(struct vlt_file))
#define FILE_ROOM 512			/* room a file record wants in a packet before its walk */
#define NAME_CAP 255			/* NAME_MAX: bytes of one path component */
#define PATH_BOUND 1024			/* steps of one path walk (components, mount crossings) */
#define NSFS_MAGIC 0x6e736673		/* linux/magic.h: namespace files, named by their type */
#define NS_NAME_CAP 32			/* a namespace type's name: "net", "mnt", "pid_for_children" */

/* syscall number -> capture descriptors (entry, exit) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, VLT_MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct vlt_sc_cap);
} sc_cap SEC(".maps");

/* Per-CPU workspace: the call being captured, the walk in progress, the DATA packet built. */
struct dstate {
	__u64 pid_tgid, ts;
	__u64 args[VLT_MAX_ARGS];
	__s64 ret;
	__u64 sp;			/* user stack pointer at entry (rt_sigreturn's frame) */
	__s32 nr;
	__u32 off;			/* end of the packet in buf, header included */
	__u32 xflag;			/* VLT_CHUNK_EXIT for exit captures */
	__u32 late;			/* entry captures read at exit (a deferred entry) */
	/* the walk of an array in a bpf_loop callback */
	__u64 base;			/* user address of the array */
	__s64 left;			/* readv: bytes of the return value not yet attributed */
	__u32 start;			/* offset of the chunk header in buf */
	__u32 count, items, limit;
	__u32 walk_off;			/* DIRENTS: offset of the next record */
	__u32 total;			/* DIRENTS: bytes to walk (the return value) */
	__u32 arg, flags;		/* the chunk's argument and flags */
	__u32 item_errors;		/* ARGV: strings that could not be read */
	/* the walk of a path up to the caller's root (FILE records), as d_path() walks it */
	__u64 dentry;			/* where the walk is (put_file: the file's dentry) */
	__u64 mnt;			/* its mount, struct mount (put_file: the file's vfsmount) */
	__u64 mnt_root;			/* the root dentry of that mount */
	__u64 root_dentry, root_mnt;	/* the caller's root (fs->root): where the path starts */
	__u32 ncomp;			/* components written */
	__u32 walked;			/* the walk reached the root (else: left out components) */
	__u8 buf[DATA_BUF];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dstate);
} dscratch SEC(".maps");

/* execve argv strings unreadable at entry (a freshly forked child has not faulted in the
 * pages of its literals; a tracepoint cannot fault them in): tid -> the argv count. Read again
 * at a successful exit from the new image's copy (mm->arg_start). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, __u32);
} argv_retry SEC(".maps");

/* Kernel structs are read by direct loads through BTF-typed pointers (fault-safe, and several
 * times cheaper than a bpf_probe_read_kernel() call each); an address kept as a number (in the
 * workspace, across bpf_loop steps) gets its type back with bpf_rdonly_cast(), which costs
 * nothing at run time. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym;
#define KPTR(type, addr) ((type *)bpf_rdonly_cast((void *)(addr), bpf_core_type_id_kernel(type)))

/* The current task as an untrusted (read-only, fault-safe) pointer, not bpf_get_current_task_btf()'s
 * trusted one: every pointer loaded from a trusted struct makes the verifier look its type up by
 * name in the kernel's BTF (a linear scan, up to four per load, on every path it explores), which
 * took about half of the programs' verification time; the loads compile to the same code. */
static __always_inline struct task_struct *current_task(void)
{
	return KPTR(struct task_struct, bpf_get_current_task());
}

static __always_inline struct dstate *get_dstate(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&dscratch, &zero);
}

/* The verifier's view of a bounded length: the compiler may not drop the bound. */
static __always_inline __u32 bound(__u32 v, __u32 mask)
{
	asm volatile("" : "+r"(v));
	return v & mask;
}

/* Writes the DATA packet built so far (if it holds a chunk) and starts the next one. A global
 * function: verified once, however many places call it. */
__noinline int data_out(void)
{
	struct dstate *d = get_dstate();
	struct vlt_data *h;
	struct vlt_counters *c;
	__u32 off, size;

	if (!d)
		return 0;
	h = (void *)d->buf;
	off = bound(d->off, DATA_HALF - 1);
	if (off <= DATA_HDR)
		return 0;
	*(__u64 *)(d->buf + off) = 0;	/* zero the padding */
	size = (off + 7) & ~7;
	h->size = size;
	h->info = VLT_PT_DATA;
	h->pid_tid = d->pid_tgid;
	h->ts = d->ts;
	h->nr = d->nr;
	h->data_len = off - DATA_HDR;
	c = get_counters();
	if (c)
		output(c, d->buf, size, DATA_HALF, d->pid_tgid, d->ts);
	d->off = DATA_HDR;
	return 0;
}

/* Room for `need` more bytes in this packet, or a new packet. */
static __always_inline void data_room(struct dstate *d, __u32 need)
{
	if (d->off + need > DATA_BUDGET)
		data_out();
}

static __always_inline void chunk_hdr(struct dstate *d, __u32 at, __u32 arg, __u32 flags, __u32 len)
{
	struct vlt_str_chunk *ch = (void *)(d->buf + bound(at, DATA_HALF - 1));

	ch->arg = arg;
	ch->flags = flags;
	ch->len = len;
}

/* Appends `len` bytes of user memory at ptr as chunks of argument arg, continued over further
 * packets where one is not enough; `more`: the memory held more than len (TRUNCATED). A global
 * function, like data_out(). */
__noinline int put_mem(__u32 arg, __u64 ptr, __u64 len, __u32 more)
{
	struct dstate *d = get_dstate();
	__u32 cont = 0;

	if (!d)
		return 0;

#pragma unroll
	for (int i = 0; i < PUT_SPLITS; i++) {
		__u32 at, room, n, flags = d->xflag | cont;

		data_room(d, CHUNK_HDR + (len ? 1 : 0));
		at = d->off;
		room = DATA_BUDGET - at - CHUNK_HDR;
		n = len < room ? len : room;
		n = bound(n, DATA_HALF - 1);
		if (n && bpf_probe_read_user(d->buf + bound(at + CHUNK_HDR, DATA_HALF - 1), n, (void *)ptr)) {
			chunk_hdr(d, at, arg, flags | VLT_CHUNK_READ_ERROR, 0);
			d->off = at + CHUNK_HDR;
			return 0;
		}
		len -= n;
		ptr += n;
		if (!len && more)
			flags |= VLT_CHUNK_TRUNCATED;
		/* the last split that still leaves bytes: cut there */
		if (len && i == PUT_SPLITS - 1)
			flags |= VLT_CHUNK_TRUNCATED;
		chunk_hdr(d, at, arg, flags, n);
		d->off = at + CHUNK_HDR + n;
		if (!len)
			return 0;
		cont = VLT_CHUNK_CONT;
	}
	return 0;
}

/* An empty chunk flagged READ_ERROR: the length could not be read. */
static __always_inline void put_error(struct dstate *d, __u32 arg)
{
	data_room(d, CHUNK_HDR);
	chunk_hdr(d, d->off, arg, d->xflag | VLT_CHUNK_READ_ERROR, 0);
	d->off += CHUNK_HDR;
}

/* A chunk whose payload is built by a walk: its header and `lead` bytes are reserved here. */
static __always_inline bool walk_begin(struct dstate *d, __u32 arg, __u64 base, __u32 lead)
{
	data_room(d, CHUNK_HDR + lead + 64);
	d->start = d->off;
	d->off += CHUNK_HDR + lead;
	d->base = base;
	d->arg = arg;
	d->flags = d->xflag;
	d->count = d->items = 0;
	return true;
}

/* Ends the walk's chunk: its header, and the u32 count that leads its payload. */
static __always_inline void walk_end(struct dstate *d)
{
	__u32 at = bound(d->start, DATA_HALF - 1);

	*(__u32 *)(d->buf + bound(at + CHUNK_HDR, DATA_HALF - 1)) = d->count;
	chunk_hdr(d, at, d->arg, d->flags, d->off - at - CHUNK_HDR);
}

/* Closes the ARGV item whose string was read after its header at `at`: the header (u16 length, u8 flags). */
static __always_inline void end_item(struct dstate *d, __u32 at, __u32 len, __u8 iflags)
{
	__u8 *item = d->buf + bound(at, DATA_HALF - 1);

	item[0] = len;
	item[1] = len >> 8;
	item[2] = iflags;
	d->off = at + ITEM_HDR + len;
	d->items++;
}

/* ARGV/ARGC: element i of a NULL-terminated array of strings; counts it, and (ARGV) appends
 * the string as an item while the item limit and the packet's budget allow. */
static long argv_cb(__u32 i, void *unused)
{
	struct dstate *d = get_dstate();
	__u32 at, room, cap, len;
	__u8 iflags = 0;
	__u64 ptr;
	long n;

	if (!d)
		return 1;
	if (bpf_probe_read_user(&ptr, sizeof(ptr), (void *)(d->base + 8ULL * i))) {
		d->flags |= VLT_CHUNK_READ_ERROR;
		return 1;
	}
	if (!ptr)
		return 1;
	d->count = i + 1;
	if (d->items >= d->limit)
		return 0;	/* counted only */
	at = d->off;
	if (at + ITEM_HDR + 1 > DATA_BUDGET) {
		d->limit = d->items;	/* no room for more items */
		return 0;
	}
	room = DATA_BUDGET - at - ITEM_HDR;
	/* cap + 1 characters and a NUL tell a string of exactly cap bytes from a longer one */
	cap = data_limit < room - 1 ? data_limit : room - 1;
	n = bpf_probe_read_user_str(d->buf + bound(at + ITEM_HDR, DATA_HALF - 1),
				    bound(cap + 2, DATA_HALF - 1), (void *)ptr);
	if (n < 0) {
		len = 0;
		iflags = VLT_ITEM_READ_ERROR;
		d->item_errors++;
	} else if (n - 1 <= cap) {
		len = n > 0 ? n - 1 : 0;
	} else {
		len = cap;
		iflags = VLT_ITEM_TRUNCATED;
	}
	end_item(d, at, len, iflags);
	return 0;
}

/* ARGV (items up to the string limit) or ARGC (count only). */
static __always_inline void put_argv(struct dstate *d, __u32 arg, __u64 base, bool items)
{
	walk_begin(d, arg, base, 4);
	d->limit = items ? data_limit : 0;
	d->item_errors = 0;
	bpf_loop(ARGV_BOUND, argv_cb, NULL, 0);
	/* the walk ran to its bound without a NULL, or left strings out */
	if (d->count == ARGV_BOUND || (items && d->items < d->count))
		d->flags |= VLT_CHUNK_TRUNCATED;
	walk_end(d);
	if (d->item_errors && !d->late && (d->nr == NR_EXECVE || d->nr == NR_EXECVEAT)) {
		__u32 tid = d->pid_tgid, count = d->count;

		bpf_map_update_elem(&argv_retry, &tid, &count, BPF_ANY);
	}
}

/* The argv strings the kernel copied to the new image, back to back: the one at d->base,
 * appended as an item while the limit and the budget allow; d->base moves past its NUL. */
static long area_cb(__u32 i, void *unused)
{
	struct dstate *d = get_dstate();
	__u32 at, room, cap, size, len = 0;
	__u8 *dst, iflags = 0;
	bool put;
	long n;

	if (!d || i >= d->count)
		return 1;
	at = d->off;
	put = d->items < d->limit && at + ITEM_HDR + 1 <= DATA_BUDGET;
	room = DATA_BUDGET - at - ITEM_HDR;
	cap = data_limit < room - 1 ? data_limit : room - 1;
	if (put) {
		dst = d->buf + bound(at + ITEM_HDR, DATA_HALF - 1);
		size = bound(cap + 2, DATA_HALF - 1);
	} else {
		dst = d->buf + DATA_HALF;	/* the upper half: only its length matters */
		size = DATA_HALF - 1;
	}
	n = bpf_probe_read_user_str(dst, size, (void *)d->base);
	if (n <= 0)
		goto bad;
	d->base += n - 1;
	if (put) {
		len = n - 1 <= cap ? n - 1 : cap;
		iflags = n - 1 > cap ? VLT_ITEM_TRUNCATED : 0;
	}
	/* a string longer than one read: skip to its NUL (MAX_ARG_STRLEN is 32 pages) */
	for (int k = 0; k < 17 && n == size; k++) {
		size = DATA_HALF - 1;
		n = bpf_probe_read_user_str(d->buf + DATA_HALF, size, (void *)d->base);
		if (n <= 0)
			goto bad;
		d->base += n - 1;
	}
	if (n == size)
		goto bad;
	d->base++;	/* its NUL */
	if (put)
		end_item(d, at, len, iflags);
	return 0;
bad:
	d->walk_off = 0;	/* not the argv of the entry */
	return 1;
}

/* After a successful execve whose argv strings could not be read at entry: the same strings
 * from the new image (mm->arg_start..arg_end), as an entry ARGV chunk that replaces the first.
 * Only when the counts agree: a #! script's argv starts with its interpreter instead. A global
 * function: verified apart from the sys_exit program's paths. */
__noinline int argv_again(__u64 pid_tgid, __u64 ts, __u32 nr, __u32 arg, __u32 failed)
{
	struct task_struct *task = current_task();
	struct dstate *d = get_dstate();
	__u32 tid = pid_tgid, *count = bpf_map_lookup_elem(&argv_retry, &tid);
	__u64 start, end;
	__u32 want;

	if (!count)
		return 0;
	want = *count;
	bpf_map_delete_elem(&argv_retry, &tid);
	if (failed || !d || !task->mm)
		return 0;	/* a failed exec: the old image, no copy */
	start = task->mm->arg_start;
	end = task->mm->arg_end;
	d->pid_tgid = pid_tgid;
	d->ts = ts;
	d->nr = nr;
	d->xflag = 0;
	d->off = DATA_HDR;
	walk_begin(d, arg, start, 4);
	d->count = want;
	d->limit = data_limit;
	d->walk_off = 1;	/* cleared by area_cb when a string cannot be walked */
	bpf_loop(ARGV_BOUND, area_cb, NULL, 0);
	/* as many strings as at entry, ending where the area ends (a #! script's has more) */
	if (!d->walk_off || d->base != end)
		return 0;
	if (d->items < d->count)
		d->flags |= VLT_CHUNK_TRUNCATED;
	walk_end(d);
	data_out();
	return 0;
}

/* IOV: iovec i: its base and length, and the bytes it holds (at exit: of what the call
 * transferred), each up to the string limit and within the packet's budget. */
static long iov_cb(__u32 i, void *unused)
{
	struct dstate *d = get_dstate();
	struct { __u64 base, len; } v;
	__u32 at, room, n, want;
	__u8 *item, iflags = 0;
	__u64 full;

	if (!d)
		return 1;
	if (i >= d->limit)
		return 1;
	at = d->off;
	if (at + IOV_ITEM_HDR > DATA_BUDGET) {
		d->flags |= VLT_CHUNK_TRUNCATED;
		return 1;
	}
	if (bpf_probe_read_user(&v, sizeof(v), (void *)(d->base + 16ULL * i))) {
		d->flags |= VLT_CHUNK_READ_ERROR;
		return 1;
	}
	full = v.len;
	if (d->xflag) {	/* readv: only what the call filled */
		full = d->left < 0 ? 0 : (__u64)d->left < full ? (__u64)d->left : full;
		d->left -= full;
	}
	room = DATA_BUDGET - at - IOV_ITEM_HDR;
	want = full < data_limit ? full : data_limit;
	n = want < room ? want : room;
	n = bound(n, DATA_HALF - 1);
	item = d->buf + bound(at, DATA_HALF - 1);
	if (n && bpf_probe_read_user(item + IOV_ITEM_HDR, n, (void *)v.base)) {
		n = 0;
		iflags = VLT_ITEM_READ_ERROR;
	} else if (n < full) {
		iflags = VLT_ITEM_TRUNCATED;
	}
	__builtin_memcpy(item, &v, 16);
	item[16] = n;
	item[17] = n >> 8;
	item[18] = iflags;
	d->off = at + IOV_ITEM_HDR + n;
	d->items++;
	if (n < want) {	/* out of room: the rest is left out */
		d->flags |= VLT_CHUNK_TRUNCATED;
		return 1;
	}
	return 0;
}

static __always_inline void put_iov(struct dstate *d, __u32 arg, __u64 base, __u64 count)
{
	__u32 lim;

	walk_begin(d, arg, base, 4);
	d->count = count > IOV_BOUND ? IOV_BOUND : count;
	lim = d->count < data_limit ? d->count : data_limit;
	d->limit = lim;
	d->left = d->ret;
	bpf_loop(IOV_BOUND, iov_cb, NULL, 0);
	if (d->items < d->count)
		d->flags |= VLT_CHUNK_TRUNCATED;
	walk_end(d);
}

/* DIRENTS: one linux_dirent64 record of the return-value bytes, counted by its d_reclen. */
static long dirent_cb(__u32 i, void *unused)
{
	struct dstate *d = get_dstate();
	__u16 reclen;

	if (!d || d->walk_off >= d->total)
		return 1;
	if (bpf_probe_read_user(&reclen, sizeof(reclen), (void *)(d->base + d->walk_off + DIRENT_RECLEN))) {
		d->flags |= VLT_CHUNK_READ_ERROR;
		return 1;
	}
	if (!reclen)
		return 1;	/* not a record: stop rather than loop */
	d->walk_off += reclen;
	d->count++;
	return 0;
}

static __always_inline void put_dirents(struct dstate *d, __u32 arg, __u64 base, __u64 bytes)
{
	walk_begin(d, arg, base, 4);
	d->walk_off = 0;
	d->total = bytes;
	bpf_loop(DIRENT_BOUND, dirent_cb, NULL, 0);
	if (d->walk_off < d->total && !(d->flags & VLT_CHUNK_READ_ERROR))
		d->flags |= VLT_CHUNK_TRUNCATED;
	walk_end(d);
}

/* ---- the files behind descriptors (FD_RET, FD_PAIR, CWD): FORMAT.md "Files behind descriptors"
 * Kernel structs are read through untrusted BTF pointers (KPTR, current_task()). */


/* Appends one component, len bytes at name, to the record being built; false when it does not
 * fit in this packet. */
static __always_inline bool put_component(struct dstate *d, const void *name, __u32 len)
{
	__u32 at = d->off;
	__u8 *item;

	if (len > NAME_CAP)
		len = NAME_CAP;
	if (at + 2 + len > DATA_BUDGET)
		return false;
	item = d->buf + bound(at, DATA_HALF - 1);
	if (bpf_probe_read_kernel(d->buf + bound(at + 2, DATA_HALF - 1), bound(len, NAME_CAP), name))
		len = 0;
	item[0] = len;
	item[1] = len >> 8;
	d->off = at + 2 + len;
	d->ncomp++;
	return true;
}

/* A namespace file's one component: its type's name, which nsfs names it by ("net:[4026531840]"),
 * from the ns_common its inode holds (the dentry's own name is "/"). */
static __always_inline void put_ns_name(struct dstate *d, struct inode *inode)
{
	struct ns_common *ns = KPTR(struct ns_common, inode->i_private);
	const char *name = ns->ops->name;
	__u32 at = d->off;
	__u8 *item;
	long n;

	if (!name || at + 2 + NS_NAME_CAP > DATA_BUDGET)
		return;
	item = d->buf + bound(at, DATA_HALF - 1);
	n = bpf_probe_read_kernel_str(d->buf + bound(at + 2, DATA_HALF - 1), NS_NAME_CAP, name);
	n = n > 0 ? n - 1 : 0;
	item[0] = n;
	item[1] = 0;
	d->off = at + 2 + n;
	d->ncomp++;
}

/* One step of d_path()'s walk (fs/d_path.c prepend_path): up a dentry, appending its name, or
 * from the root of a mount to where it is mounted; the walk ends at the caller's root, at the
 * root of a mount with no parent (a detached or internal mount: d_path gives the path from
 * there) or at a dentry that is its own parent. */
static long path_cb(__u32 i, void *unused)
{
	struct dstate *d = get_dstate();
	struct dentry *dentry;
	struct mount *mnt, *up;
	__u64 parent;

	if (!d)
		return 1;
	if (d->dentry == d->root_dentry &&
	    d->mnt + bpf_core_field_offset(struct mount, mnt) == d->root_mnt)
		goto done;
	dentry = KPTR(struct dentry, d->dentry);
	if (d->dentry == d->mnt_root) {
		mnt = KPTR(struct mount, d->mnt);
		up = mnt->mnt_parent;
		if (!up || up == mnt)
			goto done;
		d->dentry = (__u64)mnt->mnt_mountpoint;
		d->mnt = (__u64)up;
		d->mnt_root = (__u64)up->mnt.mnt_root;
		return 0;
	}
	parent = (__u64)dentry->d_parent;
	if (!parent || parent == d->dentry)
		goto done;
	if (!put_component(d, dentry->d_name.name, dentry->d_name.len))
		return 1;	/* no room: the outer components are left out */
	d->dentry = parent;
	return 0;
done:
	d->walked = 1;
	return 1;
}

/* The file at (d->dentry, d->mnt: a dentry and its vfsmount) as a FILE record chunk of argument
 * arg (cont: continues the previous chunk of arg, FD_PAIR's second file); no dentry: a record
 * flagged NONE. A global function: verified once (its arguments are numbers: the pointers come
 * through the workspace). */
__noinline int put_file(__u32 arg, __s32 fd, __u32 cont)
{
	struct task_struct *task = current_task();
	struct dstate *d = get_dstate();
	const struct dentry_operations *ops;
	struct vlt_file rec = { .fd = fd };
	struct vfsmount *vfsmnt;
	struct dentry *dentry;
	__u64 dentry_p, vfsmnt_p, parent;
	struct inode *inode;
	__u32 at;

	if (!d)
		return 0;
	dentry_p = d->dentry;
	vfsmnt_p = d->mnt;
	dentry = KPTR(struct dentry, dentry_p);
	vfsmnt = KPTR(struct vfsmount, vfsmnt_p);
	data_room(d, CHUNK_HDR + FILE_HDR + FILE_ROOM);
	at = d->off;
	d->off = at + CHUNK_HDR + FILE_HDR;
	d->ncomp = 0;
	if (!dentry_p || !vfsmnt_p) {
		rec.flags = VLT_FILE_NONE;
		goto out;
	}
	inode = dentry->d_inode;
	rec.ino = inode->i_ino;
	rec.mode = inode->i_mode;
	rec.magic = dentry->d_sb->s_magic;
	parent = (__u64)dentry->d_parent;
	ops = dentry->d_op;
	/* a file its file system names (d_path() calls d_op->d_dname): its dentry's name, the
	 * reader names it by the file system's magic */
	if (ops && ops->d_dname && (parent != dentry_p || dentry_p != (__u64)vfsmnt->mnt_root)) {
		rec.flags = VLT_FILE_DNAME;
		if (rec.magic == NSFS_MAGIC)
			put_ns_name(d, inode);
		else
			put_component(d, dentry->d_name.name, dentry->d_name.len);
		goto out;
	}
	/* d_unlinked(): unhashed and not a root */
	if (parent != dentry_p && !dentry->d_hash.pprev)
		rec.flags = VLT_FILE_DELETED;
	d->dentry = dentry_p;
	d->mnt = vfsmnt_p - bpf_core_field_offset(struct mount, mnt);
	d->mnt_root = (__u64)vfsmnt->mnt_root;
	d->root_dentry = (__u64)task->fs->root.dentry;
	d->root_mnt = (__u64)task->fs->root.mnt;
	d->walked = 0;
	bpf_loop(PATH_BOUND, path_cb, NULL, 0);
	if (!d->walked)
		rec.flags |= VLT_FILE_TRUNCATED;
out:
	rec.count = d->ncomp;
	__builtin_memcpy(d->buf + bound(at + CHUNK_HDR, DATA_HALF - 1), &rec, sizeof(rec));
	chunk_hdr(d, at, arg, d->xflag | cont, d->off - at - CHUNK_HDR);
	return 0;
}

/* The file behind descriptor fd of the caller, as put_file() records it. */
static __always_inline void put_fd(struct dstate *d, __u32 arg, __s64 fd, __u32 cont)
{
	struct task_struct *task = current_task();
	struct fdtable *fdt = task->files->fdt;
	struct file *file = NULL;

	if (fd < 0 || fd >= fdt->max_fds ||
	    bpf_probe_read_kernel(&file, sizeof(file), (void *)((__u64)fdt->fd + 8 * fd)))
		file = NULL;
	d->dentry = d->mnt = 0;
	if (file) {
		file = KPTR(struct file, file);
		d->dentry = (__u64)file->f_path.dentry;
		d->mnt = (__u64)file->f_path.mnt;
	}
	put_file(arg, fd, cont);
}

/* One capture: argument i as descriptor desc says. A global function: verified once, not at
 * each of its call sites. The plain reads end in one put_mem() call; walks build their own. */
__noinline int capture_arg(__u32 i, __u32 desc)
{
	struct dstate *d = get_dstate();
	__u32 how = desc >> VLT_CAP_HOW_SHIFT & VLT_CAP_HOW_MASK;
	__u32 ref = desc >> VLT_CAP_REF_SHIFT & VLT_CAP_REF_MASK;
	__u32 size = desc >> VLT_CAP_SIZE_SHIFT & VLT_CAP_SIZE_MASK;
	bool str = desc >> VLT_CAP_STR_SHIFT & VLT_CAP_STR_MASK;
	__u64 ptr, len = 0, cap, count, avail = 0;
	__s64 ret;
	__u32 n32;

	if (!d || i >= VLT_MAX_ARGS || ref >= VLT_MAX_ARGS)
		return 0;
	/* masked again: the compiler may index with an unchecked copy (6, 7 stay in the struct) */
	i = bound(i, 7);
	ref = bound(ref, 7);
	ret = d->ret;
	if (d->xflag && (desc >> VLT_CAP_OK_ONLY_SHIFT & VLT_CAP_OK_ONLY_MASK) && ret < 0)
		return 0;
	/* the files behind the result and the working directory read no argument */
	if (how == VLT_CAP_FD_RET || how == VLT_CAP_CWD) {
		struct task_struct *task = current_task();

		if (!d->xflag || ret < 0)
			return 0;
		if (how == VLT_CAP_FD_RET) {
			put_fd(d, i, ret, 0);
		} else {
			d->dentry = (__u64)task->fs->pwd.dentry;
			d->mnt = (__u64)task->fs->pwd.mnt;
			put_file(i, VLT_FD_CWD, 0);
		}
		return 0;
	}
	ptr = d->args[i];
	if (!ptr)
		return 0;	/* NULL: the raw argument says it */
	cap = str ? data_limit : size;
	/* avail: bytes the memory holds; len: bytes read (avail cut at cap) */
	switch (how) {
	case VLT_CAP_FIXED:
		avail = size;
		break;
	case VLT_CAP_ARGLEN:
		/* a buffer's size_t, or a socklen_t (int) for a struct */
		avail = str ? d->args[ref] : (__u64)(__s64)(__s32)d->args[ref];
		break;
	case VLT_CAP_RETLEN:
		avail = d->xflag ? ret : 0;
		break;
	case VLT_CAP_ARGCOUNT:
	case VLT_CAP_RETCOUNT:
		if (how == VLT_CAP_RETCOUNT && !d->xflag)
			return 0;
		count = how == VLT_CAP_ARGCOUNT ? d->args[ref] : (__u64)ret;
		if ((__s64)count <= 0 || !size)
			return 0;
		/* whole elements within the array budget */
		cap = ARRAY_BYTES / size * size;
		avail = count <= ARRAY_BYTES ? count * size : ARRAY_BYTES + 1;
		break;
	case VLT_CAP_PTRLEN:
		if (!d->args[ref])
			return 0;
		if (bpf_probe_read_user(&n32, sizeof(n32), (void *)d->args[ref])) {
			put_error(d, i);
			return 0;
		}
		avail = (__s64)(__s32)n32;
		break;
	case VLT_CAP_FDSET:
		avail = (__s64)(__s32)d->args[ref];
		if ((__s64)avail > 0)
			avail = (avail + 7) / 8;
		cap = size;
		break;
	case VLT_CAP_SIGFRAME:
		/* at entry the handler's return popped the frame's pretcode: the frame starts 8
		 * bytes below the stack pointer; its ucontext holds the mask to restore */
		if (d->xflag || d->late || !d->sp)
			return 0;
		ptr = d->sp - 8 + __builtin_offsetof(struct rt_sigframe, uc.uc_sigmask);
		avail = size ? size : 8;
		break;
	case VLT_CAP_ARGV:
	case VLT_CAP_ARGC:
		put_argv(d, i, ptr, how == VLT_CAP_ARGV);
		return 0;
	case VLT_CAP_IOV:
		count = d->args[ref];
		if ((__s64)count > 0 && !(d->xflag && ret <= 0))
			put_iov(d, i, ptr, count);
		return 0;
	case VLT_CAP_DIRENTS:
		if (d->xflag && ret > 0)
			put_dirents(d, i, ptr, ret);
		return 0;
	case VLT_CAP_FD_PAIR: {
		__s32 fds[2];

		if (!d->xflag)
			return 0;
		if (bpf_probe_read_user(fds, sizeof(fds), (void *)ptr)) {
			put_error(d, i);
			return 0;
		}
		put_fd(d, i, fds[0], 0);
		put_fd(d, i, fds[1], VLT_CHUNK_CONT);
		return 0;
	}
	default:
		return 0;
	}
	/* an empty buffer (read at end of file) is still a buffer: strace prints "" */
	if ((__s64)avail < 0 || (!avail && !str))
		return 0;
	len = avail < cap ? avail : cap;
	put_mem(i, ptr, len, avail > cap);
	return 0;
}

/* The descriptors of syscall `key` at one phase, applied to the call in the workspace; its
 * DATA packets written. A global function (verified once, not at each capture() site). */
__noinline int capture_phase(__u32 key, __u32 exit)
{
	struct vlt_sc_cap *cap;
	__u32 base = exit ? VLT_MAX_ARGS : 0;

	if (key >= VLT_MAX_SYSCALLS)
		return 0;
	cap = bpf_map_lookup_elem(&sc_cap, &key);
	if (!cap)
		return 0;
#pragma clang loop unroll(disable)
	for (__u32 i = 0; i < VLT_MAX_ARGS; i++) {
		__u32 idx = bound(base + i, 15), desc;

		if (idx >= VLT_CAP_SLOTS)
			break;
		desc = cap->desc[idx];
		if (desc)
			capture_arg(i, desc);
	}
	data_out();
	return 0;
}

/* The captures of syscall nr at one phase: its DATA packets. args: the call's arguments; ret:
 * its return value (exit); sp: the user stack pointer (entry); late: an entry read at exit. */
static __always_inline void capture(__u64 pid_tgid, __u64 ts, long nr, long key, __u64 *args,
				    long ret, __u64 sp, bool exit, bool late)
{
	struct dstate *d = get_dstate();

	if (!d)
		return;
	d->pid_tgid = pid_tgid;
	d->ts = ts;
	d->nr = nr;
	__builtin_memcpy(d->args, args, sizeof(d->args));
	d->ret = ret;
	d->sp = sp;
	d->xflag = exit ? VLT_CHUNK_EXIT : 0;
	d->late = late;
	d->off = DATA_HDR;
	capture_phase(key, exit);
}

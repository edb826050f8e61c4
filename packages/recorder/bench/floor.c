// SPDX-License-Identifier: BSD-3-Clause
/* floor.c: the recorder benchmark's floor. Loads, on every tracepoint the recorder's BPF object
 * attaches to, a program that only returns 0, runs a command while they are attached, and
 * detaches. What a traced syscall costs then (the kernel's syscall tracepoint path, the BPF
 * trampoline and a program call per hook) is the least any BPF recorder on these hooks can
 * add; the bench reports vltrace-record's added time as a multiple of it.
 *
 *   floor OBJECT.bpf.o -- COMMAND [ARG...]
 *
 * The attach points are read from the object's section names (tp_btf/NAME, raw_tp/NAME), so
 * the floor follows the product's hooks; the object itself is only opened, never loaded.
 * Prints the hooks on stderr; exits with the command's status (128 + signal if killed).
 * Bench tool only (built by the bench with cc ... -lbpf -lelf -lz), not part of the product. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#define MAX_HOOKS 32

struct hook {
	char name[64];
	int prog_fd, link_fd;
};

static struct hook hooks[MAX_HOOKS];
static int nhooks;

static void detach_all(void)
{
	for (int i = 0; i < nhooks; i++) {
		if (hooks[i].link_fd >= 0)
			close(hooks[i].link_fd);
		if (hooks[i].prog_fd >= 0)
			close(hooks[i].prog_fd);
	}
	nhooks = 0;
}

/* r0 = 0; exit */
static const struct bpf_insn empty[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* An empty program on the hook of one section of the object; 0 or -errno (said on stderr). */
static int attach_empty(const char *sec)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts);
	struct hook *h = &hooks[nhooks];
	char prog_name[16];
	const char *tp;
	int btf_id, raw;

	if (!strncmp(sec, "tp_btf/", 7)) {
		tp = sec + 7;
		raw = 0;
	} else if (!strncmp(sec, "raw_tp/", 7) || !strncmp(sec, "raw_tracepoint/", 15)) {
		tp = strchr(sec, '/') + 1;
		raw = 1;
	} else {
		fprintf(stderr, "floor: section %s: only tp_btf/ and raw_tp/ programs have a floor here\n", sec);
		return -EINVAL;
	}
	if (nhooks == MAX_HOOKS) {
		fprintf(stderr, "floor: more than %d programs\n", MAX_HOOKS);
		return -E2BIG;
	}
	snprintf(h->name, sizeof(h->name), "%s", tp);
	/* bpftool and bpf_stats tell the programs apart by name: fl_ and the hook's last 12
	 * characters (the kernel keeps 15) */
	snprintf(prog_name, sizeof(prog_name), "fl_%s", strlen(tp) > 12 ? tp + strlen(tp) - 12 : tp);
	h->prog_fd = h->link_fd = -1;
	nhooks++;
	if (raw) {
		h->prog_fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, prog_name, "Dual BSD/GPL",
					   empty, 2, &opts);
	} else {
		btf_id = libbpf_find_vmlinux_btf_id(tp, BPF_TRACE_RAW_TP);
		if (btf_id < 0) {
			fprintf(stderr, "floor: %s: no btf_trace_%s in the kernel's BTF: %s\n", sec, tp,
				strerror(-btf_id));
			return btf_id;
		}
		opts.expected_attach_type = BPF_TRACE_RAW_TP;
		opts.attach_btf_id = btf_id;
		h->prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, prog_name, "Dual BSD/GPL", empty, 2, &opts);
	}
	if (h->prog_fd < 0) {
		fprintf(stderr, "floor: %s: loading the empty program: %s\n", sec, strerror(errno));
		return -errno;
	}
	/* tp_btf programs carry their hook in attach_btf_id: no name */
	h->link_fd = bpf_raw_tracepoint_open(raw ? tp : NULL, h->prog_fd);
	if (h->link_fd < 0) {
		fprintf(stderr, "floor: %s: attaching: %s\n", sec, strerror(errno));
		return -errno;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	int status, err = 0;
	pid_t child;

	if (argc < 4 || strcmp(argv[2], "--")) {
		fprintf(stderr, "usage: floor OBJECT.bpf.o -- COMMAND [ARG...]\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "floor: opening %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	bpf_object__for_each_program(prog, obj) {
		err = attach_empty(bpf_program__section_name(prog));
		if (err)
			break;
	}
	bpf_object__close(obj);
	if (err || !nhooks) {
		if (!err)
			fprintf(stderr, "floor: %s has no programs\n", argv[1]);
		detach_all();
		return 1;
	}
	fprintf(stderr, "floor: %d empty programs attached:", nhooks);
	for (int i = 0; i < nhooks; i++)
		fprintf(stderr, " %s", hooks[i].name);
	fprintf(stderr, "\n");

	child = fork();
	if (child < 0) {
		fprintf(stderr, "floor: fork: %s\n", strerror(errno));
		detach_all();
		return 1;
	}
	if (child == 0) {
		for (int i = 0; i < nhooks; i++) {
			close(hooks[i].link_fd);
			close(hooks[i].prog_fd);
		}
		execvp(argv[3], argv + 3);
		fprintf(stderr, "floor: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "floor: waitpid: %s\n", strerror(errno));
			detach_all();
			return 1;
		}
	}
	detach_all();
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

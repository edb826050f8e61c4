/* captures.c: syscalls with memory behind their pointer arguments, made directly (syscall(2))
 * and deterministically, for the capture tests. It prints what it knows each call read or
 * filled, one line per fact, "key hex-bytes" (or "key number"), so the test can compare the
 * DATA chunks of the recording with the program's own view.
 *
 *   captures DIR          every call below, files in DIR; a getppid() marks where they start
 *   captures bytes N      N write(2)s of 1 byte to /dev/null, N read(2)s of 1 byte from
 *                         /dev/zero (benchmark); prints ns per call pair
 *
 * stdout must be a pipe or a file (fully buffered: the report is written at exit). */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <stddef.h>
#include <arpa/inet.h>
#include <linux/stat.h>

#define BIG 20000	/* a write longer than any packet: split into continued chunks */

static void hex(const char *key, const void *p, size_t n)
{
	const unsigned char *b = p;

	printf("%s ", key);
	for (size_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

static void num(const char *key, long long v)
{
	printf("%s %lld\n", key, v);
}

static void pattern(unsigned char *b, size_t n, int seed)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 7 + seed);
}

/* The kernel's struct sigaction on x86-64 (rt_sigaction's argument). */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

static volatile int got_signal;

static void on_usr1(int sig)
{
	got_signal = sig;
}

static void files(const char *dir)
{
	char path[4096], link[4096], buf[512], back[512];
	static unsigned char big[BIG];
	struct stat st;
	struct statx stx;
	int fd;
	long n;

	snprintf(path, sizeof(path), "%s/data", dir);
	fd = syscall(SYS_openat, AT_FDCWD, path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	num("fd", fd);
	/* write: 300 known bytes (cut at -s 126); pwrite64 at offset 1000 */
	pattern((unsigned char *)buf, 300, 1);
	syscall(SYS_write, fd, buf, 300);
	hex("write", buf, 300);
	pattern((unsigned char *)buf, 40, 2);
	syscall(SYS_pwrite64, fd, buf, 40, 1000);
	hex("pwrite64", buf, 40);
	pattern(big, BIG, 3);
	syscall(SYS_write, fd, big, BIG);
	hex("write_big", big, BIG);
	/* read back: 300 and 40 bytes */
	syscall(SYS_lseek, fd, 0, SEEK_SET);
	n = syscall(SYS_read, fd, back, 300);
	hex("read", back, n);
	n = syscall(SYS_pread64, fd, back, 40, 1000);
	hex("pread64", back, n);
	/* a read at end of file: 0 bytes, nothing to capture */
	syscall(SYS_read, fd, back, 10);	/* offset 300: returns 10 */
	syscall(SYS_lseek, fd, 0, SEEK_END);
	n = syscall(SYS_read, fd, back, 10);
	num("read_eof", n);
	/* writev / readv */
	{
		char a[] = "iov-one", b[] = "iov-two-longer";
		char ra[5], rb[40];
		struct iovec wv[2] = { { a, 7 }, { b, 14 } }, rv[2] = { { ra, 5 }, { rb, 40 } };

		syscall(SYS_lseek, fd, 0, SEEK_SET);
		syscall(SYS_writev, fd, wv, 2);
		hex("writev_iov", wv, sizeof(wv));
		syscall(SYS_lseek, fd, 0, SEEK_SET);
		n = syscall(SYS_readv, fd, rv, 2);
		num("readv_ret", n);
		hex("readv_iov", rv, sizeof(rv));
		hex("readv_a", ra, 5);
		hex("readv_b", rb, n - 5);
	}
	/* stat family */
	syscall(SYS_stat, path, &st);
	hex("stat", &st, sizeof(st));
	syscall(SYS_fstat, fd, &st);
	hex("fstat", &st, sizeof(st));
	syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0);
	hex("newfstatat", &st, sizeof(st));
	memset(&stx, 0, sizeof(stx));
	syscall(SYS_statx, AT_FDCWD, path, 0, STATX_BASIC_STATS | STATX_BTIME, &stx);
	hex("statx", &stx, sizeof(stx));
	syscall(SYS_stat, "/vlt-missing-file", &st);	/* ENOENT: nothing read at exit */
	syscall(SYS_write, -1, "bad-fd", 6);		/* EBADF: read at entry all the same */
	close(fd);
	/* readlink, getcwd, getrandom */
	snprintf(link, sizeof(link), "%s/link", dir);
	symlink(path, link);
	n = syscall(SYS_readlink, link, buf, sizeof(buf));
	hex("readlink", buf, n);
	n = syscall(SYS_getcwd, buf, sizeof(buf));
	hex("getcwd", buf, n);
	n = syscall(SYS_getrandom, buf, 16, 0);
	hex("getrandom", buf, n);
	/* getdents64: three files besides . and .. */
	{
		char names[3][4096];
		long total = 0, count = 0;

		for (int i = 0; i < 2; i++) {
			snprintf(names[i], sizeof(names[i]), "%s/f%d", dir, i);
			close(open(names[i], O_CREAT | O_WRONLY, 0600));
		}
		fd = open(dir, O_RDONLY | O_DIRECTORY);
		n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		for (long off = 0; off < n; off += ((struct dirent64 *)(buf + off))->d_reclen)
			count++;
		total = n;
		num("getdents64_ret", total);
		num("getdents64_count", count);
		close(fd);
	}
}

static void descriptors(void)
{
	int p[2], sv[2];
	struct pollfd pf[2];
	fd_set rd;
	struct timeval tv;

	syscall(SYS_pipe2, p, O_CLOEXEC);
	hex("pipe2", p, sizeof(p));
	syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv);
	hex("socketpair", sv, sizeof(sv));
	/* poll: the read end is readable once a byte is in the pipe */
	syscall(SYS_write, p[1], "x", 1);
	pf[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	hex("poll_in", pf, sizeof(pf));
	syscall(SYS_poll, pf, 2, 1000);
	hex("poll_out", pf, sizeof(pf));
	/* select: the pipe's read end, a timeout the kernel updates */
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	tv = (struct timeval){ .tv_sec = 5, .tv_usec = 0 };
	num("select_nfds", p[0] + 1);
	hex("select_in", &rd, (p[0] + 1 + 7) / 8);
	hex("select_tv_in", &tv, sizeof(tv));
	syscall(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv);
	hex("select_out", &rd, (p[0] + 1 + 7) / 8);
	hex("select_tv_out", &tv, sizeof(tv));
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void sockets(const char *dir)
{
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in got, peer;
	socklen_t len;
	int ls, cs, as, us, ud;
	char buf[64];

	/* AF_UNIX: bind a listener, connect to it */
	snprintf(un.sun_path, sizeof(un.sun_path), "%s/sock", dir);
	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path) + 1;
	syscall(SYS_bind, ls, &un, len);
	hex("bind_un", &un, len);
	listen(ls, 1);
	cs = socket(AF_UNIX, SOCK_STREAM, 0);
	syscall(SYS_connect, cs, &un, len);
	hex("connect_un", &un, len);
	close(cs);
	close(ls);
	/* ENOENT: a path that does not exist */
	cs = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(un.sun_path, sizeof(un.sun_path), "%s/missing", dir);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(un.sun_path) + 1;
	syscall(SYS_connect, cs, &un, len);
	hex("connect_missing", &un, len);
	close(cs);
	/* AF_INET: bind to 127.0.0.1:0, getsockname, connect, accept4 */
	ls = socket(AF_INET, SOCK_STREAM, 0);
	syscall(SYS_bind, ls, &in, sizeof(in));
	hex("bind_in", &in, sizeof(in));
	listen(ls, 1);
	len = sizeof(got);
	hex("getsockname_len_in", &len, sizeof(len));
	syscall(SYS_getsockname, ls, &got, &len);
	hex("getsockname", &got, len);
	hex("getsockname_len", &len, sizeof(len));
	cs = socket(AF_INET, SOCK_STREAM, 0);
	syscall(SYS_connect, cs, &got, sizeof(got));
	hex("connect_in", &got, sizeof(got));
	len = sizeof(peer);
	as = syscall(SYS_accept4, ls, &peer, &len, SOCK_CLOEXEC);
	hex("accept4", &peer, len);
	close(as);
	close(cs);
	close(ls);
	/* UDP: sendto an address, recvfrom with the sender's */
	us = socket(AF_INET, SOCK_DGRAM, 0);
	syscall(SYS_bind, us, &in, sizeof(in));
	len = sizeof(got);
	getsockname(us, (struct sockaddr *)&got, &len);
	ud = socket(AF_INET, SOCK_DGRAM, 0);
	syscall(SYS_sendto, ud, "hello, udp", 10, 0, &got, sizeof(got));
	hex("sendto_addr", &got, sizeof(got));
	len = sizeof(peer);
	syscall(SYS_recvfrom, us, buf, sizeof(buf), 0, &peer, &len);
	hex("recvfrom_addr", &peer, len);
	close(us);
	close(ud);
}

static void processes(void)
{
	struct rusage ru;
	struct rlimit rl, old;
	int status = -1;
	pid_t pid;

	pid = fork();
	if (pid == 0)
		_exit(7);
	syscall(SYS_wait4, pid, &status, 0, &ru);
	hex("wait4_status", &status, sizeof(status));
	hex("wait4_rusage", &ru, sizeof(ru));
	syscall(SYS_getrlimit, RLIMIT_NOFILE, &rl);
	hex("getrlimit", &rl, sizeof(rl));
	syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &old);
	hex("prlimit64_old", &old, sizeof(old));
	syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &old, NULL);
	hex("prlimit64_new", &old, sizeof(old));
	/* execve in a freshly forked child: its argv strings are literals of this program, on
	 * pages the child has not touched yet */
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "true", "first-arg", "0123456789012345678901234567890123456789"
			"0123456789012345678901234567890123456789012345678901234567890123456789"
			"0123456789012345678901234567890123456789012345678901234567890123456789", NULL };
		char *envp[] = { "A=1", "B=2", "C=3", NULL };

		syscall(SYS_execve, "/bin/true", argv, envp);
		_exit(127);
	}
	syscall(SYS_wait4, pid, &status, 0, NULL);
	/* the same after touching the strings (a heap copy) */
	pid = fork();
	if (pid == 0) {
		char *argv[] = { strdup("true"), strdup("heap-arg"), NULL };
		char *envp[] = { strdup("X=1"), NULL };

		syscall(SYS_execve, "/bin/true", argv, envp);
		_exit(127);
	}
	syscall(SYS_wait4, pid, &status, 0, NULL);
}

static void signals(void)
{
	struct ksigaction act = { .handler = SIG_IGN, .flags = 0, .mask = 1UL << (SIGTERM - 1) }, old;
	unsigned long set = 1UL << (SIGUSR2 - 1), prev = 0, mask_at_signal;
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct timespec req = { 0, 1000000 }, rem = { 77, 88 }, now;

	memset(&old, 0x55, sizeof(old));
	syscall(SYS_rt_sigaction, SIGUSR2, &act, &old, 8);
	hex("rt_sigaction_act", &act, sizeof(act));
	hex("rt_sigaction_old", &old, sizeof(old));
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, &prev, 8);
	hex("rt_sigprocmask_set", &set, sizeof(set));
	hex("rt_sigprocmask_old", &prev, sizeof(prev));
	/* a handler: rt_sigreturn restores the mask of the signal frame (SIGUSR2 blocked) */
	sigaction(SIGUSR1, &sa, NULL);
	syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &mask_at_signal, 8);
	syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
	hex("rt_sigreturn_mask", &mask_at_signal, sizeof(mask_at_signal));
	num("got_signal", got_signal);
	/* time */
	syscall(SYS_nanosleep, &req, &rem);
	hex("nanosleep_req", &req, sizeof(req));
	hex("nanosleep_rem", &rem, sizeof(rem));
	syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now);
	hex("clock_gettime", &now, sizeof(now));
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "bytes")) {
		long n = atol(argv[2]);
		int in = open("/dev/zero", O_RDONLY), out = open("/dev/null", O_WRONLY);
		char c = 'x';
		long long t0 = now_ns();

		for (long i = 0; i < n; i++) {
			syscall(SYS_read, in, &c, 1);
			syscall(SYS_write, out, &c, 1);
		}
		printf("%.1f\n", (double)(now_ns() - t0) / n);
		return 0;
	}
	if (argc != 2)
		return 2;
	syscall(SYS_getppid);	/* the marker */
	files(argv[1]);
	descriptors();
	sockets(argv[1]);
	processes();
	signals();
	return 0;
}

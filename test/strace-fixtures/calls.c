/* Common syscalls for the strace comparison test (test/strace-real.test.ts).
 * Run with a scratch directory as the only argument; it works inside it. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; }

int main(int argc, char **argv)
{
	char buf[256];
	int fd, fd2, p[2], s;
	void *m;

	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	umask(022);

	/* open family: flags, modes, errors */
	fd = openat(AT_FDCWD, "data.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "hello\n\tworld \"quoted\" \\ \001\377 and a long tail beyond thirty-two bytes\n", 66);
	close(fd);
	fd = open("data.txt", O_RDONLY | O_CLOEXEC);
	read(fd, buf, sizeof buf);
	pread(fd, buf, 4, 2);
	lseek(fd, 0, SEEK_SET);
	lseek(fd, -3, SEEK_END);
	lseek(fd, 1, SEEK_CUR);
	close(fd);
	fd = open("excl.txt", O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
	close(fd);
	open("excl.txt", O_RDWR | O_CREAT | O_EXCL, 0600);        /* EEXIST */
	open("/nonexistent/file", O_RDONLY);                     /* ENOENT */
	fd = open(".", O_RDONLY | O_DIRECTORY | O_NONBLOCK);
	fd2 = openat(fd, "data.txt", O_WRONLY | O_APPEND | O_SYNC);
	close(fd2);
	fd2 = openat(fd, "data.txt", O_PATH | O_NOATIME);
	close(fd2);
	close(fd);
	syscall(SYS_open, "data.txt", O_RDONLY | 0x4000000);      /* unknown bit */
	close(3);
	syscall(SYS_creat, "creat.txt", 0640);
	close(3);
	close(-1);                                                /* EBADF */

	/* access, stat, links */
	access("data.txt", R_OK | W_OK);
	access("data.txt", F_OK);
	faccessat(AT_FDCWD, "nope", X_OK, 0);
	syscall(SYS_faccessat2, AT_FDCWD, "data.txt", R_OK, AT_SYMLINK_NOFOLLOW | AT_EACCESS);
	struct stat st;
	fstatat(AT_FDCWD, "data.txt", &st, AT_SYMLINK_NOFOLLOW);
	mkdir("sub", 0755);
	symlink("data.txt", "link");
	unlinkat(AT_FDCWD, "link", 0);
	unlinkat(AT_FDCWD, "sub", AT_REMOVEDIR);
	mknod("fifo", S_IFIFO | 0644, 0);
	unlink("fifo");
	rename("creat.txt", "renamed.txt");
	chmod("renamed.txt", 0600);

	/* descriptors */
	fd = open("data.txt", O_RDONLY);
	fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	fcntl(fd, F_GETFD);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 10);
	close(fd2);
	fd2 = dup(fd);
	dup2(fd, 20);
	dup3(fd, 21, O_CLOEXEC);
	close(20);
	close(21);
	close(fd2);
	pipe(p);
	close(p[0]);
	close(p[1]);
	pipe2(p, O_CLOEXEC | O_NONBLOCK);
	close(p[0]);
	close(p[1]);
	ioctl(fd, FIONREAD, &s);
	close(fd);

	/* sockets */
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	close(s);
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	close(s);
	s = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_UDP);
	shutdown(s, SHUT_RDWR);
	close(s);

	/* memory */
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(m, 4096, PROT_READ);
	madvise(m, 8192, MADV_DONTNEED);
	munmap(m, 8192);
	fd = open("data.txt", O_RDONLY);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	munmap(m, 4096);
	close(fd);
	mmap(NULL, 4096, PROT_READ, MAP_SHARED, 99, 0);           /* EBADF */

	/* signals */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	kill(getpid(), 0);
	kill(getpid(), SIGUSR1);
	syscall(SYS_tgkill, getpid(), getpid(), SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* processes */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_GET_DUMPABLE);
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	getuid();
	getppid();
	struct timespec ts = { 0, 1000 };
	clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL);
	struct pollfd pfd = { 0, POLLIN, 0 };
	poll(&pfd, 1, 0);
	pid_t child = fork();
	if (child == 0) {
		getpid();
		open("child.txt", O_WRONLY | O_CREAT, 0600);
		_exit(7);
	}
	int status;
	wait4(child, &status, 0, NULL);
	waitpid(-1, &status, WNOHANG);
	unlink("child.txt");
	unlink("data.txt");
	unlink("excl.txt");
	unlink("renamed.txt");
	return 3;
}

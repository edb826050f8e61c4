/* Descriptors of every kind for the -y comparison (test/strace-real.test.ts): files opened
 * through symlinked directories, pipes, socket pairs, a connected AF_UNIX socket, eventfd,
 * memfd, dup2, an unlinked temporary file, a chdir through a symlink, and the descriptors the
 * program inherits (stdin, stdout, stderr: redirected by the test). Run with a scratch
 * directory as the only argument. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, p[2], sv[2], srv, cli, conn;
	char buf[64];
	struct stat st;

	if (argc < 2 || chdir(argv[1]) < 0)
		return 2;
	/* inherited: stdin, stdout, stderr */
	read(0, buf, sizeof(buf));
	write(1, "out\n", 4);
	write(2, "err\n", 4);
	fstat(1, &st);
	/* through symlinked directories: the system's /lib, and one of our own */
	fd = open("/lib/x86_64-linux-gnu/libc.so.6", O_RDONLY | O_CLOEXEC);
	read(fd, buf, 4);
	close(fd);
	mkdir("real", 0755);
	symlink("real", "link");
	fd = open("link/data.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(fd, "data\n", 5);
	dup2(fd, 7);
	fsync(7);
	close(7);
	close(fd);
	/* pipes and socket pairs */
	pipe2(p, O_CLOEXEC);
	write(p[1], "x", 1);
	read(p[0], buf, 1);
	close(p[0]);
	close(p[1]);
	socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv);
	write(sv[0], "ping", 4);
	read(sv[1], buf, 4);
	close(sv[0]);
	close(sv[1]);
	/* a listening AF_UNIX socket, a client connecting to it, the accepted connection */
	strcpy(addr.sun_path, "sock");
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(srv, (struct sockaddr *)&addr, sizeof(addr));
	listen(srv, 1);
	cli = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(cli, (struct sockaddr *)&addr, sizeof(addr));
	conn = accept(srv, NULL, NULL);
	write(cli, "hello", 5);
	read(conn, buf, 5);
	close(conn);
	close(cli);
	close(srv);
	unlink("sock");
	/* eventfd, memfd */
	fd = eventfd(1, EFD_CLOEXEC);
	read(fd, buf, 8);
	close(fd);
	fd = memfd_create("scratch", MFD_CLOEXEC);
	write(fd, "mem", 3);
	close(fd);
	/* an unlinked temporary file, and one unlinked while open */
	fd = open(".", O_TMPFILE | O_RDWR, 0600);
	write(fd, "tmp", 3);
	close(fd);
	/* the working directory through a symlink */
	chdir("link");
	fd = openat(AT_FDCWD, "data.txt", O_RDONLY);
	fstat(fd, &st);
	close(fd);
	chdir("..");
	unlink("link/data.txt");
	unlink("link");
	rmdir("real");
	/* which of stdin, stdout, stderr are ready */
	struct pollfd pf[3] = { { 0, POLLIN, 0 }, { 1, POLLOUT, 0 }, { 2, POLLOUT, 0 } };
	poll(pf, 3, 0);
	return 0;
}

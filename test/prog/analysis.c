// The program of query/test/recorded.test.ts: a fixed set of file, process and failing calls
// whose answers are known. Argument 1 is a scratch directory (an absolute path): the program
// works in it, so relative paths (resolved by `files` against the tracked working directory)
// name files under it. It is started in that directory too: its first relative path comes
// before any chdir, resolved against the recording's start directory.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  char path[4096], buf[256];
  struct stat st;
  const char *dir = argc > 1 ? argv[1] : "/tmp";

  int fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);  // ok
  if (fd >= 0) {
    fstat(fd, &st);                                 // a struct the kernel fills
    (void)!read(fd, buf, sizeof buf);               // a buffer it fills
    close(fd);
  }
  open("/nonexistent/vltrace-query", O_RDONLY | O_CLOEXEC);  // ENOENT
  open("vltrace-start.txt", O_RDONLY | O_CLOEXEC);  // ENOENT, relative to the directory it started in
  access("/etc/vltrace-query-missing", R_OK);       // ENOENT
  stat("/tmp", &st);                                // ok
  // failing calls with memory read at entry: a struct (sockaddr) and a buffer
  struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/nonexistent/vltrace-query.sock" };
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  connect(s, (struct sockaddr *)&sa, sizeof sa);    // ENOENT
  close(s);
  (void)!write(99, "vltrace\n", 8);                 // EBADF

  snprintf(path, sizeof path, "%s/out.txt", dir);
  if (chdir(dir) != 0) return 1;                    // relative paths from here on: under dir
  pid_t p = fork();
  if (p == 0) {                                     // child 1: writes a file, exits 3
    int f = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);  // relative: the cwd it inherited
    (void)!write(f, "vltrace\n", 8);
    close(f);
    _exit(3);
  }
  int status;
  waitpid(p, &status, 0);
  pid_t q = fork();
  if (q == 0) {                                     // child 2: execs /bin/true
    execl("/bin/true", "true", (char *)0);
    _exit(127);
  }
  waitpid(q, &status, 0);
  int d = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);  // dir, through the cwd
  if (chdir("/") != 0) return 1;
  openat(d, "missing.txt", O_RDONLY | O_CLOEXEC);   // ENOENT, under dir through the directory fd
  if (fchdir(d) != 0) return 1;                     // back in dir through the fd
  access("nothing-here", F_OK);                     // ENOENT, under dir again
  close(d);
  unlink(path);
  unlink(path);                                     // ENOENT the second time
  return 5;
}

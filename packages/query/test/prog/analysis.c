// The program of query/test/recorded.test.ts: a fixed set of file, process and failing calls
// whose answers are known. Argument 1 is a scratch directory.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  char path[4096], buf[256];
  struct stat st;
  const char *dir = argc > 1 ? argv[1] : "/tmp";

  int fd = open("/etc/hostname", O_RDONLY);        // ok
  if (fd >= 0) {
    (void)!read(fd, buf, sizeof buf);
    close(fd);
  }
  open("/nonexistent/vltrace-query", O_RDONLY);     // ENOENT
  access("/etc/vltrace-query-missing", R_OK);       // ENOENT
  stat("/tmp", &st);                                // ok

  snprintf(path, sizeof path, "%s/out.txt", dir);
  pid_t p = fork();
  if (p == 0) {                                     // child 1: writes a file, exits 3
    int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
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
  unlink(path);
  unlink(path);                                     // ENOENT the second time
  return 5;
}

/*
 * The thin client every simulated command is in a lab host (one copy per command name in the
 * lab's sim-bin): it sends its argv, host name, cwd, pid and a few environment variables to the
 * lab's simulator server (main.ts), relays the server's stdout/stderr frames to fd 1/2 and exits
 * with the code the server sends. The socket's name is in .kubeha-sim-socket beside this binary.
 *
 * A session that is gone: poll sees the closed stdout/stderr pipe (POLLERR/POLLHUP) and the
 * client tells the server which descriptor it lost (one byte, 1 or 2); the command dies at its
 * next line to it, the server sends exit 141 (death by SIGPIPE) and the client exits with it. So
 * the command lives, and acts, until that line, as the real process does. A write that fails
 * with EPIPE ends the client with 141 at once. Killed (a host crash), its socket closes and the
 * server makes the command die at its next line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAGIC "kubeha-sim/1"
#define SIGPIPE_EXIT 141

static const char *command = "kubeha-sim";
static const char *forwarded_env[] = {"HOME", "KUBECONFIG", "KUBEHA_DEBUG"};

static void fail(const char *what) {
  fprintf(stderr, "%s: the kubeha lab simulator: %s: %s\n", command, what, strerror(errno));
  exit(127);
}

static char *request;
static size_t request_len, request_cap;

static void put(const char *field) {
  size_t n = strlen(field) + 1;
  if (request_len + n > request_cap) {
    request_cap = (request_len + n) * 2 + 4096;
    request = realloc(request, request_cap);
    if (!request) fail("out of memory");
  }
  memcpy(request + request_len, field, n);
  request_len += n;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {
        struct pollfd q = {fd, POLLOUT, 0};
        poll(&q, 1, -1);
        continue;
      }
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int read_all(int fd, char *p, size_t n) {
  while (n > 0) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    p += r;
    n -= (size_t)r;
  }
  return 0;
}

static uint32_t le32(const unsigned char *b) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static void read_socket_name(char *name, size_t size) {
  char file[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", file, sizeof file - 32);
  if (n < 0) fail("readlink /proc/self/exe");
  file[n] = 0;
  char *slash = strrchr(file, '/');
  strcpy(slash ? slash + 1 : file, ".kubeha-sim-socket");
  FILE *f = fopen(file, "r");
  if (!f) fail(file);
  if (!fgets(name, (int)size, f)) fail(file);
  fclose(f);
  name[strcspn(name, "\n")] = 0;
}

int main(int argc, char **argv) {
  const char *slash = strrchr(argv[0], '/');
  command = slash ? slash + 1 : argv[0];
  signal(SIGPIPE, SIG_IGN);

  char name[108];
  read_socket_name(name, sizeof name - 1);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) fail("socket");
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  size_t name_len = strlen(name);
  memcpy(addr.sun_path + 1, name, name_len);
  // Node binds an abstract name padded with NULs to the whole sun_path; try that, then the exact length.
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0 &&
      connect(s, (struct sockaddr *)&addr, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + name_len)) < 0)
    fail("connect (is the lab up?)");

  char host[256] = "", cwd[PATH_MAX] = "/", number[32];
  gethostname(host, sizeof host - 1);
  if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "/");
  put(MAGIC);
  put(command);
  put(host);
  put(cwd);
  snprintf(number, sizeof number, "%ld", (long)getpid());
  put(number);
  snprintf(number, sizeof number, "%d", argc - 1);
  put(number);
  for (int i = 1; i < argc; i++) put(argv[i]);
  for (size_t i = 0; i < sizeof forwarded_env / sizeof *forwarded_env; i++) {
    const char *value = getenv(forwarded_env[i]);
    if (!value) continue;
    char *kv = malloc(strlen(forwarded_env[i]) + strlen(value) + 2);
    if (!kv) fail("out of memory");
    sprintf(kv, "%s=%s", forwarded_env[i], value);
    put(kv);
    free(kv);
  }
  unsigned char head[5] = {(unsigned char)request_len, (unsigned char)(request_len >> 8), (unsigned char)(request_len >> 16), (unsigned char)(request_len >> 24), 0};
  if (write_all(s, (const char *)head, 4) < 0 || write_all(s, request, request_len) < 0) fail("send");

  struct pollfd fds[3] = {{s, POLLIN, 0}, {1, 0, 0}, {2, 0, 0}};
  for (;;) {
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    for (int i = 1; i < 3; i++) {
      if (fds[i].revents & POLLNVAL) fds[i].fd = -1;
      else if (fds[i].revents & (POLLERR | POLLHUP)) {
        fds[i].fd = -1;
        char lost = (char)i;
        if (write_all(s, &lost, 1) < 0) exit(SIGPIPE_EXIT);
      }
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    if (read_all(s, (char *)head, 5) < 0) {
      errno = ECONNRESET;
      fail("the simulator server went away");
    }
    uint32_t len = le32(head + 1);
    char *payload = malloc(len ? len : 1);
    if (!payload) fail("out of memory");
    if (read_all(s, payload, len) < 0) {
      errno = ECONNRESET;
      fail("the simulator server went away");
    }
    if (head[0] == 3) exit(len >= 4 ? (int)le32((unsigned char *)payload) : 1);
    if (write_all(head[0] == 1 ? 1 : 2, payload, len) < 0 && errno == EPIPE) exit(SIGPIPE_EXIT);
    free(payload);
  }
}

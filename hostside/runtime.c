/* Runtime files of a vnode under /run/vnode:
 *   NAME.pid    the monitor's pid, flock()ed for as long as the monitor lives; a
 *               second boot fails to take the lock ("already running"), and a
 *               file nobody holds is stale and reclaimed;
 *   NAME.state  the init's pid and start time, written before anything else is
 *               made, so that after a SIGKILLed monitor the next command can find
 *               and stop the vnode, and never mistakes a recycled pid for it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "runtime.h"

/* Field 22 of /proc/PID/stat: start time in clock ticks since boot; 0 when the
 * process is gone or a zombie (a vnode's init whose monitor was SIGKILLed is
 * re-parented to the host's init, which may leave it unreaped for a while). */
static unsigned long long start_ticks(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	unsigned long long t = 0;
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

bool pid_alive(pid_t pid)
{
	return pid > 0 && start_ticks(pid) != 0;
}

int runtime_lock(const struct vnode_id *id)
{
	if (mkdir(VNODE_RUN_DIR, 0755) < 0 && errno != EEXIST)
		return -errno;
	int fd = open(id->pidfile, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static pid_t monitor_holding(const struct vnode_id *id)
{
	char buf[32] = "";
	int fd = open(id->pidfile, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	bool held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return held && n > 0 ? (pid_t)atoi(buf) : 0;
}

int runtime_read(const struct vnode_id *id, struct vnode_state *s, char *err, size_t errlen)
{
	char key[32], val[PATH_MAX];
	unsigned long long ticks = 0;
	memset(s, 0, sizeof(*s));
	s->monitor = monitor_holding(id);
	FILE *f = fopen(id->statefile, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		return vnode_err(err, errlen, errno, "%s: %s: %s", id->name, id->statefile,
				 strerror(errno));
	}
	while (fscanf(f, "%31[^=]=%4095s\n", key, val) == 2) {
		if (!strcmp(key, "init"))
			s->init = atoi(val);
		else if (!strcmp(key, "init_ticks"))
			ticks = strtoull(val, NULL, 10);
		else if (!strcmp(key, "started"))
			s->started = atoll(val);
		else if (!strcmp(key, "boots"))
			s->boots = (unsigned)atoi(val);
		else if (!strcmp(key, "uid"))
			s->uid = (unsigned)strtoul(val, NULL, 10);
		else if (!strcmp(key, "phase"))
			snprintf(s->phase, sizeof(s->phase), "%.15s", val);
		else if (!strcmp(key, "cgroup"))
			snprintf(s->cgroup, sizeof(s->cgroup), "%s", val);
	}
	fclose(f);
	if (s->init && (!pid_alive(s->init) || start_ticks(s->init) != ticks))
		s->init = 0;
	return 0;
}

int runtime_write(const struct vnode_id *id, const struct vnode_state *s)
{
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof(tmp), "%s.new", id->statefile);
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "init=%d\ninit_ticks=%llu\nstarted=%lld\nboots=%u\nuid=%u\nphase=%s\n",
		(int)s->init, s->init ? start_ticks(s->init) : 0, s->started, s->boots, s->uid,
		s->phase);
	if (s->cgroup[0])
		fprintf(f, "cgroup=%s\n", s->cgroup);
	if (fclose(f) != 0 || rename(tmp, id->statefile) < 0) {
		int e = errno;
		unlink(tmp);
		return -e;
	}
	return 0;
}

/* Records a new phase (booting, up, halting, ...); a failure is reported, never fatal. */
void runtime_set_phase(const struct vnode_id *id, struct vnode_state *s, const char *phase)
{
	int r;
	snprintf(s->phase, sizeof(s->phase), "%s", phase);
	if ((r = runtime_write(id, s)) < 0)
		errorf("%s: writing %s: %s", id->name, id->statefile, strerror(-r));
}

/* Event-driven: a pidfd becomes readable when the process exits. */
int wait_pid_gone(pid_t pid, int timeout_ms)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)  /* EINVAL: no thread-group leader is left, an exited one (Linux 6.1) */
		return errno == ESRCH || (errno == EINVAL && pid > 0) ? 0 : -errno;
	struct pollfd pfd = { fd, POLLIN, 0 };
	int r;
	while ((r = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	int e = errno;
	close(fd);
	return r > 0 ? 0 : r == 0 ? -ETIMEDOUT : -e;
}

long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void runtime_remove(const struct vnode_id *id)
{
	if (unlink(id->statefile) < 0 && errno != ENOENT)
		errorf("%s: removing %s: %s", id->name, id->statefile, strerror(errno));
	if (unlink(id->console) < 0 && errno != ENOENT)
		errorf("%s: removing %s: %s", id->name, id->console, strerror(errno));
	if (unlink(id->pidfile) < 0 && errno != ENOENT)
		errorf("%s: removing %s: %s", id->name, id->pidfile, strerror(errno));
}

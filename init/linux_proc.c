/* Linux specifics about processes: subreaping, signalling our children when we
 * are not PID 1, and reboot(2). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "state.h"

int become_subreaper(void)
{
	return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

static pid_t parse_pid(const char *s)
{
	long v = 0;
	for (; *s >= '0' && *s <= '9' && v < 1L << 30; s++)
		v = v * 10 + (*s - '0');
	return (pid_t)v;
}

/* The parent pid from /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold
 * spaces and parentheses, so parse after the last ')'. */
static pid_t parent_of(int procfd, const char *pid)
{
	char path[32], buf[512];
	ssize_t n;
	int fd;

	if (strlen(pid) > 12)
		return -1;
	strcpy(path, pid);
	strcat(path, "/stat");
	if ((fd = openat(procfd, path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	if (!p || strlen(p) < 5)
		return -1;
	return parse_pid(p + 4);
}

/* Not PID 1: kill(-1) would reach the whole host, so signal only our children
 * (as a subreaper, orphans of our descendants become our children). Reads /proc
 * with getdents64 into a stack buffer: no allocation. */
static void signal_children(int sig)
{
	char buf[4096];
	pid_t self = getpid();
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (procfd < 0) {
		verr("open /proc: %s: cannot signal children", strerror(errno));
		return;
	}
	while ((n = syscall(SYS_getdents64, procfd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);
			off += d->d_reclen;
			if (d->d_name[0] < '1' || d->d_name[0] > '9')
				continue;
			pid_t pid = parse_pid(d->d_name);
			if (parent_of(procfd, d->d_name) == self && kill(pid, sig) < 0 && errno != ESRCH)
				verr("kill %d: %s", (int)pid, strerror(errno));
		}
	}
	if (n < 0)
		verr("reading /proc: %s", strerror(errno));
	close(procfd);
}

void signal_everyone(bool pid1, int sig)
{
	if (!pid1)
		signal_children(sig);
	else if (kill(-1, sig) < 0 && errno != ESRCH)
		verr("kill(-1, %d): %s", sig, strerror(errno));
}

int reboot_system(int cmd)
{
	return reboot(cmd);
}

/* The initial pid namespace's /proc/self/ns/pid inode (PROC_PID_INIT_INO in the
 * kernel's proc_ns.h). Anywhere else reboot(2) only ends the namespace, whose own
 * filesystems are written back as its mount namespace goes, and sync(2) would
 * flush every filesystem of the host. Unknown (no /proc) counts as the machine. */
bool machine_init(void)
{
	struct stat st;
	return stat("/proc/self/ns/pid", &st) < 0 || st.st_ino == 0xEFFFFFFCu;
}

/* A vnode's cgroup directory at the end of its life, and what it used: for the launcher
 * and vnode-monitor alike. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cgroup.h"
#include "runtime.h"

int cgroup_kill(const char *path)
{
	char file[PATH_MAX + 16];
	snprintf(file, sizeof(file), "%s/cgroup.kill", path);
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int r = write(fd, "1", 1) == 1 ? 0 : -errno;
	close(fd);
	return r;
}

int cgroup_wait_empty(const char *path)
{
	char file[PATH_MAX + 16], buf[256];
	snprintf(file, sizeof(file), "%s/cgroup.events", path);
	int fd = open(file, O_RDONLY | O_CLOEXEC), r = fd < 0 ? -errno : 1;
	while (r > 0) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0) {
			r = -errno;
			break;
		}
		buf[n] = 0;
		if (strstr(buf, "populated 0\n"))
			r = 0;
		else if (poll(&(struct pollfd){ fd, POLLPRI, 0 }, 1, -1) < 0 && errno != EINTR)
			r = -errno;
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* The subtree below dirfd's cgroup (made by a systemd inside, say), deepest first. */
static int remove_below(int dirfd, const char *path, char *err, size_t errlen)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return vnode_err(err, errlen, errno, "%s: %s", path, strerror(errno));
	}
	int r = 0;
	struct dirent *e;
	while (!r && (e = readdir(d)))
		if (e->d_type == DT_DIR && strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			char sub[PATH_MAX];
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			int fd = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			r = fd < 0 ? vnode_err(err, errlen, errno, "%s: %s", sub, strerror(errno))
				   : remove_below(fd, sub, err, errlen);
			if (!r && unlinkat(dirfd, e->d_name, AT_REMOVEDIR) < 0)
				r = vnode_err(err, errlen, errno, "removing cgroup %s: %s", sub, strerror(errno));
		}
	closedir(d);
	return r;
}

int cgroup_remove(const char *path, char *err, size_t errlen)
{
	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;  /* nothing below it: the usual case */
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : vnode_err(err, errlen, errno, "%s: %s", path, strerror(errno));
	int r = remove_below(fd, path, err, errlen);
	if (!r && rmdir(path) < 0 && errno != ENOENT)
		r = vnode_err(err, errlen, errno, "removing cgroup %s: %s%s", path, strerror(errno),
			      errno == EBUSY ? " (processes are still in it)" : "");
	return r;
}

int cgroup_read(const char *dir, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = 0;
	return 0;
}

/* KEY's number in a "key value" file (cpu.stat), or summed over every line that has it
 * (io.stat: "8:0 rbytes=N wbytes=N ..."); -1 without the file. */
static long long stat_of(const char *path, const char *file, const char *key)
{
	char buf[8192];
	if (cgroup_read(path, file, buf, sizeof(buf)) < 0)
		return -1;
	long long sum = 0;
	size_t klen = strlen(key);
	for (char *p = buf; (p = strstr(p, key)); p += klen)
		if ((p == buf || p[-1] == ' ' || p[-1] == '\n') && (p[klen] == ' ' || p[klen] == '='))
			sum += atoll(p + klen + 1);
	return sum;
}

/* A one-number file: memory.current, pids.max ("max": -1 too). */
static long long value_of(const char *path, const char *file)
{
	char buf[64];
	if (cgroup_read(path, file, buf, sizeof(buf)) < 0 || buf[0] < '0' || buf[0] > '9')
		return -1;
	return atoll(buf);
}

void cgroup_usage(const char *path, struct cgroup_usage *u)
{
	u->memory = value_of(path, "memory.current");
	u->memory_peak = value_of(path, "memory.peak");
	u->pids = value_of(path, "pids.current");
	u->pids_max = value_of(path, "pids.max");
	u->cpu_usec = stat_of(path, "cpu.stat", "usage_usec");
	u->io_rbytes = stat_of(path, "io.stat", "rbytes");
	u->io_wbytes = stat_of(path, "io.stat", "wbytes");
}

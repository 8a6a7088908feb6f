/* A vnode's cgroup, made for each boot: MOUNT/vnode/NAME on the host's cgroup v2 mount
 * (vnode(8), CGROUPS). The controllers the host offers are enabled down to vnode/, the
 * limits written, and the directory delegated to the vnode's root as the kernel's
 * cgroup-v2 "Delegation" describes: the directory and its cgroup.procs, cgroup.threads
 * and cgroup.subtree_control are chowned, its limit files are not. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>
#include "cgroup.h"
#include "vnode.h"

static const char *const wanted[] = { "cpu", "io", "memory", "pids" };
#define NWANTED (sizeof(wanted) / sizeof(wanted[0]))

static int write_file(const char *dir, const char *file, const char *val, char *err, size_t errlen)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, val, strlen(val));
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (n == (ssize_t)strlen(val))
		return 0;
	return vnode_err(err, errlen, e, "%s: writing \"%s\": %s", path, val, strerror(e));
}

/* Whether word is one of the blank-separated words of list. */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* Where cgroup v2 is mounted on a host of today (unified) or of a hybrid systemd's. */
static const char *const usual[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };

/* The mount point of the first cgroup2 file system in mountinfo, into h->mount. */
static int find_in_mountinfo(struct cgroup_host *h)
{
	char line[PATH_MAX * 2], root[PATH_MAX], point[PATH_MAX], type[64];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (!h->mount[0] && fgets(line, sizeof(line), f)) {
		char *dash = strstr(line, " - ");
		if (dash && sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) == 2 &&
		    sscanf(dash + 3, "%63s", type) == 1 && !strcmp(type, "cgroup2") && !strcmp(root, "/"))
			snprintf(h->mount, sizeof(h->mount), "%s", point);
	}
	fclose(f);
	return h->mount[0] ? 0 : -ENOENT;
}

/* Whether dir was delegated by systemd (to a unit with Delegate=yes, as vnode@.service). */
static bool is_delegated(const char *dir)
{
	static const char *const names[] = { "trusted.delegate", "user.delegate" };
	char val[8];
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (getxattr(dir, names[i], val, sizeof(val)) > 0 && val[0] == '1')
			return true;
	return false;
}

/* The vnodes of a process in a delegated cgroup (a service's) go below that cgroup, else
 * in MOUNT/vnode. A monitor in DELEGATED/_monitors is in that service's too. */
static void find_base(struct cgroup_host *h)
{
	char line[PATH_MAX], dir[PATH_MAX * 2];
	snprintf(h->base, sizeof(h->base), "%s/vnode", h->mount);
	if (cgroup_read("/proc/self", "cgroup", line, sizeof(line)) < 0)
		return;
	char *p = strstr(line, "0::");
	if (!p || (p != line && p[-1] != '\n'))
		return;
	p[3 + strcspn(p + 3, "\n")] = 0;
	snprintf(dir, sizeof(dir), "%s%s", h->mount, p + 3);
	char *last = strrchr(dir, '/');
	if (last && !strcmp(last + 1, CGROUP_MONITORS))
		*last = 0;
	if (strcmp(p + 3, "/") && is_delegated(dir)) {
		snprintf(h->base, sizeof(h->base), "%.*s", (int)sizeof(h->base) - 1, dir);
		h->delegated = true;
	}
}

int cgroup_find(struct cgroup_host *h)
{
	struct statfs fs;
	memset(h, 0, sizeof(*h));
	for (unsigned i = 0; !h->mount[0] && i < sizeof(usual) / sizeof(usual[0]); i++)
		if (statfs(usual[i], &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC)
			snprintf(h->mount, sizeof(h->mount), "%s", usual[i]);
	int r = h->mount[0] ? 0 : find_in_mountinfo(h);
	if (r < 0)
		return r;
	find_base(h);
	/* what the vnodes may have: all the host has, or what systemd gave the service */
	return cgroup_read(h->delegated ? h->base : h->mount, "cgroup.controllers", h->controllers,
			   sizeof(h->controllers));
}

bool cgroup_has(const struct cgroup_host *h, const char *controller)
{
	return has_word(h->controllers, controller);
}

/* The wanted controllers the host has, on for dir's children. */
static int enable_below(const struct cgroup_host *h, const char *dir, char *err, size_t errlen)
{
	char on[256], add[64];
	int r = cgroup_read(dir, "cgroup.subtree_control", on, sizeof(on));
	for (unsigned i = 0; !r && i < NWANTED; i++)
		if (cgroup_has(h, wanted[i]) && !has_word(on, wanted[i])) {
			snprintf(add, sizeof(add), "+%s", wanted[i]);
			r = write_file(dir, "cgroup.subtree_control", add, err, errlen);
		}
	return r < 0 && !err[0] ? vnode_err(err, errlen, -r, "%s/cgroup.subtree_control: %s", dir,
					    strerror(-r)) : r;
}

/* A directory left by a vnode whose monitor was SIGKILLed goes first; one with processes
 * in it is some vnode's still. */
static int make_dir(const char *path, char *err, size_t errlen)
{
	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno != EEXIST)
		return vnode_err(err, errlen, errno, "mkdir %s: %s", path, strerror(errno));
	int r = cgroup_remove(path, err, errlen);
	if (r == 0 && mkdir(path, 0755) < 0)
		r = vnode_err(err, errlen, errno, "mkdir %s: %s", path, strerror(errno));
	return r;
}

static int write_limits(const struct cgroup_host *h, const char *path, const struct vnode_limits *l,
			char *err, size_t errlen)
{
	char val[64];
	int r = 0;
	for (unsigned i = 0; !r && i < LIM_N; i++)
		if (limit_format(l, i, val, sizeof(val)) == 0)
			r = write_file(path, limit_keys[i].file, val, err, errlen);
	/* MEMORY_MAX is all the memory it has: no swap beyond it */
	if (!r && l->v[LIM_MEMORY_MAX] && cgroup_has(h, "memory"))
		r = write_file(path, "memory.swap.max", "0", err, errlen);
	return r;
}

static int delegate(const char *path, unsigned uid, unsigned gid, char *err, size_t errlen)
{
	static const char *const files[] = { "", "/cgroup.procs", "/cgroup.threads",
					     "/cgroup.subtree_control" };
	char file[PATH_MAX + 32];
	for (unsigned i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(file, sizeof(file), "%s%s", path, files[i]);
		if (chown(file, uid, gid) < 0)
			return vnode_err(err, errlen, errno, "chown %s: %s", file, strerror(errno));
	}
	return 0;
}

int cgroup_monitors(bool *delegated)
{
	struct cgroup_host h;
	char path[PATH_MAX + 32];
	*delegated = false;
	if (cgroup_find(&h) < 0 || (mkdir(h.base, 0755) < 0 && errno != EEXIST))
		return -1;
	snprintf(path, sizeof(path), "%s/" CGROUP_MONITORS, h.base);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -1;
	*delegated = h.delegated;
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int cgroup_move_self(int dirfd)
{
	int fd = openat(dirfd, "cgroup.procs", O_WRONLY | O_CLOEXEC);
	int r = fd >= 0 && write(fd, "0", 1) == 1 ? 0 : -errno;
	if (fd >= 0)
		close(fd);
	return r;
}

int cgroup_make(const struct cgroup_host *h, const char *name, const struct vnode_limits *l,
		const struct vnode_ids *ids, char *path, size_t pathlen, char *err, size_t errlen)
{
	struct vnode_limits eff = *l;
	char pid_max[32];
	int r;
	err[0] = 0;
	if (!eff.v[LIM_PIDS_MAX] && cgroup_has(h, "pids") &&
	    cgroup_read("/proc/sys/kernel", "pid_max", pid_max, sizeof(pid_max)) == 0)
		eff.v[LIM_PIDS_MAX] = pids_default(strtoull(pid_max, NULL, 10));
	snprintf(path, pathlen, "%s/%s", h->base, name);
	if ((mkdir(h->base, 0755) < 0 && errno != EEXIST))
		return vnode_err(err, errlen, errno, "mkdir %s: %s", h->base, strerror(errno));
	/* what is above a delegated cgroup is systemd's: it enabled what the unit may use */
	if ((!h->delegated && (r = enable_below(h, h->mount, err, errlen)) < 0) ||
	    (r = enable_below(h, h->base, err, errlen)) < 0 || (r = make_dir(path, err, errlen)) < 0)
		return r;
	if ((r = write_limits(h, path, &eff, err, errlen)) < 0 ||
	    (ids->uid && (r = delegate(path, ids->uid, ids->gid, err, errlen)) < 0)) {
		char why[300];
		if (cgroup_remove(path, why, sizeof(why)) < 0)
			errorf("%s: %s", name, why);
		return r;
	}
	return 0;
}

int cgroup_join_init(pid_t init, const char *vnode_cg, char *err, size_t errlen)
{
	struct cgroup_host h;
	char proc[32], line[PATH_MAX], path[PATH_MAX * 2];
	snprintf(proc, sizeof(proc), "/proc/%d", (int)init);
	int r = cgroup_read(proc, "cgroup", line, sizeof(line));
	if (r < 0)
		return vnode_err(err, errlen, -r, "%s/cgroup: %s", proc, strerror(-r));
	char *p = strstr(line, "0::");
	size_t n = strlen(vnode_cg);
	if (p && (p == line || p[-1] == '\n') && cgroup_find(&h) == 0) {
		p[3 + strcspn(p + 3, "\n")] = 0;
		snprintf(path, sizeof(path), "%s%s", h.mount, p + 3);
	}
	/* where it is, if that is the vnode's cgroup or below (and not "/.." of another) */
	if (!p || strncmp(path, vnode_cg, n) || (path[n] && path[n] != '/') || strstr(path, "/.."))
		snprintf(path, sizeof(path), "%s", vnode_cg);
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return fd >= 0 ? fd : vnode_err(err, errlen, errno, "%s: %s", path, strerror(errno));
}

pid_t cgroup_clone(unsigned long long flags, int *pidfd, int exit_signal, int cgfd)
{
	struct clone_args a = { .flags = flags, .pidfd = (uintptr_t)pidfd,
				.exit_signal = (unsigned)exit_signal, .cgroup = (unsigned)cgfd };
	return (pid_t)syscall(SYS_clone3, &a, sizeof(a));
}

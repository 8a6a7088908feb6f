/* A vnode's cgroup (cgroup v2): its limits, from the config (limits.c, pure), and the
 * directory itself: made for each boot by the launcher (cgmake.c), killed and removed by
 * whoever sees the vnode end (cgroup.c, in vnode-monitor too). Where it lives is in
 * vnode(8), CGROUPS. */
#ifndef VNODE_CGROUP_H
#define VNODE_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "runtime.h"

/* The limit keys, in the order of limit_keys[] (limits.c). */
enum limit { LIM_MEMORY_MAX, LIM_MEMORY_HIGH, LIM_PIDS_MAX, LIM_CPU_MAX, LIM_CPU_WEIGHT,
	     LIM_IO_WEIGHT, LIM_N };
#define LIMIT_UNSET 0ULL
#define LIMIT_NONE (~0ULL)  /* PIDS_MAX=max: none, not even the default */

/* Bytes, a count, a CPU quota in microseconds per CPU_PERIOD_US, or a weight. */
struct vnode_limits {
	unsigned long long v[LIM_N];
};
#define CPU_PERIOD_US 100000ULL

struct limit_key {
	const char *key;         /* in the config */
	const char *controller;  /* that applies it */
	const char *file;        /* the cgroup file it is written to */
};
extern const struct limit_key limit_keys[LIM_N];

/* One value of key i into l; ncpu bounds CPU_MAX. 0, or -EINVAL with why filled (what the
 * value must be; the caller names the file and line). */
int limit_parse(enum limit i, const char *val, unsigned ncpu, struct vnode_limits *l,
		char *why, size_t len);
/* Checks the limits against each other (MEMORY_HIGH above MEMORY_MAX): the key at fault,
 * or LIM_N when they agree. */
enum limit limits_conflict(const struct vnode_limits *l);
/* What limit i's cgroup file gets: 0 with buf filled, or -1 when i is unset. */
int limit_format(const struct vnode_limits *l, enum limit i, char *buf, size_t len);
/* Whether the config set any limit. */
bool limits_set(const struct vnode_limits *l);
/* PIDS_MAX when the config sets none: 16384 (what systemd-machined gives a container),
 * at most an eighth of pid_max. */
unsigned long long pids_default(unsigned long long pid_max);
/* The size of the vnode's /dev/shm and /run: half its memory (as tmpfs takes half of
 * RAM), or 0 (tmpfs's own default) when its memory is not limited. */
unsigned long long limits_tmpfs_size(const struct vnode_limits *l);

/* cgmake.c, the launcher's: where cgroup v2 is (-ENOENT: nowhere), whether it offers a
 * controller, and the vnode's directory, made: 0 with path filled, or -errno with err. */
struct cgroup_host {
	char mount[PATH_MAX];        /* the cgroup2 mount */
	char base[PATH_MAX + 8];     /* where the vnodes' cgroups go: MOUNT/vnode, or ... */
	bool delegated;              /* ... the delegated cgroup of the service we run in */
	char controllers[256];       /* the host's: MOUNT/cgroup.controllers */
};
int cgroup_find(struct cgroup_host *h);
bool cgroup_has(const struct cgroup_host *h, const char *controller);
int cgroup_make(const struct cgroup_host *h, const char *name, const struct vnode_limits *l,
		const struct vnode_ids *ids, char *path, size_t pathlen, char *err, size_t errlen);
/* The monitors' cgroup, BASE/_monitors (no vnode's name: '_' is not in one), O_PATH:
 * `vnode boot` starts each monitor there, out of the cgroup of whoever ran it. -1: none.
 * *delegated: BASE is a service's delegated cgroup, where no process may stay (the
 * controllers of its vnodes could not be enabled): the caller moves there first. */
#define CGROUP_MONITORS "_monitors"
int cgroup_monitors(bool *delegated);
/* This process into dirfd's cgroup (the one migration vnode makes: of itself). 0 or -errno. */
int cgroup_move_self(int dirfd);
/* Where `vnode exec` starts a command, O_PATH: the cgroup the init is in now (a systemd
 * inside moves it below, and then its own may have no process), if that is vnode_cg or
 * below it, else vnode_cg. -errno with err filled. */
int cgroup_join_init(pid_t init, const char *vnode_cg, char *err, size_t errlen);
/* clone3 with flags (CLONE_INTO_CGROUP: into cgfd's cgroup), like fork otherwise. */
pid_t cgroup_clone(unsigned long long flags, int *pidfd, int exit_signal, int cgfd);
/* vfork3.c: the same as vfork, the child running fn(arg) and exiting with its value. */
pid_t cgroup_vfork(unsigned long long flags, int cgfd, int (*fn)(void *), void *arg);

/* cgroup.c, shared with vnode-monitor. path: the vnode's cgroup directory.
 * cgroup_kill: SIGKILL to every process in it at once (cgroup.kill). */
int cgroup_kill(const char *path);
/* Waits until no process is left in path's cgroup (cgroup.events says populated 0; the
 * kernel wakes a poll of it on each change): 0, or -errno. */
int cgroup_wait_empty(const char *path);
/* Removes it and whatever the vnode made below it, deepest first; gone already is success.
 * 0 or -errno with err filled. */
int cgroup_remove(const char *path, char *err, size_t errlen);

/* DIR/FILE's text into buf (at most len - 1 bytes, NUL-terminated): 0 or -errno. */
int cgroup_read(const char *dir, const char *file, char *buf, size_t len);

/* What a vnode uses, read from its cgroup's own files; -1 where a file is missing (its
 * controller is not enabled). */
struct cgroup_usage {
	long long memory, memory_peak, pids, pids_max, cpu_usec, io_rbytes, io_wbytes;
};
void cgroup_usage(const char *path, struct cgroup_usage *u);

#endif

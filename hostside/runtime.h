/* What the vnode launcher and vnode-monitor (hostside/monitor/) share: a vnode's
 * name and files, its runtime state, the end of its life, and the error helpers.
 * Nothing here needs libblkid, libmnl or libcap.
 *
 * The error convention, as in mount/ and netns/: a function returns 0 or -errno and
 * fills err with one line naming the object; only a command's edge prints it. Steps
 * that cannot fail the operation (a hook, a phase record, the teardown at the end)
 * report their own failure and go on. */
#ifndef VNODE_RUNTIME_H
#define VNODE_RUNTIME_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "shared.h"

/* Exit statuses: the contract with scripts and testbeds. */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

#define VNODE_HOME_DEFAULT "/opt/sub"
#define VNODE_RUN_DIR "/run/vnode"
#define VNODE_LOG_DIR "/var/log/vnode"

/* error.c */
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void notef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Fills err and returns -e (e a positive errno), as vm_fail and vn_err do. */
int vnode_err(char *err, size_t errlen, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A command's edge: prints err once and returns status. */
int exit_with(int status, const char *err);

/* paths.c: the files a name gives. */
struct vnode_id {
	char name[VNODE_NAME_MAX + 1];
	char dir[PATH_MAX];        /* $VNODE_HOME/NAME */
	char pidfile[PATH_MAX];    /* /run/vnode/NAME.pid: the monitor's, locked while it runs */
	char statefile[PATH_MAX];  /* /run/vnode/NAME.state: what was made, for a later reclaim */
	char logfile[PATH_MAX];    /* /var/log/vnode/NAME.log: the console */
	char console[PATH_MAX];    /* /run/vnode/NAME.console: the socket to attach to it */
};
extern const char *vnode_home;
int vnode_id_set(struct vnode_id *id, const char *name, char *err, size_t errlen);
/* The names of the vnodes under VNODE_HOME (directories holding a config), sorted. */
int vnode_list(char names[][VNODE_NAME_MAX + 1], int max, char *err, size_t errlen);

/* runtime.c: what a running vnode is, from its runtime files. */
struct vnode_state {
	pid_t monitor;      /* 0 when no monitor holds the lock */
	pid_t init;         /* 0 when no init runs */
	long long started;  /* CLOCK_REALTIME seconds */
	unsigned boots;
	unsigned uid;       /* what root inside is on the host; 0 privileged */
	char phase[16];     /* booting, up, halting, ... */
	char cgroup[PATH_MAX];  /* its cgroup directory (cgroup.h), or "" */
};
/* On failure s is the empty state: "not running" is the safe reading. */
int runtime_read(const struct vnode_id *id, struct vnode_state *s, char *err, size_t errlen);
int runtime_write(const struct vnode_id *id, const struct vnode_state *s);
int runtime_lock(const struct vnode_id *id);   /* fd, -EWOULDBLOCK when held, -errno */
void runtime_set_phase(const struct vnode_id *id, struct vnode_state *s, const char *phase);
void runtime_remove(const struct vnode_id *id);
long long mono_ms(void);  /* CLOCK_MONOTONIC, ms */
bool pid_alive(pid_t pid);
/* 0 once pid is gone, -ETIMEDOUT after timeout_ms (< 0: never), -errno. */
int wait_pid_gone(pid_t pid, int timeout_ms);

/* idmap.c: the uid and gid range of an unprivileged vnode (root inside is uid on the
 * host; VNODE_IDS ids from there). */
#define VNODE_IDS 65536u
#define VNODE_IDS_USER "vnode"  /* whose /etc/subuid and /etc/subgid entries are the pool */
struct id_pool { unsigned start, count; };
struct vnode_ids { unsigned uid, gid; };
/* The vnode user's range in file (/etc/subuid or /etc/subgid), or the default pool. */
int ids_pool(const char *file, struct id_pool *p, char *err, size_t errlen);
int ids_take(const char *name, struct vnode_ids *ids, char *err, size_t errlen);
void ids_free(const char *name);  /* none held: nothing to do */

/* notify.c: KEY=VALUE lines to the service manager (sd_notify(3)'s protocol), if any. */
void notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* hook.c: HOOK NAME EVENT, waited for at most timeout seconds (0: no bound), then its
 * process group SIGKILLed, as it is when its caller dies; hook or path NULL: none. */
struct hook {
	const char *path;  /* HOOK */
	unsigned timeout;  /* HOOK_TIMEOUT */
};
#define HOOK_TIMEOUT_DEFAULT 30
void hook_run(const struct hook *hook, const char *name, const char *event);

/* end.c: the end of a vnode's life, whoever sees it. vnode_gone: its last process is
 * gone, so its /run/netns name and its cgroup go (NULL or "": none). vnode_end: that, then
 * the runtime files, then the hook's event (NULL: none). */
void vnode_gone(const char *name, const char *netns, const char *cgroup);
void vnode_end(const struct vnode_id *id, const char *netns, const char *cgroup,
	       const struct hook *hook, const char *event);

#endif

/* A monitor's state as it crosses an exec, in both directions:
 *   vnode (glibc, the builder)  -> vnode-monitor (static musl)  once the vnode is up;
 *   vnode-monitor               -> vnode __resume               to reboot it, or after a kill.
 * The builder needs libblkid, libmnl and libcap; the monitor, which lives as long as the
 * vnode, needs none of them and stays a few dozen KiB. The state travels as --key=value
 * arguments, so `ps` shows what a monitor watches. Built into both programs. */
#ifndef HANDOFF_H
#define HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "runtime.h"

#define HANDOFF_MAX_FDS 16

struct handoff {
	const char *name, *home;
	const char *exe;        /* the vnode launcher, for __resume */
	struct hook hook;       /* HOOK (path NULL: none) and HOOK_TIMEOUT */
	const char *netns;      /* the /run/netns name, or NULL with NETWORK=host */
	const char *verb;       /* __resume only: "reboot" or "kill" */
	const char *cgroup;     /* the vnode's cgroup directory (cgroup.h), or NULL */
	int lock_fd;            /* NAME.pid, flock()ed */
	int pidfd;              /* the init's, monitor only */
	/* The console (console.h): the pty's master and slave (the init's 0, 1 and 2; held
	 * so that the master never sees a hangup between boots), the socket operators
	 * attach through, and the attached one's connection or -1. */
	int con, con_slave, con_listen, con_client;
	int log_fd;             /* NAME.log */
	long long log_max;      /* LOG_MAX: the log rotates to NAME.log.1 past it */
	/* The loop devices of DISKS beyond the root. The monitor holds them open until the
	 * init is reaped, when no process of the vnode is left to reach them (see child.c). */
	int disk_fd[HANDOFF_MAX_FDS];
	unsigned ndisk_fd;
	pid_t init;
	unsigned boots, stop_timeout;
	unsigned uid, gid;      /* unprivileged: what root inside is on the host; 0 privileged */
	long long started;      /* CLOCK_REALTIME seconds of the last boot */
	long long up_ms;        /* CLOCK_MONOTONIC ms when it last came up */
	int delay_ms;           /* the last reboot back-off, 0 if none */
};

void handoff_init(struct handoff *h);
/* Parses --key=value arguments; 0, or -1 with the bad argument named in err. */
int handoff_parse(int argc, char *const argv[], struct handoff *h, char *err, size_t errlen);
/* Closes the disk fds (the vnode is gone). */
void handoff_release_disks(struct handoff *h);
/* Marks the handed-over fds close-on-exec again, so that no child (the vnode's init,
 * a hook) inherits them. -1 with errno on failure. */
int handoff_take(const struct handoff *h);
/* Execs PATH with ARG0 [CMD] and the --key=value arguments, the handed-over fds kept open
 * across the exec. Returns only on failure, with errno set. */
int handoff_exec(const struct handoff *h, const char *path, const char *arg0, const char *cmd);

#endif

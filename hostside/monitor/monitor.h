/* vnode-monitor: the second half of a vnode's monitor (see hostside/monitor.c for the
 * first). A small static program, exec'ed in the monitor's process once the vnode is
 * up, that watches it for the rest of its life. */
#ifndef MONITOR_H
#define MONITOR_H

#include <stdbool.h>
#include "../handoff.h"
#include "../vnode.h"

struct watcher {
	struct handoff h;
	struct vnode v;            /* name, paths, hook, netns name: what the end needs */
	struct vnode_state st;
	int sfd;                   /* signalfd of the monitor's blocked signals */
	bool halting, killing, rebooting;  /* what was asked from outside */
	long long deadline;        /* CLOCK_MONOTONIC ms of the SIGKILL after a halt, or -1 */
	unsigned lost_log, lost_terminal;  /* boot -f: console reads not fully copied */
};

/* watch.c: sleeps until the init ends, then cleans up, or execs `vnode __resume` for a
 * reboot or after a kill. Returns the monitor's exit status. */
int watch_vnode(struct watcher *w);

#endif

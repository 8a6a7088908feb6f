/* vnode-monitor: takes over a booted vnode from `vnode boot` (see handoff.h). Not
 * meant to be run by hand: its arguments name fds the booting half left open. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "monitor.h"
#include "shared.h"

/* The booting half blocked every signal but the faults; they stay blocked across the
 * exec, so one sent meanwhile is still pending and is read here. */
static int open_signals(void)
{
	sigset_t set;
	sigfillset(&set);
	sigset_del_faults(&set);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Cannot watch it: stop the vnode rather than orphan it; the next vnode command
 * reclaims the runtime files. */
static int give_up(struct watcher *w, const char *why)
{
	errorf("vnode-monitor: %s: %s", w->h.name ? w->h.name : "?", why);
	if (w->h.pidfd >= 0 && syscall(SYS_pidfd_send_signal, w->h.pidfd, SIGKILL, NULL, 0) < 0)
		errorf("vnode-monitor: SIGKILL to init %d: %s", (int)w->h.init, strerror(errno));
	return EXIT_FAILED;
}

int main(int argc, char **argv)
{
	static struct watcher w;  /* static: zeroed, and off the small stack */
	char err[300];

	handoff_init(&w.h);
	if (handoff_parse(argc - 1, argv + 1, &w.h, err, sizeof(err)) < 0) {
		errorf("vnode-monitor: %s (it is started by vnode boot, not by hand)", err);
		return w.h.pidfd >= 0 ? give_up(&w, "bad arguments") : EXIT_USAGE;
	}
	if (w.h.pidfd < 0 || w.h.init <= 0) {
		errorf("vnode-monitor: no --pidfd or --init (it is started by vnode boot, not by hand)");
		return EXIT_USAGE;
	}
	vnode_home = w.h.home;
	if (vnode_id_set(&w.id, w.h.name, err, sizeof(err)) < 0)
		return give_up(&w, err);
	/* An ignored SIGCHLD would survive the exec and have the kernel reap the init. */
	if (handoff_take(&w.h) < 0 || signal(SIGCHLD, SIG_DFL) == SIG_ERR)
		return give_up(&w, strerror(errno));
	w.st = (struct vnode_state){ .init = w.h.init, .started = w.h.started, .boots = w.h.boots,
				     .uid = w.h.uid };
	snprintf(w.st.phase, sizeof(w.st.phase), "up");
	w.state = WATCH_UP;
	struct stat ls;
	w.log_size = w.h.log_fd >= 0 && fstat(w.h.log_fd, &ls) == 0 ? ls.st_size : 0;
	w.deadline = -1;
	if ((w.sfd = open_signals()) < 0)
		return give_up(&w, strerror(errno));
	return watch_vnode(&w);
}

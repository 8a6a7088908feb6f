/* vnode halt, kill and reboot: a running vnode through its monitor's signals, an
 * orphaned one (its monitor SIGKILLed) directly. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "vnode.h"

/* What a dead vnode leaves for whoever finds it: the netns name, the runtime files. */
static void reclaim(struct vnode *v)
{
	char err[512];
	if (v->net.mode != VN_HOST && vn_teardown(&v->net, err, sizeof(err)) < 0)
		errorf("%s", err);
	runtime_remove(v);
}

static void stop_orphan(struct vnode *v, pid_t init, int how)
{
	int r = 0;
	if (kill(init, how == 'k' ? SIGKILL : SIGTERM) < 0 && errno != ESRCH)
		r = -errno;
	else if (how != 'k' && wait_pid_gone(init, (int)v->stop_timeout * 1000) == -ETIMEDOUT &&
		 kill(init, SIGKILL) < 0 && errno != ESRCH)
		r = -errno;
	if (!r)
		r = wait_pid_gone(init, -1);
	if (r < 0)
		errorf("%s: stopping init %d (its monitor is gone): %s", v->name, (int)init, strerror(-r));
	reclaim(v);
}

/* After a reboot request: waits until the monitor reports the next boot up, or ends.
 * Event-driven: inotify sees each rename onto NAME.state, a pidfd the monitor's end.
 * Both are set up before the request is sent, so no change is missed. */
struct reboot_watch { int ino, pidfd; };

static int reboot_watch_open(struct reboot_watch *w, pid_t monitor)
{
	w->pidfd = (int)syscall(SYS_pidfd_open, monitor, 0);
	w->ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->pidfd >= 0 && w->ino >= 0 && inotify_add_watch(w->ino, VNODE_RUN_DIR, IN_MOVED_TO) >= 0)
		return 0;
	int e = errno;
	close(w->pidfd), close(w->ino);
	return -e;
}

static int reboot_wait(struct reboot_watch *w, const struct vnode *v, unsigned boots)
{
	struct vnode_state st;
	char buf[4096];
	for (;;) {
		runtime_read(v, &st);
		if (st.boots > boots && st.init && !strcmp(st.phase, "up"))
			break;
		struct pollfd pfd[2] = { { w->ino, POLLIN, 0 }, { w->pidfd, POLLIN, 0 } };
		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			errorf("%s: poll: %s", v->name, strerror(errno));
			st.init = 0;
			break;
		}
		if (pfd[1].revents) {
			st.init = 0;
			break;
		}
		while (read(w->ino, buf, sizeof(buf)) > 0)
			;
	}
	close(w->pidfd), close(w->ino);
	if (st.init)
		return EXIT_OK;
	errorf("%s: did not come back up (see %s)", v->name, v->logfile);
	return EXIT_FAILED;
}

static int reboot_running(struct vnode *v, const struct vnode_state *st)
{
	struct reboot_watch w;
	int r = reboot_watch_open(&w, st->monitor);
	if (r < 0) {
		errorf("%s: watching %s: %s", v->name, VNODE_RUN_DIR, strerror(-r));
		return EXIT_FAILED;
	}
	if (kill(st->monitor, SIGUSR2) < 0) {
		errorf("%s: signalling monitor %d: %s", v->name, (int)st->monitor, strerror(errno));
		close(w.pidfd), close(w.ino);
		return EXIT_FAILED;
	}
	if ((r = reboot_wait(&w, v, st->boots)) == EXIT_OK)
		notef("%s: rebooted", v->name);
	return r;
}

/* A running monitor does the stop itself, so a vnode whose config has since been
 * broken or removed can still be halted, killed or rebooted. */
static int stop_monitored(struct vnode *v, const struct vnode_state *st, int how)
{
	static const int monitor_sig[] = { ['h'] = SIGTERM, ['k'] = SIGUSR1 };
	if (how == 'r')
		return reboot_running(v, st);
	if (kill(st->monitor, monitor_sig[how]) < 0) {
		errorf("%s: signalling monitor %d: %s", v->name, (int)st->monitor, strerror(errno));
		return EXIT_FAILED;
	}
	wait_pid_gone(st->monitor, -1);
	/* The monitor removes the writable state as the config says; without a readable
	 * config (vnode_load has said why) it could only stop the vnode. */
	if (how == 'k' && vnode_load(v, v->name)) {
		errorf("%s: stopped, but its writable state was kept", v->name);
		return EXIT_FAILED;
	}
	notef("%s: %s", v->name, how == 'k' ? "killed" : "halted");
	return EXIT_OK;
}

/* No monitor: an orphaned init (its monitor was SIGKILLed), or nothing running. */
static int stop_unmonitored(struct vnode *v, const struct vnode_state *st, int how)
{
	char err[512];
	if (st->init) {
		stop_orphan(v, st->init, how);
		if (how == 'r')
			return cmd_boot(v->name, false);
	} else if (how == 'r') {
		errorf("%s: not running", v->name);
		return EXIT_FAILED;
	} else {
		reclaim(v);  /* its monitor and init were SIGKILLed, say */
	}
	if (how == 'k' && vm_remove_state(&v->vm, err, sizeof(err)) < 0) {
		errorf("%s: %s", v->name, err);
		return EXIT_FAILED;
	}
	notef("%s: %s", v->name, !st->init ? "not running" : how == 'k' ? "killed" : "halted");
	return EXIT_OK;
}

int cmd_stop(const char *name, int how)
{
	struct vnode v = { 0 };
	struct vnode_state st;
	int r;

	if ((r = need_root()) || (r = vnode_paths(&v, name)))
		return r;
	runtime_read(&v, &st);
	if (st.monitor)
		r = stop_monitored(&v, &st, how);
	else if (!(r = vnode_load(&v, name)))
		r = stop_unmonitored(&v, &st, how);
	vnode_free(&v);
	return r;
}

/* vnode halt, kill and reboot: a running vnode through its monitor's signals (verb.c),
 * an orphaned one (its monitor SIGKILLed) directly. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "vnode.h"

/* Everything in the vnode at once: its cgroup's processes, or without one its init
 * (the kernel ends the rest of its pid namespace with it). */
static int kill_all(pid_t init, const char *cgroup)
{
	if (*cgroup && cgroup_kill(cgroup) == 0)
		return 0;
	return kill(init, SIGKILL) < 0 && errno != ESRCH ? -errno : 0;
}

/* An init whose monitor is gone: TERM (vinit powers off), KILL after STOP_TIMEOUT. */
static int stop_orphan(struct vnode *v, const struct vnode_state *st, enum verb how, char *err,
		       size_t errlen)
{
	pid_t init = st->init;
	int r = 0;
	if (how == VERB_KILL)
		r = kill_all(init, st->cgroup);
	else if (kill(init, SIGTERM) < 0 && errno != ESRCH)
		r = -errno;
	else if (wait_pid_gone(init, (int)v->stop_timeout * 1000) == -ETIMEDOUT)
		r = kill_all(init, st->cgroup);
	if (!r)
		r = wait_pid_gone(init, -1);
	vnode_end(&v->id, vnode_netns(v), st->cgroup, &v->hook, "down");
	if (r < 0)
		return vnode_err(err, errlen, -r, "%s: stopping init %d (its monitor is gone): %s",
				 v->id.name, (int)init, strerror(-r));
	return 0;
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

/* True once the boot after `boots` is up; false when the monitor ended first. */
static bool reboot_wait(struct reboot_watch *w, const struct vnode *v, unsigned boots)
{
	struct vnode_state st;
	char buf[4096];
	bool up = false;
	for (;;) {
		if (runtime_read(&v->id, &st, buf, sizeof(buf)) == 0 && st.boots > boots && st.init &&
		    !strcmp(st.phase, "up")) {
			up = true;
			break;
		}
		struct pollfd pfd[2] = { { w->ino, POLLIN, 0 }, { w->pidfd, POLLIN, 0 } };
		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			errorf("%s: poll: %s", v->id.name, strerror(errno));
			break;
		}
		if (pfd[1].revents)
			break;
		while (read(w->ino, buf, sizeof(buf)) > 0)
			;
	}
	close(w->pidfd), close(w->ino);
	return up;
}

static int reboot_running(struct vnode *v, const struct vnode_state *st, char *err, size_t errlen)
{
	struct reboot_watch w;
	int r = reboot_watch_open(&w, st->monitor);
	if (r < 0)
		return vnode_err(err, errlen, -r, "%s: watching %s: %s", v->id.name, VNODE_RUN_DIR,
				 strerror(-r));
	if (kill(st->monitor, verbs[VERB_REBOOT].monitor_sig) < 0) {
		r = vnode_err(err, errlen, errno, "%s: signalling monitor %d: %s", v->id.name,
			      (int)st->monitor, strerror(errno));
		close(w.pidfd), close(w.ino);
		return r;
	}
	if (!reboot_wait(&w, v, st->boots))
		return vnode_err(err, errlen, EIO, "%s: did not come back up (see %s)", v->id.name,
				 v->id.logfile);
	return 0;
}

/* A launcher killed before it wrote the init's pid down may have cloned it already, into
 * the cgroup its boot makes (cgmake.c): whatever is in that is ended (it would end by
 * itself, without the launcher's go, but not before this command returns), and the
 * cgroup named for the end of the vnode. */
static void kill_unnamed(const struct vnode *v, struct vnode_state *st)
{
	struct cgroup_host h;
	char cg[sizeof(st->cgroup)];
	if (cgroup_find(&h) < 0 || h.delegated)
		return;  /* no cgroup v2; or a unit's, which its service manager ends */
	snprintf(cg, sizeof(cg), "%.*s/%s", (int)(sizeof(cg) - VNODE_NAME_MAX - 2), h.base,
		 v->id.name);
	if (access(cg, F_OK) < 0)
		return;
	int r = cgroup_kill(cg);
	if (r == 0)
		r = cgroup_wait_empty(cg);
	if (r < 0)
		errorf("%s: %s: %s", v->id.name, cg, strerror(-r));
	memcpy(st->cgroup, cg, sizeof(cg));
}

/* No monitor: an orphaned init (its monitor was SIGKILLed), or nothing running (its
 * monitor and init were SIGKILLed, say: what they named is reclaimed). */
static int stop_unmonitored(struct vnode *v, const struct vnode_state *st, enum verb how,
			    char *err, size_t errlen)
{
	char why[1024];
	int r;
	if (!st->init && how == VERB_REBOOT)
		return vnode_err(err, errlen, ESRCH, "%s: not running", v->id.name);
	if (!st->init) {
		struct vnode_state left = *st;
		kill_unnamed(v, &left);
		vnode_end(&v->id, vnode_netns(v), left.cgroup, NULL, NULL);
	} else if ((r = stop_orphan(v, st, how, err, errlen)) < 0)
		return r;
	if (how == VERB_KILL && (r = vm_remove_state(&v->vm, why, sizeof(why))) < 0)
		return vnode_err(err, errlen, -r, "%s: %s", v->id.name, why);
	return 0;
}

/* A vnode still booting: its launcher heeds no request until the vnode is up, and may
 * be stuck (a HOOK, a boot that hangs, before BOOT_TIMEOUT), so a kill cannot wait for
 * it. It is SIGKILLed (its hook dies with it), and what it left is ended as an orphan. */
static int kill_booting(struct vnode *v, const struct vnode_state *was, char *err, size_t errlen)
{
	struct vnode_state st;
	char why[1024];
	pid_t launcher = was->monitor;
	int r = kill(launcher, SIGKILL) < 0 && errno != ESRCH ? -errno : wait_pid_gone(launcher, -1);
	if (r < 0)
		return vnode_err(err, errlen, -r, "%s: killing its launcher %d: %s", v->id.name,
				 (int)launcher, strerror(-r));
	if ((r = vnode_load(v, v->id.name, why, sizeof(why))) < 0)
		return vnode_err(err, errlen, -r, "%s: its launcher is killed, but: %s", v->id.name, why);
	if (runtime_read(&v->id, &st, why, sizeof(why)) < 0)
		errorf("%s", why);  /* taken as stopped */
	return stop_unmonitored(v, &st, VERB_KILL, err, errlen);
}

/* After the monitor is gone: if it died before it did the stop (SIGKILLed as the request
 * came, still exiting when it was signalled), what it left is stopped as an orphan's. */
static int stop_left(struct vnode *v, enum verb how, char *err, size_t errlen)
{
	struct vnode_state st;
	char why[1024];
	int r;
	if (runtime_read(&v->id, &st, why, sizeof(why)) < 0 || st.monitor || !st.init)
		return 0;  /* ended as it should be, or someone's new boot */
	if (!v->conf.path && (r = vnode_load(v, v->id.name, why, sizeof(why))) < 0)
		return vnode_err(err, errlen, -r, "%s: its monitor died, and: %s", v->id.name, why);
	return stop_unmonitored(v, &st, how, err, errlen);
}

/* A running monitor does the stop itself, so a vnode whose config has since been
 * broken or removed can still be halted, killed or rebooted. */
static int stop_monitored(struct vnode *v, const struct vnode_state *st, enum verb how,
			  unsigned wait_s, char *err, size_t errlen)
{
	char why[1024];
	if (how == VERB_REBOOT)
		return reboot_running(v, st, err, errlen);
	if (how == VERB_KILL && (!st->phase[0] || !strcmp(st->phase, verbs[VERB_BOOT].phase)))
		return kill_booting(v, st, err, errlen);
	if (kill(st->monitor, verbs[how].monitor_sig) < 0)
		return vnode_err(err, errlen, errno, "%s: signalling monitor %d: %s", v->id.name,
				 (int)st->monitor, strerror(errno));
	int r = wait_pid_gone(st->monitor, wait_s ? (int)wait_s * 1000 : -1);
	if (r == -ETIMEDOUT && wait_s)
		return 1;  /* still stopping: vnodesetup's caller is not kept waiting */
	if (r < 0)
		return vnode_err(err, errlen, -r, "%s: waiting for monitor %d: %s", v->id.name,
				 (int)st->monitor, strerror(-r));
	/* The monitor removes the writable state as the config says; without a readable
	 * config it could only stop the vnode. */
	if (how == VERB_KILL && (r = vnode_load(v, v->id.name, why, sizeof(why))) < 0)
		return vnode_err(err, errlen, -r, "%s: stopped, but its writable state was kept: %s",
				 v->id.name, why);
	return stop_left(v, how, err, errlen);
}

/* What `vnode VERB` says when it is done. */
static const char *done(const struct vnode_state *st, enum verb how)
{
	return st->monitor || st->init ? verbs[how].done : "not running";
}

int cmd_stop(const char *name, enum verb how, unsigned wait_s)
{
	struct vnode v = { 0 };
	struct vnode_state st;
	char err[2048];
	int r;

	if ((r = vnode_id_set(&v.id, name, err, sizeof(err))) < 0)
		return exit_with(EXIT_USAGE, err);
	if (runtime_read(&v.id, &st, err, sizeof(err)) < 0)
		errorf("%s", err);  /* taken as stopped */
	if (st.monitor)
		r = stop_monitored(&v, &st, how, wait_s, err, sizeof(err));
	else if ((r = vnode_load(&v, name, err, sizeof(err))) < 0)
		return vnode_free(&v), load_failed(r, err);
	else
		r = stop_unmonitored(&v, &st, how, err, sizeof(err));
	vnode_free(&v);
	if (r < 0)
		return exit_with(EXIT_FAILED, err);
	if (how == VERB_REBOOT && !st.monitor)
		return cmd_boot(name, false, false);  /* the orphan is stopped: boot it as new */
	if (r > 0)
		notef("%s: asked to %s, not stopped after %u s (vnodesetup exits 0 then, as "
		      "Emulab's did; vnode %s waits, and says how it ended)", name, verbs[how].name,
		      wait_s, verbs[how].name);
	else
		notef("%s: %s", name, done(&st, how));
	return EXIT_OK;
}

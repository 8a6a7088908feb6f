/* The monitor's watch: it sleeps until a signal, the init's end or a stop deadline.
 * Signals keep Emulab's contract with vnodesetup (verb.c): TERM or HUP = halt, USR1 =
 * kill, USR2 = reboot. When the init ends, decide.c says what follows: `vnode __resume`
 * boots it again (after a back-off when it crash-loops) or removes its writable state
 * after a kill; anything else ends the monitor. It may be SIGKILLed at any moment: the
 * kernel then releases the namespaces, the autoclear loop devices and the veths with
 * the vnode's last process, and the next vnode command reclaims the runtime files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "monitor.h"

static void send_init(struct watcher *w, int sig)
{
	if (syscall(SYS_pidfd_send_signal, w->h.pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
		errorf("%s: signal %d to init %d: %s", w->id.name, sig, (int)w->h.init,
		       strerror(errno));
}

/* A request that moves the state: record it, tell the hook, signal the init. */
static void on_request(struct watcher *w, enum verb v)
{
	enum watch_state next = watch_request(w->state, v);
	if (next == w->state)
		return;
	const struct verb_info *vi = &verbs[v];
	w->state = next;
	w->deadline = v == VERB_KILL ? -1 : mono_ms() + (long long)w->h.stop_timeout * 1000;
	runtime_set_phase(&w->id, &w->st, vi->phase);
	hook_run(w->h.hook, w->id.name, vi->hook);
	send_init(w, vi->init_sig);
}

static void read_signals(struct watcher *w)
{
	struct signalfd_siginfo si;
	while (read(w->sfd, &si, sizeof(si)) == sizeof(si)) {
		int v = verb_of_signal((int)si.ssi_signo);
		if (v >= 0)
			on_request(w, (enum verb)v);
	}
}

/* Past LOG_MAX: NAME.log becomes NAME.log.1 (the one before goes) and a new NAME.log
 * takes its fd, and the monitor's own messages with it. A rename and an open: never a
 * wait, and the newest output is in the new file. */
static void rotate(struct watcher *w)
{
	char old[PATH_MAX + 8];
	snprintf(old, sizeof(old), "%s.1", w->id.logfile);
	int fd = rename(w->id.logfile, old) < 0 ? -1 :
		 open(w->id.logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0 || dup3(fd, w->h.log_fd, O_CLOEXEC) < 0 ||
	    (!w->h.fg && (dup2(w->h.log_fd, 1) < 0 || dup2(w->h.log_fd, 2) < 0)))
		errorf("%s: rotating %s: %s", w->id.name, w->id.logfile, strerror(errno));
	if (fd >= 0)
		close(fd);
	w->log_size = 0;
}

/* The console to the log (bounded), and with boot -f to the terminal. A full disk or a
 * closed terminal must not stop the vnode: what could not be written is counted, and
 * said at the end. Returns what it read. */
static ssize_t copy_output(struct watcher *w)
{
	char buf[4096];
	ssize_t n = read(w->h.out_r, buf, sizeof(buf));
	if (n > 0 && write(w->h.log_fd, buf, (size_t)n) != n)
		w->lost_log++;
	else if (n > 0 && (w->log_size += n) >= w->h.log_max && w->h.log_max > 0)
		rotate(w);
	if (n > 0 && w->h.fg && write(1, buf, (size_t)n) != n)
		w->lost_terminal++;
	return n;
}

static void on_deadline(struct watcher *w)
{
	errorf("%s: still running %u s after the %s request: killing it", w->id.name,
	       w->h.stop_timeout, verbs[watch_verb(w->state)].name);
	send_init(w, SIGKILL);
	w->deadline = -1;
}

/* Sleeps until the init ends; returns its wait status. */
static int watch(struct watcher *w)
{
	for (;;) {
		int status;
		pid_t r = waitpid(w->h.init, &status, WNOHANG);
		if (r == w->h.init || (r < 0 && errno == ECHILD))
			return r < 0 ? 0 : status;
		long long left = w->deadline < 0 ? -1 : w->deadline - mono_ms();
		if (w->deadline >= 0 && left <= 0) {
			on_deadline(w);
			continue;
		}
		struct pollfd pfd[3] = { { w->sfd, POLLIN, 0 }, { w->h.pidfd, POLLIN, 0 },
					 { w->h.out_r, POLLIN, 0 } };
		nfds_t nfds = w->h.out_r >= 0 ? 3 : 2;
		if (poll(pfd, nfds, left < 0 ? -1 : (int)left) < 0 && errno != EINTR)
			errorf("%s: poll: %s", w->id.name, strerror(errno));
		if (pfd[0].revents)
			read_signals(w);
		if (nfds == 3 && pfd[2].revents)
			copy_output(w);
	}
}

/* What the last lines of a -f console still hold once the init is gone. */
static void drain_output(struct watcher *w)
{
	struct pollfd pfd = { w->h.out_r, POLLIN, 0 };
	while (w->h.out_r >= 0 && poll(&pfd, 1, 0) > 0 && copy_output(w) > 0)
		;
	if (w->lost_log || w->lost_terminal)
		errorf("%s: console output lost: %u reads not fully written to %s, %u to the terminal",
		       w->id.name, w->lost_log, w->id.logfile, w->lost_terminal);
}

/* Waits out the back-off, still answering signals; returns as soon as a request
 * moves the state (a reboot cuts it short, a halt or kill ends it). */
static void back_off(struct watcher *w, int ms)
{
	enum watch_state before = w->state;
	long long until = mono_ms() + ms, left;
	while (w->state == before && (left = until - mono_ms()) > 0) {
		struct pollfd pfd = { w->sfd, POLLIN, 0 };
		if (poll(&pfd, 1, (int)left) > 0)
			read_signals(w);
	}
}

/* Back to the full launcher, which boots again or removes the writable state.
 * Returns only if the exec failed. */
static void resume(struct watcher *w, enum verb v)
{
	fflush(NULL);
	if (close(w->h.pidfd) < 0)
		errorf("%s: close pidfd: %s", w->id.name, strerror(errno));
	w->h.pidfd = -1;
	w->h.verb = verbs[v].name;
	handoff_exec(&w->h, w->h.exe, "vnode", "__resume");
	errorf("%s: cannot %s: exec %s: %s", w->id.name, verbs[v].name, w->h.exe, strerror(errno));
}

int watch_vnode(struct watcher *w)
{
	int status = watch(w);
	/* Reaped: no process of the vnode is left to open its disks' nodes. */
	handoff_release_disks(&w->h);
	read_signals(w);  /* a request that came with the end still counts */
	drain_output(w);
	vnode_gone(w->id.name, w->h.netns);  /* now: a boot again makes the name anew */
	notef("%s: %s", w->id.name, w->state == WATCH_KILLING ? "killed" : watch_ending(status));
	struct watch_next next = watch_ended(w->state, status, mono_ms() - w->h.up_ms, w->h.delay_ms);
	if (next.what == END_REBOOT && next.delay_ms) {
		w->h.delay_ms = next.delay_ms;
		back_off(w, next.delay_ms);
		next = watch_ended(w->state, status, CRASH_LOOP_S * 1000, 0);  /* no second wait */
	} else {
		w->h.delay_ms = 0;
	}
	if (next.what != END_DOWN)
		resume(w, next.what == END_KILL ? VERB_KILL : VERB_REBOOT);
	vnode_end(&w->id, NULL, w->h.hook, next.what == END_DOWN ? "down" : "failed");
	return next.what == END_DOWN ? EXIT_OK : EXIT_FAILED;
}

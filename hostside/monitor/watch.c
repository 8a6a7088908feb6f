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
#include "../cgroup.h"
#include "monitor.h"

static void send_init(struct watcher *w, int sig)
{
	if (syscall(SYS_pidfd_send_signal, w->h.pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
		errorf("%s: signal %d to init %d: %s", w->id.name, sig, (int)w->h.init,
		       strerror(errno));
}

/* SIGKILL to everything in the vnode at once: its cgroup's processes, or without one the
 * init (the kernel ends the rest of its pid namespace with it). */
static void kill_vnode(struct watcher *w)
{
	int r = w->h.cgroup ? cgroup_kill(w->h.cgroup) : -ENOENT;
	if (r < 0 && w->h.cgroup)
		errorf("%s: %s/cgroup.kill: %s", w->id.name, w->h.cgroup, strerror(-r));
	if (r < 0)
		send_init(w, SIGKILL);
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
	/* within STOP_TIMEOUT, which counts from the request */
	struct hook hook = w->h.hook;
	unsigned bound = w->h.stop_timeout ? w->h.stop_timeout : 1;
	if (!hook.timeout || hook.timeout > bound)
		hook.timeout = bound;
	hook_run(&hook, w->id.name, vi->hook);
	notify("%sSTATUS=%s", v == VERB_REBOOT ? "" : "STOPPING=1\n", vi->phase);
	if (vi->init_sig == SIGKILL)
		kill_vnode(w);
	else
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

static void on_deadline(struct watcher *w)
{
	errorf("%s: still running %u s after the %s request: killing it", w->id.name,
	       w->h.stop_timeout, verbs[watch_verb(w->state)].name);
	kill_vnode(w);
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
		struct pollfd pfd[2 + RELAY_NFDS] = { { w->sfd, POLLIN, 0 }, { w->h.pidfd, POLLIN, 0 } };
		relay_poll(w, pfd + 2);
		if (poll(pfd, 2 + RELAY_NFDS, left < 0 ? -1 : (int)left) < 0 && errno != EINTR)
			errorf("%s: poll: %s", w->id.name, strerror(errno));
		if (pfd[0].revents)
			read_signals(w);
		relay_events(w, pfd + 2);
	}
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
	relay_drain(w);
	/* now: a boot again makes the name and the cgroup anew */
	vnode_gone(w->id.name, w->h.netns, w->h.cgroup);
	char line[VNODE_NAME_MAX + 100], how[80] = "killed";
	if (w->state != WATCH_KILLING)
		watch_ending(status, how, sizeof(how));
	snprintf(line, sizeof(line), "%s: %s", w->id.name, how);
	notef("%s", line);
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
	relay_bye(w, line);
	notify("STATUS=%s", line);
	bool failed = next.what != END_DOWN || watch_failed(w->state, status);
	vnode_end(&w->id, NULL, NULL, &w->h.hook, failed ? "failed" : "down");
	return failed ? EXIT_FAILED : EXIT_OK;
}

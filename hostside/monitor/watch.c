/* The monitor's watch: it sleeps until a signal, the init's end or a stop deadline.
 * Signals keep Emulab's contract with vnodesetup: TERM or HUP = halt, USR1 = kill,
 * USR2 = reboot. When the init ends it reads how: killed by SIGHUP means the vnode
 * asked for a reboot, and `vnode __resume` boots it again, after a back-off when it
 * crash-loops; anything else ends the monitor. It may be SIGKILLed at any moment:
 * the kernel then releases the namespaces, the autoclear loop devices and the veths
 * with the vnode's last process, and the next vnode command reclaims the runtime
 * files. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "monitor.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 30000
#define CRASH_LOOP_S 10  /* a vnode that reboots sooner than this is backed off */

static void set_phase(struct watcher *w, const char *phase)
{
	runtime_set_phase(&w->v, &w->st, phase);
}

static void send_init(struct watcher *w, int sig)
{
	if (syscall(SYS_pidfd_send_signal, w->h.pidfd, sig, NULL, 0) < 0 && errno != ESRCH)
		errorf("%s: signal %d to init %d: %s", w->v.name, sig, (int)w->h.init,
		       strerror(errno));
}

static void on_signal(struct watcher *w, int sig)
{
	if (sig == SIGUSR1) {  /* kill: now, and remove the writable state afterwards */
		w->killing = true;
		set_phase(w, "killing");
		send_init(w, SIGKILL);
	} else if (sig == SIGUSR2 && !w->halting && !w->rebooting) {
		w->rebooting = true;  /* SIGINT from outside: vinit reboots */
		w->deadline = mono_ms() + (long long)w->v.stop_timeout * 1000;
		set_phase(w, "rebooting");
		send_init(w, SIGINT);
	} else if ((sig == SIGTERM || sig == SIGHUP || sig == SIGINT) && !w->halting) {
		w->halting = true;
		w->deadline = mono_ms() + (long long)w->v.stop_timeout * 1000;
		set_phase(w, "halting");
		hook_run(&w->v, "halting");
		send_init(w, SIGTERM);  /* from outside (si_pid 0): poweroff */
	}
}

static void read_signals(struct watcher *w)
{
	struct signalfd_siginfo si;
	while (read(w->sfd, &si, sizeof(si)) == sizeof(si))
		on_signal(w, (int)si.ssi_signo);
}

/* boot -f: the console to the log and the terminal. A full disk or a closed terminal
 * must not stop the vnode: what could not be written is counted, and said at the end.
 * Returns what it read. */
static ssize_t copy_output(struct watcher *w)
{
	char buf[4096];
	ssize_t n = read(w->h.out_r, buf, sizeof(buf));
	if (n > 0 && write(w->h.log_fd, buf, (size_t)n) != n)
		w->lost_log++;
	if (n > 0 && write(1, buf, (size_t)n) != n)
		w->lost_terminal++;
	return n;
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
			errorf("%s: still running %u s after the %s request: killing it", w->v.name,
			       w->v.stop_timeout, w->halting ? "halt" : "reboot");
			send_init(w, SIGKILL);
			w->deadline = -1;
			continue;
		}
		struct pollfd pfd[3] = { { w->sfd, POLLIN, 0 }, { w->h.pidfd, POLLIN, 0 },
					 { w->h.out_r, POLLIN, 0 } };
		nfds_t nfds = w->h.out_r >= 0 ? 3 : 2;
		if (poll(pfd, nfds, left < 0 ? -1 : (int)left) < 0 && errno != EINTR)
			errorf("%s: poll: %s", w->v.name, strerror(errno));
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
}

static const char *ending(int status)
{
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGINT)
		return "powered off";
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP)
		return "rebooted";
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return "killed";
	if (WIFEXITED(status))
		return "init exited";
	return "init died";
}

/* Waits out the back-off, still answering signals: a reboot request cuts it short,
 * a halt or kill ends it. False when told to stop. */
static bool back_off(struct watcher *w, int ms)
{
	long long until = mono_ms() + ms, left;
	while (!w->halting && !w->killing && !w->rebooting && (left = until - mono_ms()) > 0) {
		struct pollfd pfd = { w->sfd, POLLIN, 0 };
		if (poll(&pfd, 1, (int)left) > 0)
			read_signals(w);
	}
	return !w->halting && !w->killing;
}

/* The back-off is for a vnode that reboots by itself; an operator's reboot has none. */
static int next_delay(const struct watcher *w)
{
	int d = w->h.delay_ms;
	if (w->rebooting || mono_ms() - w->h.up_ms >= CRASH_LOOP_S * 1000)
		return 0;
	return !d ? BACKOFF_MIN_MS : d * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : d * 2;
}

/* Back to the full launcher, which boots again or removes the writable state.
 * Returns only if the exec failed. */
static void resume(struct watcher *w, const char *verb)
{
	fflush(NULL);
	if (close(w->h.pidfd) < 0)
		errorf("%s: close pidfd: %s", w->v.name, strerror(errno));
	w->h.pidfd = -1;
	w->h.verb = verb;
	handoff_exec(&w->h, w->h.exe, "vnode", "__resume");
	errorf("%s: cannot %s: exec %s: %s", w->v.name, verb, w->h.exe, strerror(errno));
}

int watch_vnode(struct watcher *w)
{
	char err[512];
	int status = watch(w);
	/* Reaped: no process of the vnode is left to open its disks' nodes. */
	handoff_release_disks(&w->h);
	read_signals(w);  /* a request that came with the end still counts */
	drain_output(w);
	if (w->lost_log || w->lost_terminal)
		errorf("%s: console output lost: %u reads not fully written to %s, %u to the terminal",
		       w->v.name, w->lost_log, w->v.logfile, w->lost_terminal);
	if (vn_teardown(&w->v.net, err, sizeof(err)) < 0)
		errorf("%s", err);
	notef("%s: %s", w->v.name, w->killing ? "killed" : ending(status));
	bool asked = WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP;
	bool reboot = (asked || w->rebooting) && !w->halting && !w->killing;
	if (reboot) {
		w->h.delay_ms = next_delay(w);
		reboot = !w->h.delay_ms || back_off(w, w->h.delay_ms);
	}
	bool failed = false;
	if (reboot || w->killing) {
		resume(w, w->killing ? "kill" : "reboot");
		failed = true;
	}
	runtime_remove(&w->v);
	hook_run(&w->v, failed ? "failed" : "down");
	return failed ? EXIT_FAILED : EXIT_OK;
}

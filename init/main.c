/* vinit: start-up, then one wait loop. Before the point of no return vinit may
 * fail fast with a clear message; after it, it only ever leaves through
 * stop_finish(). The loop allocates nothing and has no periodic wake-up: it sleeps
 * in poll() until a signal, an initctl write, or a shutdown deadline. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>
#include "shared.h"
#include "state.h"

#ifndef VINIT_VERSION
#define VINIT_VERSION "0.1"
#endif

/* Block every signal but the faults (a crash must stay a crash) and read them
 * from a signalfd. A blocked signal is never discarded, not even for PID 1, so a
 * stop request sent before this point is still pending here. */
static int setup_signals(void)
{
	sigset_t set;

	sigfillset(&set);
	sigset_del_faults(&set);
	/* A write to a console no one reads (its monitor was SIGKILLed) is EPIPE, not a
	 * SIGPIPE to read and log, which would write again: a loop. */
	sigdelset(&set, SIGPIPE);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR || sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	signal(SIGTTIN, SIG_IGN);
	signal(SIGTTOU, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void ensure_std_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) < 0)
			return;
}

static void notify_ready(struct vinit *v)
{
	if (v->o.ready_fd < 0)
		return;
	if (write(v->o.ready_fd, "up\n", 3) != 3)
		verr("ready fd %d: %s", v->o.ready_fd, strerror(errno));
	close(v->o.ready_fd);
	v->o.ready_fd = -1;
}

static void on_reaped(struct vinit *v, pid_t pid, int status)
{
	if (pid == v->main_pid && !v->main_done) {
		v->main_done = true;
		v->main_status = status;
		stop_request(v, ACT_NONE, "command exited");
	} else if (pid == v->rc_pid && v->phase == PH_RUNNING) {
		if (status != 0)
			verr("rc (pid %d) failed with status %d; staying up", (int)pid, exit_status_of(status));
		rc_start_next(v);
	}
	stop_on_reaped(v, pid, status);
}

/* Reaps every exited child; true when no child is left at all. */
static bool reap(struct vinit *v)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0)
			on_reaped(v, pid, status);
		else if (pid == 0)
			return false;
		else if (errno != EINTR)
			return errno == ECHILD;
	}
}

static void on_signal(struct vinit *v, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;
	bool inside = v->pid1 && si->ssi_pid != 0;
	char why[64];

	if (sig == SIGCHLD)
		return;
	if (v->o.cmd) {  /* command mode: the main process decides, as with tini */
		if (!v->main_done && kill(v->main_pid, sig) < 0)
			verr("forwarding signal %d to %d: %s", sig, (int)v->main_pid, strerror(errno));
		return;
	}
	enum action a = signal_action(sig, inside);
	if (inside)
		fmt(why, sizeof(why), "%s from pid %u", signal_label(sig), si->ssi_pid);
	else
		fmt(why, sizeof(why), "%s from outside", signal_label(sig));
	if (a == ACT_NONE)
		vlog("%s (signal %d): ignored", why, sig);
	else
		stop_request(v, a, why);
}

static void read_signals(struct vinit *v)
{
	struct signalfd_siginfo si[4];
	ssize_t n;
	while ((n = read(v->sfd, si, sizeof(si))) > 0)
		for (size_t i = 0; i < (size_t)n / sizeof(si[0]); i++)
			on_signal(v, &si[i]);
}

static void on_initctl(struct vinit *v, const struct initctl_event *e)
{
	bool acts = e->kind == ICTL_INVALID || e->kind == ICTL_SETENV ||
		    (e->kind == ICTL_RUNLEVEL && e->action != ACT_NONE);
	if (acts && e->sleeptime > 0 && v->phase == PH_RUNNING)
		v->grace_ms = (unsigned)(e->sleeptime > VNODE_MAX_SECONDS ? VNODE_MAX_SECONDS : e->sleeptime) * 1000u;
	if (e->kind == ICTL_INVALID)
		stop_request(v, ACT_POWEROFF, "a write to /run/initctl");
	else if (e->kind == ICTL_RUNLEVEL && e->action != ACT_NONE)
		stop_request(v, e->action, e->runlevel == '6' ? "initctl runlevel 6" : "initctl runlevel 0");
	else if (e->kind == ICTL_RUNLEVEL)
		vlog("initctl: runlevel %d ignored", e->runlevel);
	else if (e->kind == ICTL_OTHER)
		vlog("initctl: command %d ignored", e->cmd);
}

static void read_initctl(struct vinit *v)
{
	unsigned char buf[1024];
	struct initctl_event ev[1024 / INITCTL_SIZE + 2];
	ssize_t n;
	while ((n = read(v->ctlfd, buf, sizeof(buf))) > 0) {
		unsigned k = initctl_feed(&v->ictl, buf, (size_t)n, ev, sizeof(ev) / sizeof(ev[0]));
		for (unsigned i = 0; i < k; i++)
			on_initctl(v, &ev[i]);
	}
}

/* The deadline as an absolute CLOCK_MONOTONIC timer: a poll() timeout may run
 * late by 0.1% of its length (5 ms on a 5 s grace); a timerfd fires on time. */
static void arm_deadline(const struct vinit *v)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	if (v->deadline >= 0) {
		its.it_value.tv_sec = v->deadline / 1000000;
		its.it_value.tv_nsec = v->deadline % 1000000 * 1000 + 1;
	}
	if (timerfd_settime(v->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		verr("timerfd_settime: %s", strerror(errno));
}

static void __attribute__((noreturn)) run(struct vinit *v)
{
	for (;;) {
		bool none_left = reap(v);
		if (v->phase != PH_RUNNING && none_left)
			stop_finish(v);
		stop_on_deadline(v);
		arm_deadline(v);
		struct pollfd pfd[3] = { { v->sfd, POLLIN, 0 }, { v->tfd, POLLIN, 0 }, { v->ctlfd, POLLIN, 0 } };
		if (poll(pfd, v->ctlfd >= 0 ? 3 : 2, -1) < 0 && errno != EINTR)
			verr("poll: %s", strerror(errno));
		if (pfd[0].revents)
			read_signals(v);
		if (pfd[1].revents) {
			unsigned long long expirations;
			if (read(v->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
				verr("timerfd: %s", strerror(errno));
		}
		if (v->ctlfd >= 0 && pfd[2].revents)
			read_initctl(v);
	}
}

int main(int argc, char **argv)
{
	struct vinit v = { .ctlfd = -1, .deadline = -1 };
	char err[256];

	if (parse_args(argc, argv, &v.o, err, sizeof(err)) < 0) {
		verr("%s", err);
		return VINIT_EXIT_USAGE;
	}
	if (v.o.help || v.o.version) {
		const char *text = v.o.help ? vinit_usage : "vinit " VINIT_VERSION "\n";
		return write(STDOUT_FILENO, text, strlen(text)) < 0 ? VINIT_EXIT_FAILED : VINIT_EXIT_OK;
	}
	vlog_quiet = v.o.quiet;
	v.grace_ms = v.o.grace_ms;
	v.pid1 = getpid() == 1;
	ensure_std_fds();
	if (v.o.ready_fd >= 0 && fcntl(v.o.ready_fd, F_SETFD, FD_CLOEXEC) < 0) {
		verr("--ready-fd %d: %s", v.o.ready_fd, strerror(errno));
		return VINIT_EXIT_USAGE;
	}
	for (unsigned i = 0; i < v.o.nhold; i++)
		if (fcntl(v.o.hold_fd[i], F_SETFD, FD_CLOEXEC) < 0) {
			verr("--hold-fd %d: %s", v.o.hold_fd[i], strerror(errno));
			return VINIT_EXIT_USAGE;
		}
	if ((v.sfd = setup_signals()) < 0 ||
	    (v.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0) {
		verr("signalfd/timerfd: %s", strerror(errno));
		return VINIT_EXIT_FAILED;
	}
	if (!v.pid1 && become_subreaper() < 0)
		verr("PR_SET_CHILD_SUBREAPER: %s: orphans will not be reaped", strerror(errno));
	if (v.pid1) {
		boot_mount_all();
		v.machine = machine_init();  /* now, while /proc is surely mounted */
		v.ctlfd = initctl_open();
	}
	/* Point of no return: from here on vinit leaves only through stop_finish(). */
	if (v.o.cmd) {
		v.main_pid = spawn_command(v.o.cmd);
		if (v.main_pid < 0) {
			v.main_status = 127 << 8;
			v.main_done = true;
			stop_request(&v, ACT_NONE, "command not started");
		}
	} else {
		rc_start_next(&v);
	}
	notify_ready(&v);
	run(&v);
}

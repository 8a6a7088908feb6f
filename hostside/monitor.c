/* The monitor: one process per vnode, outside it, the parent of its init. It
 * boots the vnode, reports "up" to whoever ran `vnode boot`, then sleeps until a
 * signal, the init's end or a stop deadline. Signals keep Emulab's contract with
 * vnodesetup: TERM or HUP = halt, USR1 = kill, USR2 = reboot. When the init ends
 * it reads how: killed by SIGHUP means the vnode asked for a reboot, and it boots
 * it again, with a back-off against crash loops; anything else ends the monitor.
 * It may be SIGKILLed at any moment: the kernel then releases the namespaces, the
 * autoclear loop devices and the veths with the vnode's last process, and the
 * next vnode command reclaims the runtime files. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "vnode.h"

#define BACKOFF_MIN_MS 250
#define BACKOFF_MAX_MS 30000
#define CRASH_LOOP_S 10     /* a vnode that reboots sooner than this is backed off */

struct monitor {
	struct vnode *v;
	struct vnode_state st;
	int sfd, pidfd, report_fd;
	int child_out;  /* the init's stdout and stderr in -f mode, else -1 (inherited log) */
	int out_fd, log_fd;  /* -f: the read end of that pipe, and the log it is copied to */
	pid_t init;
	bool halting, killing;
	long long deadline;  /* monotonic ms, or -1 */
};

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void report(struct monitor *m, const char *msg)
{
	if (m->report_fd < 0)
		return;
	if (write(m->report_fd, msg, strlen(msg)) < 0)
		errorf("%s: reporting to vnode boot: %s", m->v->name, strerror(errno));
	close(m->report_fd);
	m->report_fd = -1;
}

static void set_phase(struct monitor *m, const char *phase)
{
	int r;
	snprintf(m->st.phase, sizeof(m->st.phase), "%s", phase);
	if ((r = runtime_write(m->v, &m->st)) < 0)
		errorf("%s: writing %s: %s", m->v->name, m->v->statefile, strerror(-r));
}

static int send_init(struct monitor *m, int sig)
{
	if (syscall(SYS_pidfd_send_signal, m->pidfd, sig, NULL, 0) < 0 && errno != ESRCH) {
		errorf("%s: signal %d to init %d: %s", m->v->name, sig, (int)m->init, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Reads the error pipe (EOF: exec happened) and then the ready pipe ("up", or EOF
 * from an init that is not vinit). Returns 0, or -1 with msg filled. */
static int wait_started(int errfd, int readyfd, char *msg, size_t len)
{
	ssize_t n;
	while ((n = read(errfd, msg, len - 1)) < 0 && errno == EINTR)
		;
	if (n > 0) {
		msg[n] = 0;
		return -1;
	}
	char up[8];
	while ((n = read(readyfd, up, sizeof(up))) < 0 && errno == EINTR)
		;
	return 0;
}

static pid_t clone_child(struct vnode *v, int *pidfd)
{
	unsigned long flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC |
			      CLONE_NEWCGROUP | CLONE_PIDFD | SIGCHLD;
	if (v->net.mode != VN_HOST)
		flags |= CLONE_NEWNET;
	return (pid_t)syscall(SYS_clone, flags, NULL, pidfd, NULL, NULL);
}

/* One boot: clone, network from outside, go, wait for exec and "up". Returns 0 or
 * an exit status, with the reason reported. */
static int boot_once(struct monitor *m)
{
	struct vnode *v = m->v;
	int go[2], err[2], ready[2], pidfd = -1;
	char msg[1300];

	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		snprintf(msg, sizeof(msg), "%s: pipe: %s\n", v->name, strerror(errno));
		return report(m, msg), errorf("%s", msg), EXIT_FAILED;
	}
	pid_t pid = clone_child(v, &pidfd);
	if (pid == 0) {
		close(go[1]), close(err[0]), close(ready[0]);
		if (m->child_out >= 0 && (dup2(m->child_out, 1) < 0 || dup2(m->child_out, 2) < 0))
			_exit(EXIT_FAILED);
		child_main(v, (struct child_pipes){ go[0], err[1], ready[1] });
	}
	close(go[0]), close(err[1]), close(ready[1]);
	if (pid < 0) {
		snprintf(msg, sizeof(msg), "%s: clone: %s", v->name, strerror(errno));
		close(go[1]), close(err[0]), close(ready[0]);
		errorf("%s", msg);
		report(m, msg);
		return EXIT_FAILED;
	}
	m->init = pid;
	m->pidfd = pidfd;
	m->st.init = pid;
	m->st.boots++;
	m->st.started = time(NULL);
	set_phase(m, "booting");  /* recorded before the veths and the netns name exist */
	int r = 0;
	if (v->net.mode != VN_HOST && vn_setup_host(&v->net, pid, msg, sizeof(msg)) < 0)
		r = EXIT_USAGE;
	else if (write(go[1], "g", 1) != 1)
		r = EXIT_FAILED, snprintf(msg, sizeof(msg), "%s: child vanished", v->name);
	close(go[1]);
	if (!r && wait_started(err[0], ready[0], msg, sizeof(msg)) < 0)
		r = EXIT_USAGE;
	close(err[0]), close(ready[0]);
	if (r) {
		errorf("%s", msg);
		report(m, msg);
		send_init(m, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return r;
	}
	set_phase(m, "up");
	return 0;
}

static void on_signal(struct monitor *m, int sig)
{
	if (sig == SIGUSR1) {  /* kill: now, and remove the writable state afterwards */
		m->killing = true;
		set_phase(m, "killing");
		send_init(m, SIGKILL);
	} else if (sig == SIGUSR2) {  /* SIGINT from outside: vinit reboots */
		set_phase(m, "rebooting");
		send_init(m, SIGINT);
	} else if ((sig == SIGTERM || sig == SIGHUP || sig == SIGINT) && !m->halting) {
		m->halting = true;
		m->deadline = mono_ms() + (long long)m->v->stop_timeout * 1000;
		set_phase(m, "halting");
		hook_run(m->v, "halting");
		send_init(m, SIGTERM);  /* from outside (si_pid 0): poweroff */
	}
}

static void copy_output(struct monitor *m)
{
	char buf[4096];
	ssize_t n = read(m->out_fd, buf, sizeof(buf));
	if (n <= 0)
		return;
	if (write(m->log_fd, buf, (size_t)n) < 0 || write(STDOUT_FILENO, buf, (size_t)n) < 0)
		return;  /* a full disk or a closed terminal must not stop the vnode */
}

/* Sleeps until the init ends; returns its wait status. */
static int watch(struct monitor *m)
{
	for (;;) {
		int status;
		pid_t r = waitpid(m->init, &status, WNOHANG);
		if (r == m->init)
			return status;
		long long left = m->deadline < 0 ? -1 : m->deadline - mono_ms();
		if (m->deadline >= 0 && left <= 0) {
			errorf("%s: still running %u s after the halt request: killing it",
			       m->v->name, m->v->stop_timeout);
			send_init(m, SIGKILL);
			m->deadline = -1;
			continue;
		}
		struct pollfd pfd[3] = { { m->sfd, POLLIN, 0 }, { m->pidfd, POLLIN, 0 },
					 { m->out_fd, POLLIN, 0 } };
		int nfds = m->log_fd >= 0 ? 3 : 2;
		if (poll(pfd, (nfds_t)nfds, left < 0 ? -1 : (int)left) < 0 && errno != EINTR)
			errorf("%s: poll: %s", m->v->name, strerror(errno));
		if (pfd[0].revents) {
			struct signalfd_siginfo si;
			while (read(m->sfd, &si, sizeof(si)) == sizeof(si))
				on_signal(m, (int)si.ssi_signo);
		}
		if (nfds == 3 && pfd[2].revents)
			copy_output(m);
	}
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

static void teardown(struct monitor *m)
{
	char err[512];
	if (m->v->net.mode != VN_HOST && vn_teardown(&m->v->net, err, sizeof(err)) < 0)
		errorf("%s", err);
	if (m->pidfd >= 0)
		close(m->pidfd);
	m->pidfd = -1;
}

/* Waits out the back-off, still answering signals; false when told to stop. */
static bool back_off(struct monitor *m, int ms)
{
	long long until = mono_ms() + ms;
	while (!m->halting && !m->killing && mono_ms() < until) {
		struct pollfd pfd = { m->sfd, POLLIN, 0 };
		if (poll(&pfd, 1, (int)(until - mono_ms())) > 0) {
			struct signalfd_siginfo si;
			while (read(m->sfd, &si, sizeof(si)) == sizeof(si))
				if (si.ssi_signo != SIGCHLD)
					m->halting = true;
		}
	}
	return !m->halting && !m->killing;
}

static int setup_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	for (int s = 1; s < 32; s++)
		if (s != SIGKILL && s != SIGSTOP && s != SIGSEGV && s != SIGBUS && s != SIGFPE &&
		    s != SIGILL && s != SIGABRT)
			sigaddset(&set, s);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int monitor_run(struct vnode *v, int lockfd, int report_fd, bool foreground)
{
	struct monitor m = { .v = v, .report_fd = report_fd, .out_fd = -1, .log_fd = -1, .child_out = -1,
			     .pidfd = -1, .deadline = -1 };
	char pidline[32];
	int n = snprintf(pidline, sizeof(pidline), "%d\n", (int)getpid()), r, delay = 0;

	if (ftruncate(lockfd, 0) < 0 || pwrite(lockfd, pidline, (size_t)n, 0) != n ||
	    (m.sfd = setup_signals()) < 0) {
		errorf("%s: %s: %s", v->name, v->pidfile, strerror(errno));
		return EXIT_FAILED;
	}
	if (foreground) {  /* the console goes to the terminal and to the log */
		int p[2];
		m.log_fd = open(v->logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (m.log_fd < 0 || pipe2(p, O_CLOEXEC) < 0) {
			errorf("%s: %s: %s", v->name, v->logfile, strerror(errno));
			return EXIT_FAILED;
		}
		m.child_out = p[1];
		m.out_fd = p[0];
	}
	hook_run(v, "booting");
	r = boot_once(&m);
	for (; r == 0;) {
		report(&m, "up\n");
		hook_run(v, "up");
		long long booted = mono_ms();
		int status = watch(&m);
		teardown(&m);
		notef("%s: %s", v->name, m.killing ? "killed" : ending(status));
		if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP) || m.halting || m.killing)
			break;
		delay = mono_ms() - booted < CRASH_LOOP_S * 1000
			? (delay ? (delay * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : delay * 2) : BACKOFF_MIN_MS)
			: 0;
		if (delay && !back_off(&m, delay))
			break;
		hook_run(v, "booting");
		r = boot_once(&m);
	}
	if (m.killing) {
		char err[512];
		if (vm_remove_state(&v->vm, err, sizeof(err)) < 0)
			errorf("%s: %s", v->name, err);
	}
	if (r)
		teardown(&m);
	runtime_remove(v);
	hook_run(v, r ? "failed" : "down");
	return r;
}

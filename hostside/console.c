/* vnode console NAME: the operator's terminal on the vnode's console (console.h), raw,
 * its window size followed, until Ctrl-] pressed three times within a second detaches
 * (the vnode keeps running) or the vnode ends. The operator's terminal never enters the
 * vnode: only bytes cross, through the monitor. `vnode boot -f` is the same console,
 * attached from the start; its end is the vnode's, and a stop signal halts the vnode. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "console.h"
#include "vnode.h"

struct session {
	const char *name;
	int sock, report, sfd;
	pid_t monitor;             /* boot -f: the monitor, our child; else 0 */
	bool attached, raw, in_open, detached, ended, refused, halting;
	struct termios saved;
	unsigned presses;          /* Ctrl-] in a row, the first at first_ms */
	long long first_ms;
	char out[CON_MSG_MAX];     /* typed, not yet sent: the socket was full */
	size_t out_len;
	char report_msg[1400];     /* boot -f: the monitor's "up\n", or why not */
	size_t report_len;
};

/* A line for the operator, on stderr; a raw terminal needs its carriage return. */
static void __attribute__((format(printf, 2, 3))) say(const struct session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(s->raw ? "\r\n" : "\n", stderr);
}

static void send_winsize(const struct session *s)
{
	struct winsize ws;
	if (isatty(0) && ioctl(0, TIOCGWINSZ, &ws) == 0)
		console_send(s->sock, CON_WINSZ, &ws, sizeof(ws));  /* gone: the loop sees it */
}

static void go_raw(struct session *s)
{
	struct termios raw;
	s->attached = true;
	if (!isatty(0) || tcgetattr(0, &s->saved) < 0)
		return;
	raw = s->saved;
	cfmakeraw(&raw);
	s->raw = tcsetattr(0, TCSANOW, &raw) == 0;
	send_winsize(s);
}

/* Ctrl-] three times within a second, anywhere in what was typed. */
static bool detach_asked(struct session *s, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b[i] != CON_DETACH_KEY) {
			s->presses = 0;
			continue;
		}
		long long now = mono_ms();
		if (!s->presses || now - s->first_ms > 1000)
			s->presses = 0, s->first_ms = now;
		if (++s->presses == 3)
			return true;
	}
	return false;
}

static void from_operator(struct session *s)
{
	ssize_t n = read(0, s->out + 1, sizeof(s->out) - 1);
	if (n <= 0) {
		s->in_open = n < 0 && (errno == EINTR || errno == EAGAIN);
		return;
	}
	if (detach_asked(s, s->out + 1, (size_t)n))
		s->detached = true;
	else
		s->out_len = (size_t)n;
}

static void flush_typed(struct session *s)
{
	int r = console_send(s->sock, CON_INPUT, s->out + 1, s->out_len);
	if (r != -EAGAIN)
		s->out_len = 0;
}

static void write_all(int fd, const char *b, size_t n)
{
	for (ssize_t w; n > 0; b += w, n -= (size_t)w)
		if ((w = write(fd, b, n)) <= 0 && errno != EINTR)
			return;  /* the operator's output is gone: nothing to show it on */
		else if (w < 0)
			w = 0;
}

static bool booted(const struct session *s)
{
	return s->report_len >= 3 && !memcmp(s->report_msg, "up\n", 3);
}

static void from_monitor(struct session *s)
{
	char msg[CON_MSG_MAX];
	ssize_t n = recv(s->sock, msg, sizeof(msg), 0);
	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		s->ended = true;
		return;
	}
	if (msg[0] == CON_OUTPUT)
		write_all(1, msg + 1, (size_t)n - 1);
	else if (msg[0] == CON_SAY && n == 1 && !s->attached) {
		go_raw(s);
		say(s, "%s: attached to its console; Ctrl-] three times within a second detaches",
		    s->name);
	} else if (msg[0] == CON_BYE) {
		s->refused = !s->attached;
		if (!s->monitor || booted(s))  /* boot -f tells a failure from its report */
			say(s, "%.*s", (int)n - 1, msg + 1);
		s->ended = true;
	}
}

static void on_signal(struct session *s)
{
	struct signalfd_siginfo si;
	while (read(s->sfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGWINCH)
			send_winsize(s);
		else if (!s->monitor)
			s->detached = true;
		else if (!s->halting && kill(s->monitor, SIGTERM) == 0)
			s->halting = true;  /* boot -f: a stop of the foreground halts the vnode */
	}
}

static void from_report(struct session *s)
{
	ssize_t n = read(s->report, s->report_msg + s->report_len,
			 sizeof(s->report_msg) - 1 - s->report_len);
	if (n > 0) {
		s->report_len += (size_t)n;
		return;
	}
	if (n < 0 && errno == EINTR)
		return;
	close(s->report);
	s->report = -1;
	s->report_msg[s->report_len] = 0;
}

static int open_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH), sigaddset(&set, SIGINT), sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static void relay(struct session *s)
{
	while (!s->ended && !s->detached) {
		struct pollfd p[4] = {
			{ s->sock, POLLIN | (s->out_len ? POLLOUT : 0), 0 },
			{ s->in_open && s->attached && !s->out_len ? 0 : -1, POLLIN, 0 },
			{ s->sfd, POLLIN, 0 },
			{ s->report, POLLIN, 0 },
		};
		if (poll(p, 4, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents & POLLOUT)
			flush_typed(s);
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			from_monitor(s);
		if (p[1].revents)
			from_operator(s);
		if (p[2].revents)
			on_signal(s);
		if (p[3].revents)
			from_report(s);
	}
}

/* boot -f's status: the monitor's; a boot that failed, said as `vnode boot` says it. */
static int monitor_status(struct session *s)
{
	int status = 0;
	while (s->report >= 0)
		from_report(s);
	while (waitpid(s->monitor, &status, 0) < 0 && errno == EINTR)
		;
	if (!booted(s) && s->report_len)
		errorf("%s", s->report_msg);
	else if (!booted(s))
		monitor_died(s->name, status);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return EXIT_FAILED;
}

int console_attach(const char *name, int sock, bool force, pid_t monitor, int report)
{
	struct session s = { .name = name, .sock = sock, .report = report, .monitor = monitor,
			     .in_open = true };
	sigset_t old;
	if ((s.sfd = open_signals(&old)) < 0) {
		errorf("%s: signals: %s", name, strerror(errno));
		return EXIT_FAILED;
	}
	if (monitor)
		go_raw(&s);  /* boot -f: attached from the start */
	else if (console_send(sock, CON_HELLO, &(char){ force }, 1) < 0)
		s.ended = true;
	relay(&s);
	if (s.raw)
		tcsetattr(0, TCSADRAIN, &s.saved);
	s.raw = false;
	close(s.sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(sock);
	if (s.detached)
		say(&s, "%s: detached; it keeps running (vnode console %s attaches again)", name, name);
	if (s.detached || !monitor)
		return s.refused ? EXIT_FAILED : EXIT_OK;
	return monitor_status(&s);
}

int cmd_console(const char *name, bool force)
{
	struct vnode_id id = { 0 };
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char err[PATH_MAX + 64];
	if (vnode_id_set(&id, name, err, sizeof(err)) < 0)
		return exit_with(EXIT_USAGE, err);
	if (strlen(id.console) >= sizeof(a.sun_path))
		return exit_with(EXIT_USAGE, "console socket path too long");
	memcpy(a.sun_path, id.console, strlen(id.console) + 1);
	int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = errno;
		if (e == ENOENT || e == ECONNREFUSED)
			errorf("%s: not running (no console at %s)", name, id.console);
		else
			errorf("%s: %s: %s", name, id.console, strerror(e));
		return EXIT_FAILED;
	}
	return console_attach(name, sock, force, 0, -1);
}

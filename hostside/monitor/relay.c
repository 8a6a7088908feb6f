/* The monitor's side of the console (../console.h): what the vnode prints goes to
 * NAME.log, bounded by LOG_MAX, and to the one attached operator; what the operator
 * types goes to the console. Nothing here may stall the vnode: an operator who does not
 * read loses output (counted, and said at the end), and input waits in the socket while
 * nothing inside reads the console. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>
#include "../console.h"
#include "monitor.h"

/* Past LOG_MAX: NAME.log becomes NAME.log.1 (the one before goes) and a new NAME.log
 * takes its fd, and the monitor's own messages with it. A rename and an open: never a
 * wait, and the newest output is in the new file. */
static void rotate(struct watcher *w)
{
	char old[PATH_MAX + 8];
	snprintf(old, sizeof(old), "%s.1", w->id.logfile);
	int fd = rename(w->id.logfile, old) < 0 ? -1 :
		 open(w->id.logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0 || dup3(fd, w->h.log_fd, O_CLOEXEC) < 0 || dup2(w->h.log_fd, 1) < 0 ||
	    dup2(w->h.log_fd, 2) < 0)
		errorf("%s: rotating %s: %s", w->id.name, w->id.logfile, strerror(errno));
	if (fd >= 0)
		close(fd);
	w->log_size = 0;
}

static void drop_client(struct watcher *w)
{
	close(w->h.con_client);
	w->h.con_client = -1;
	w->in_len = w->in_off = 0;
}

/* The last output kept, for the screen of an operator who attaches later. */
static void keep(struct watcher *w, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		w->ring[w->ring_end++ % sizeof(w->ring)] = b[i];
}

/* The console to the log, the ring and the operator. The log rotates before a write
 * that would take it past LOG_MAX, so the newest output is always in NAME.log. Returns
 * what it read. */
static ssize_t copy_output(struct watcher *w)
{
	char buf[4096];
	ssize_t n = read(w->h.con, buf, sizeof(buf));
	if (n <= 0)
		return n;
	if (w->h.log_max > 0 && w->log_size > 0 && w->log_size + n > w->h.log_max)
		rotate(w);
	w->log_size += n;
	int client = w->h.con_client;
	console_fanout(buf, (size_t)n, w->h.log_fd, &w->h.con_client, w->lost);
	if (client >= 0 && w->h.con_client < 0)
		w->in_len = w->in_off = 0;
	keep(w, buf, (size_t)n);
	return n;
}

static void flush_input(struct watcher *w)
{
	ssize_t n = write(w->h.con, w->in + w->in_off, w->in_len - w->in_off);
	if (n > 0)
		w->in_off += (size_t)n;
	if (w->in_off == w->in_len || (n < 0 && errno != EAGAIN))
		w->in_len = w->in_off = 0;
}

static void from_client(struct watcher *w)
{
	char msg[CON_MSG_MAX];
	ssize_t n = recv(w->h.con_client, msg, sizeof(msg), MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		drop_client(w);
		return;
	}
	if (msg[0] == CON_INPUT && n > 1) {
		memcpy(w->in, msg + 1, (size_t)n - 1);
		w->in_len = (size_t)n - 1, w->in_off = 0;
		flush_input(w);
	} else if (msg[0] == CON_WINSZ && n == 1 + (ssize_t)sizeof(struct winsize) &&
		   ioctl(w->h.con, TIOCSWINSZ, msg + 1) < 0) {
		errorf("%s: console window size: %s", w->id.name, strerror(errno));
	}
}

static void say_bye(int fd, const char *line)
{
	console_send(fd, CON_BYE, line, strlen(line));  /* it may be gone: nothing to tell */
	close(fd);
}

/* The screen so far: what the ring holds, oldest first. */
static int replay(const struct watcher *w, int fd)
{
	size_t end = w->ring_end, size = sizeof(w->ring);
	for (size_t i = end > size ? end - size : 0, n; i < end; i += n) {
		n = size - i % size;  /* up to the ring's end, at most one message */
		n = n < end - i ? n : end - i;
		n = n < 4096 ? n : 4096;
		if (console_send(fd, CON_OUTPUT, w->ring + i % size, n) < 0)
			return -1;
	}
	return 0;
}

/* A new connection, from host root only: it says hello, then is the attached one, unless
 * one is attached already and it did not ask to take over. A root client that connects
 * and says nothing holds the monitor up to a second. */
static void greet(struct watcher *w)
{
	char msg[CON_MSG_MAX], line[200];
	struct ucred cr;
	socklen_t len = sizeof(cr);
	int fd = accept4(w->h.con_listen, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n = getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || cr.uid != 0 ||
				    poll(&p, 1, 1000) <= 0 ? -1 : recv(fd, msg, sizeof(msg), 0);
	if (n != 2 || msg[0] != CON_HELLO) {
		close(fd);
		return;
	}
	if (w->h.con_client >= 0 && !msg[1]) {
		snprintf(line, sizeof(line), "%s: its console is attached (by pid %d); "
			 "vnode console --force %s takes it over", w->id.name, (int)w->client_pid,
			 w->id.name);
		return say_bye(fd, line);
	}
	if (w->h.con_client >= 0) {
		snprintf(line, sizeof(line), "%s: console taken over by pid %d", w->id.name, (int)cr.pid);
		say_bye(w->h.con_client, line);
	}
	w->h.con_client = fd, w->client_pid = cr.pid, w->in_len = w->in_off = 0;
	if (console_send(fd, CON_SAY, "", 0) < 0 || replay(w, fd) < 0)
		drop_client(w);
}

void relay_poll(const struct watcher *w, struct pollfd *p)
{
	p[RELAY_MASTER] = (struct pollfd){ w->h.con, POLLIN | (w->in_len ? POLLOUT : 0), 0 };
	p[RELAY_LISTEN] = (struct pollfd){ w->h.con_listen, POLLIN, 0 };
	/* input waits in the socket while the console does not take what came before */
	p[RELAY_CLIENT] = (struct pollfd){ w->in_len ? -1 : w->h.con_client, POLLIN, 0 };
}

void relay_events(struct watcher *w, const struct pollfd *p)
{
	if (p[RELAY_MASTER].revents & POLLIN)
		copy_output(w);
	if (p[RELAY_MASTER].revents & POLLOUT)
		flush_input(w);
	if (p[RELAY_LISTEN].revents)
		greet(w);
	if (p[RELAY_CLIENT].revents)
		from_client(w);
}

void relay_drain(struct watcher *w)
{
	struct pollfd pfd = { w->h.con, POLLIN, 0 };
	while (w->h.con >= 0 && poll(&pfd, 1, 0) > 0 && copy_output(w) > 0)
		;
	if (w->lost[0] || w->lost[1])
		errorf("%s: console output lost: %u reads not fully written to %s, %u not sent to "
		       "the attached console", w->id.name, w->lost[0], w->id.logfile, w->lost[1]);
}

void relay_bye(struct watcher *w, const char *line)
{
	if (w->h.con_client >= 0 && console_send(w->h.con_client, CON_BYE, line, strlen(line)) < 0)
		errorf("%s: telling the console: %s", w->id.name, strerror(errno));
}

/* vnode exec with a terminal: the command gets a pty of the vnode's own devpts, and
 * the operator's terminal only ever talks to its master, here, outside. TIOCSTI inside
 * then lands in the vnode's pty, not the operator's shell (bubblewrap's CVE-2017-5226). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "vnode.h"

int pty_open(int rootfd, int *master, int *slave, char *err, size_t errlen)
{
	struct open_how how = { .flags = O_RDWR | O_NOCTTY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	struct winsize ws;
	int unlock = 0;
	*master = (int)syscall(SYS_openat2, rootfd, "dev/pts/ptmx", &how, sizeof(how));
	if (*master < 0)
		return vnode_err(err, errlen, errno, "its /dev/pts/ptmx: %s", strerror(errno));
	if (ioctl(*master, TIOCSPTLCK, &unlock) < 0 ||
	    (*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		int e = errno;
		close(*master);
		return vnode_err(err, errlen, e, "its pty: %s", strerror(e));
	}
	if (ioctl(0, TIOCGWINSZ, &ws) == 0 && ioctl(*master, TIOCSWINSZ, &ws) < 0)
		return vnode_err(err, errlen, errno, "its pty's window size: %s", strerror(errno));
	return 0;
}

/* Copies what can be read from in to out; false at its end (EOF, or EIO: the slave
 * closed). A failed write drops the bytes: the vnode must not stall on the operator. */
static bool pump(int in, int out)
{
	char buf[4096];
	ssize_t n = read(in, buf, sizeof(buf));
	if (n <= 0)
		return n < 0 && errno == EINTR;
	for (ssize_t done = 0, w; done < n; done += w)
		if ((w = write(out, buf + done, (size_t)(n - done))) <= 0)
			break;
	return true;
}

static int open_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH), sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -1;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* The operator's terminal raw, its window size followed, until the command ends and its
 * last output is shown; the terminal as it was after. Returns the wait status. */
int pty_proxy(int master, pid_t child)
{
	struct termios saved, raw;
	struct winsize ws;
	struct signalfd_siginfo si;
	sigset_t old;
	int status = 0, sfd = open_signals(&old);
	bool term = tcgetattr(0, &saved) == 0, in_open = true;
	raw = saved;
	cfmakeraw(&raw);
	if (term && tcsetattr(0, TCSANOW, &raw) < 0)
		term = false;
	for (bool out_open = true; out_open;) {
		struct pollfd p[3] = { { master, POLLIN, 0 }, { sfd, POLLIN, 0 }, { 0, POLLIN, 0 } };
		if (poll(p, in_open ? 3 : 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			out_open = pump(master, 1);
		if (in_open && p[2].revents && !pump(0, master))
			in_open = false;
		while (sfd >= 0 && read(sfd, &si, sizeof(si)) == sizeof(si))
			if (si.ssi_signo == SIGWINCH && ioctl(0, TIOCGWINSZ, &ws) == 0 &&
			    ioctl(master, TIOCSWINSZ, &ws) < 0)
				break;  /* the pty is gone: the loop sees it next */
	}
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (term)
		tcsetattr(0, TCSADRAIN, &saved);
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}

/* The console's making, by the launcher before a vnode's first boot (console.h): a pty
 * of the host's, its slave owned by the vnode's root, and the socket an operator
 * attaches through. Also the one way a message goes over that socket. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "console.h"
#include "handoff.h"
#include "runtime.h"

static int make_pty(struct handoff *h, unsigned uid, unsigned gid, char *err, size_t errlen)
{
	int unlock = 0;
	/* O_NOCTTY: the monitor leads a session, and this must not become its terminal */
	h->con = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (h->con < 0)
		return vnode_err(err, errlen, errno, "/dev/ptmx: %s", strerror(errno));
	if (ioctl(h->con, TIOCSPTLCK, &unlock) < 0 ||
	    (h->con_slave = ioctl(h->con, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return vnode_err(err, errlen, errno, "console pty: %s", strerror(errno));
	if (fchown(h->con_slave, uid, gid) < 0 || fchmod(h->con_slave, 0600) < 0)
		return vnode_err(err, errlen, errno, "console pty: owner: %s", strerror(errno));
	return 0;
}

/* Root only: the directory is root's, the socket 0600, and the monitor checks the
 * peer's uid as well. A socket left by a SIGKILLed monitor is replaced (we hold the lock). */
static int make_socket(struct handoff *h, const struct vnode_id *id, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(id->console) >= sizeof(a.sun_path))
		return vnode_err(err, errlen, ENAMETOOLONG, "%s: too long", id->console);
	strcpy(a.sun_path, id->console);
	h->con_listen = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (h->con_listen < 0 || (unlink(id->console) < 0 && errno != ENOENT) ||
	    bind(h->con_listen, (struct sockaddr *)&a, sizeof(a)) < 0 || chmod(id->console, 0600) < 0 ||
	    listen(h->con_listen, 4) < 0)
		return vnode_err(err, errlen, errno, "%s: %s", id->console, strerror(errno));
	return 0;
}

int console_create(struct handoff *h, const struct vnode_id *id, unsigned uid, unsigned gid,
		   char *err, size_t errlen)
{
	int r = make_pty(h, uid, gid, err, errlen);
	return r < 0 ? r : make_socket(h, id, err, errlen);
}

int console_send(int sock, char tag, const void *data, size_t len)
{
	char msg[CON_MSG_MAX];
	if (len > sizeof(msg) - 1)
		len = sizeof(msg) - 1;
	msg[0] = tag;
	memcpy(msg + 1, data, len);
	return send(sock, msg, len + 1, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

void console_fanout(const char *buf, size_t n, int log, int *client, unsigned lost[2])
{
	if (write(log, buf, n) != (ssize_t)n)
		lost[0]++;
	int r = *client < 0 ? 0 : console_send(*client, CON_OUTPUT, buf, n);
	if (r == -EAGAIN)
		lost[1]++;
	else if (r < 0) {
		close(*client);  /* the operator went away */
		*client = -1;
	}
}

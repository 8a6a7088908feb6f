/* One message between the monitor and the child that becomes a vnode's init, over
 * their unix socket: a tag, a fixed-size payload, and open fds (SCM_RIGHTS). The
 * monitor sends the prepared mounts of the root this way (launch.c, child.c). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "vnode.h"

#define FDPASS_CMSG CMSG_SPACE(sizeof(int) * FDPASS_MAX_FDS)

int fdpass_send(int sock, char tag, const void *data, size_t len, const int *fds, unsigned n)
{
	char buf[FDPASS_CMSG];
	struct iovec iov[2] = { { &tag, 1 }, { (void *)data, len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	if (n > FDPASS_MAX_FDS)
		return -EINVAL;
	if (n) {
		memset(buf, 0, sizeof(buf));
		msg.msg_control = buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n);
	}
	ssize_t r = sendmsg(sock, &msg, MSG_NOSIGNAL);
	return r == (ssize_t)(1 + len) ? 0 : r < 0 ? -errno : -EMSGSIZE;
}

/* The fds of the message's SCM_RIGHTS into fds[], at most max (the rest closed). */
static void take_fds(struct msghdr *msg, int *fds, unsigned max, unsigned *n)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		unsigned k = (unsigned)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (unsigned i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*n < max)
				fds[(*n)++] = fd;
			else
				close(fd);
		}
	}
}

int fdpass_recv(int sock, char *tag, void *data, size_t len, int *fds, unsigned max, unsigned *n)
{
	char buf[FDPASS_CMSG];
	struct iovec iov[2] = { { tag, 1 }, { data, len } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1, .msg_control = buf,
			      .msg_controllen = sizeof(buf) };
	ssize_t r;

	*n = 0;
	while ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return -errno;
	if (r == 0)
		return -EPIPE;  /* the peer ended without sending */
	take_fds(&msg, fds, max, n);
	if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC) || r != (ssize_t)(1 + len))
		return -EMSGSIZE;
	return 0;
}

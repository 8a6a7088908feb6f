/* Open fds from the child that builds a vnode's root to its monitor, over a unix
 * socket (SCM_RIGHTS): the loop devices of the disks beyond the root, which the
 * monitor must hold for the vnode's whole life (see child.c). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "vnode.h"

int fdpass_send(int sock, char tag, const int *fds, unsigned n)
{
	char buf[CMSG_SPACE(sizeof(int) * VM_MAX_DISKS)];
	struct iovec iov = { &tag, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n > VM_MAX_DISKS)
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
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

int fdpass_recv(int sock, char *tag, int *fds, unsigned max, unsigned *n)
{
	char buf[CMSG_SPACE(sizeof(int) * VM_MAX_DISKS)];
	struct iovec iov = { tag, 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf,
			      .msg_controllen = sizeof(buf) };
	ssize_t r;

	*n = 0;
	while ((r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return -errno;
	if (r == 0)
		return -EPIPE;  /* the child ended without sending */
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
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
	return (msg.msg_flags & MSG_CTRUNC) ? -EMSGSIZE : 0;
}

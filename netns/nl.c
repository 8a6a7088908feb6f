/* The one wrapper around the netlink route socket: every request asks for an ACK and the
 * ACK is checked by vn_nl_check. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "vnet_int.h"

int vn_nl_open(struct vn_nl *nl)
{
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl->sock)
		return -errno;
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return -e;
	}
	/* Best effort: older kernels just give no error text. */
	(void)!mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)!mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = 1;
	return 0;
}

void vn_nl_close(struct vn_nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

int vn_nl_request(struct vn_nl *nl, struct nlmsghdr *nlh, vn_nl_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int r;

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++nl->seq;
	nl->ext[0] = '\0';
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		r = vn_nl_check(buf, (size_t)n, nlh->nlmsg_seq, nl->portid, cb, data, nl->ext,
				sizeof(nl->ext));
	} while (r == 1);
	return r;
}

const char *vn_nl_why(const struct vn_nl *nl, char *buf, size_t len)
{
	if (!nl->ext[0])
		return "";
	snprintf(buf, len, " (kernel: %s)", nl->ext);
	return buf;
}

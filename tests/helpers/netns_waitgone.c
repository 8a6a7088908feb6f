/* Waits, by netlink link events and not by polling with sleeps, until none of the named
 * interfaces exists in this netns any more: how a test knows "the kernel has finished".
 *   netns_waitgone TIMEOUT_MS IFNAME...    exit 0 all gone, 1 timeout or error */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int any_left(int argc, char **argv)
{
	for (int i = 2; i < argc; i++)
		if (if_nametoindex(argv[i]))
			return i;
	return 0;
}

int main(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	long deadline;
	int left;

	if (argc < 3) {
		fprintf(stderr, "usage: netns_waitgone TIMEOUT_MS IFNAME...\n");
		return 2;
	}
	deadline = now_ms() + atol(argv[1]);
	nl = mnl_socket_open(NETLINK_ROUTE);
	/* Subscribe before the first look, so that no deletion falls between the two. */
	if (!nl || mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		perror("netns_waitgone: netlink");
		return 1;
	}
	while ((left = any_left(argc, argv))) {
		struct pollfd p = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
		long wait = deadline - now_ms();
		int r;

		if (wait <= 0) {
			fprintf(stderr, "netns_waitgone: %s still exists after %s ms\n", argv[left], argv[1]);
			return 1;
		}
		r = poll(&p, 1, (int)wait);
		if (r < 0 && errno != EINTR) {
			perror("netns_waitgone: poll");
			return 1;
		}
		/* Events only wake us; ENOBUFS (overrun) is harmless since we look again. */
		if (r > 0 && mnl_socket_recvfrom(nl, buf, sizeof(buf)) < 0 && errno != ENOBUFS) {
			perror("netns_waitgone: recv");
			return 1;
		}
	}
	mnl_socket_close(nl);
	return 0;
}

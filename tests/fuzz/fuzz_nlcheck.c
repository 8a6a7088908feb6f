/* The netlink reply checker (netns/nl.c's vn_nl_check) on any bytes as a reply to
 * request 7 on port 42, with a callback that walks each data message's attributes. */
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "fuzz.h"
#include "vnet.h"

static int walk(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return 0;
	const struct rtattr *a = IFLA_RTA(NLMSG_DATA(nlh));
	int len = (int)IFLA_PAYLOAD(nlh);
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len))
		(void)RTA_PAYLOAD(a);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char msg[256] = "";
	/* aligned, as a recv buffer is */
	void *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	(void)vn_nl_check(buf, size, 7, 42, walk, NULL, msg, sizeof(msg));
	if (!memchr(msg, 0, sizeof(msg)))
		abort();
	free(buf);
	return 0;
}

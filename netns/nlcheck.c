/* Pure: checks the kernel's replies to one netlink request, on a buffer, so that canned
 * messages can test it without a socket. */
#include <errno.h>
#include <linux/netlink.h>
#include <string.h>

#include "vnet.h"

#define ALIGN4(n) (((n) + 3u) & ~3u)

/* The extended ack's NLMSGERR_ATTR_MSG, after the echoed request (or its header only when
 * the ack was capped). */
static void ext_msg(const struct nlmsghdr *nlh, const struct nlmsgerr *e, char *msg, size_t msglen)
{
	size_t off, end = nlh->nlmsg_len;

	if (!msg || !msglen || !(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	off = ALIGN4(off);
	while (off + sizeof(struct nlattr) <= end) {
		const struct nlattr *a = (const void *)((const char *)nlh + off);

		if (a->nla_len < sizeof(*a) || off + a->nla_len > end)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			size_t n = strnlen((const char *)(a + 1), a->nla_len - sizeof(*a));

			if (n >= msglen)
				n = msglen - 1;
			memcpy(msg, a + 1, n);
			msg[n] = '\0';
			while (n && msg[n - 1] == '\n')
				msg[--n] = '\0';
			return;
		}
		off += ALIGN4(a->nla_len);
	}
}

int vn_nl_check(const void *buf, size_t len, uint32_t seq, uint32_t portid, vn_nl_cb cb,
		void *data, char *msg, size_t msglen)
{
	const char *p = buf;

	if (msg && msglen)
		msg[0] = '\0';
	while (len > 0) {
		const struct nlmsghdr *nlh = (const void *)p;
		size_t step;

		if (len < sizeof(*nlh) || nlh->nlmsg_len < sizeof(*nlh) || nlh->nlmsg_len > len)
			return -EBADMSG;
		if (nlh->nlmsg_pid && nlh->nlmsg_pid != portid)
			return -ESRCH;
		if (nlh->nlmsg_seq != seq)
			return -EPROTO;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(nlh);

			if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				return -EBADMSG;
			if (e->error == 0)
				return 0;
			ext_msg(nlh, e, msg, msglen);
			return e->error < 0 ? e->error : -EPROTO;
		}
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 0;
		if (nlh->nlmsg_type >= NLMSG_MIN_TYPE && cb) {
			int r = cb(nlh, data);

			if (r < 0)
				return r;
		}
		step = NLMSG_ALIGN(nlh->nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 1;
}

/* In the child, inside its new netns, before it execs init: loopback, the cables' ends,
 * ADDRS and the default route. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "vnet_int.h"

static int add_addr(struct vn_nl *nl, const struct vn_addr *a)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	size_t alen = a->family == AF_INET ? 4 : 16;
	unsigned idx = if_nametoindex(a->ifname);

	if (!idx)
		return -errno;
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)a->family;
	ifa->ifa_prefixlen = (uint8_t)a->prefix;
	ifa->ifa_index = idx;
	mnl_attr_put(nlh, IFA_LOCAL, alen, a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, a->addr);
	return vn_nl_request(nl, nlh, NULL, NULL);
}

static int add_default_route(struct vn_nl *nl, const struct vn_config *c)
{
	char buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)c->gw_family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, c->gw_family == AF_INET ? 4 : 16, c->gateway);
	return vn_nl_request(nl, nlh, NULL, NULL);
}

int vn_setup_inside(const struct vn_config *c, char *err, size_t errlen)
{
	char why[160], txt[INET6_ADDRSTRLEN];
	struct vn_nl nl;
	int r;

	if (c->mode == VN_HOST)
		return 0;
	r = vn_nl_open(&nl);
	if (r < 0)
		return vn_err(err, errlen, -r, "%s: netlink socket: %s", c->name, strerror(-r));
	r = vn_link_up(&nl, "lo");
	if (r < 0) {
		vn_err(err, errlen, -r, "%s: lo up: %s%s", c->name, strerror(-r),
		       vn_nl_why(&nl, why, sizeof(why)));
		goto out;
	}
	for (unsigned i = 0; i < c->ncables; i++) {
		r = vn_link_up(&nl, c->cables[i].peer_if);
		if (r < 0) {
			vn_err(err, errlen, -r, "%s: %s up: %s%s", c->name, c->cables[i].peer_if,
			       strerror(-r), vn_nl_why(&nl, why, sizeof(why)));
			goto out;
		}
	}
	for (unsigned i = 0; i < c->naddrs; i++) {
		const struct vn_addr *a = &c->addrs[i];

		r = add_addr(&nl, a);
		if (r < 0) {
			inet_ntop(a->family, a->addr, txt, sizeof(txt));
			vn_err(err, errlen, -r, "%s: address %s/%u on %s: %s%s", c->name, txt, a->prefix,
			       a->ifname, strerror(-r), vn_nl_why(&nl, why, sizeof(why)));
			goto out;
		}
	}
	if (c->has_gateway) {
		r = add_default_route(&nl, c);
		if (r < 0) {
			inet_ntop(c->gw_family, c->gateway, txt, sizeof(txt));
			vn_err(err, errlen, -r, "%s: default route via %s: %s%s", c->name, txt,
			       strerror(-r), vn_nl_why(&nl, why, sizeof(why)));
		}
	}
out:
	vn_nl_close(&nl);
	return r;
}

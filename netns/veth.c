/* One cable in one RTM_NEWLINK: the veth pair with its peer created directly in the vnode's
 * namespace (no move afterwards), both MACs set, host end enslaved and up. */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "vnet_int.h"

/* The one queue each way a veth gets by default, asked for outright: left to the kernel it
 * allocates one per CPU and cuts the registered end back to one, which waits for an RCU
 * grace period. */
static void one_queue_each_way(struct nlmsghdr *nlh)
{
	mnl_attr_put_u32(nlh, IFLA_NUM_TX_QUEUES, 1);
	mnl_attr_put_u32(nlh, IFLA_NUM_RX_QUEUES, 1);
}

int vn_veth_create(struct vn_nl *nl, const struct vn_cable *cb, pid_t pid)
{
	char buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm, *peer;
	struct nlattr *linkinfo, *data, *peerattr;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, cb->host_if);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, cb->host_mac);
	one_queue_each_way(nlh);
	if (cb->bridge[0]) {
		unsigned idx = if_nametoindex(cb->bridge);

		if (!idx)
			return -ENODEV;
		mnl_attr_put_u32(nlh, IFLA_MASTER, idx);
	}
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerattr = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow its own ifinfomsg inside VETH_INFO_PEER. Its flags stay 0:
	 * the kernel configures the peer before linking the pair, so IFF_UP there fails with
	 * ENOTCONN; vn_setup_inside brings eth<i> up. */
	peer = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer));
	peer->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, cb->peer_if);
	mnl_attr_put(nlh, IFLA_ADDRESS, 6, cb->mac);
	one_queue_each_way(nlh);
	mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)pid);
	mnl_attr_nest_end(nlh, peerattr);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);
	return vn_nl_request(nl, nlh, NULL, NULL);
}

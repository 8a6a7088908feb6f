/* Links over rtnetlink: look up, delete, retire (rename out of the way), bring up. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "vnet_int.h"

static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags, const char *ifname,
				 struct ifinfomsg **ifm)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	*ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifm));
	(*ifm)->ifi_family = AF_UNSPEC;
	if (ifname)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
	return nlh;
}

static int kind_cb(const struct nlattr *a, void *data)
{
	struct vn_link *l = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND && mnl_attr_validate(a, MNL_TYPE_STRING) == 0) {
		strncpy(l->kind, mnl_attr_get_str(a), sizeof(l->kind) - 1);
		l->kind[sizeof(l->kind) - 1] = '\0';
	}
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *a, void *data)
{
	struct vn_link *l = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_ADDRESS:
		if (mnl_attr_get_payload_len(a) == 6) {
			memcpy(l->mac, mnl_attr_get_payload(a), 6);
			l->has_mac = true;
		}
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) == 0)
			mnl_attr_parse_nested(a, kind_cb, l);
		break;
	}
	return MNL_CB_OK;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct vn_link *l = data;
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	l->index = ifm->ifi_index;
	mnl_attr_parse(nlh, sizeof(*ifm), link_attr_cb, l);
	return 0;
}

int vn_link_get(struct vn_nl *nl, const char *ifname, struct vn_link *out)
{
	char buf[256];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, ifname, &ifm);

	memset(out, 0, sizeof(*out));
	/* Do not make the kernel dump statistics we do not read. */
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, 0);
	return vn_nl_request(nl, nlh, link_cb, out);
}

int vn_link_del(struct vn_nl *nl, const char *ifname)
{
	char buf[256];
	struct ifinfomsg *ifm;
	int r = vn_nl_request(nl, link_msg(buf, RTM_DELLINK, 0, ifname, &ifm), NULL, NULL);

	return r == -ENODEV ? 0 : r;
}

int vn_link_retire(struct vn_nl *nl, int index)
{
	char buf[256], name[IFNAMSIZ];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, NULL, &ifm);
	int r;

	/* Down and off its bridge first: older kernels refuse to rename an interface that is
	 * up, and a port left on the bridge would share the new veth's MAC there. */
	ifm->ifi_index = index;
	ifm->ifi_change = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MASTER, 0);
	if ((r = vn_nl_request(nl, nlh, NULL, NULL)) < 0)
		return r;
	snprintf(name, sizeof(name), "vnold%d", index);
	nlh = link_msg(buf, RTM_NEWLINK, 0, name, &ifm);
	ifm->ifi_index = index;
	return vn_nl_request(nl, nlh, NULL, NULL);
}

int vn_link_up(struct vn_nl *nl, const char *ifname)
{
	char buf[256];
	struct ifinfomsg *ifm;
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifname, &ifm);

	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return vn_nl_request(nl, nlh, NULL, NULL);
}

bool vn_link_is_ours(const struct vn_link *l, const struct vn_cable *cb)
{
	return !strcmp(l->kind, "veth") && l->has_mac && !memcmp(l->mac, cb->host_mac, 6);
}

/* Internal to netns/: the netlink socket wrapper and link helpers. */
#ifndef VNET_INT_H
#define VNET_INT_H

#include <libmnl/libmnl.h>
#include "vnet_base.h"

/* One netlink route socket with extended acks. */
struct vn_nl {
	struct mnl_socket *sock;
	uint32_t portid;
	uint32_t seq;
	char ext[128]; /* the kernel's extended-ack text for the last failed request, or "" */
};
int vn_nl_open(struct vn_nl *nl);
void vn_nl_close(struct vn_nl *nl);
/* Sends nlh with NLM_F_ACK and a fresh sequence number, then reads until the ACK; replies
 * carrying data go to cb. 0 or -errno. */
int vn_nl_request(struct vn_nl *nl, struct nlmsghdr *nlh, vn_nl_cb cb, void *data);
/* " (kernel: TEXT)" when the last request failed with an extended-ack text, else "" */
const char *vn_nl_why(const struct vn_nl *nl, char *buf, size_t len);

/* What RTM_GETLINK tells about one interface. */
struct vn_link {
	int index;
	char kind[16]; /* IFLA_INFO_KIND: "bridge", "veth", or "" */
	uint8_t mac[6];
	bool has_mac;
};
/* 0, -ENODEV when there is no such interface, or -errno. */
int vn_link_get(struct vn_nl *nl, const char *ifname, struct vn_link *out);
/* Deletes by name; already gone (ENODEV) counts as success. */
int vn_link_del(struct vn_nl *nl, const char *ifname);
/* Frees a leftover's name at once: takes interface index down, off its bridge, and
 * renames it vnoldINDEX. 0 or -errno (-ENODEV: gone meanwhile). */
int vn_link_retire(struct vn_nl *nl, int index);
/* Sets IFF_UP, by name. */
int vn_link_up(struct vn_nl *nl, const char *ifname);
/* One RTM_NEWLINK: the veth pair of cable cb, peer in the netns of pid, both up. */
int vn_veth_create(struct vn_nl *nl, const struct vn_cable *cb, pid_t pid);
/* Is this existing interface the host side of cable cb from an earlier run? */
bool vn_link_is_ours(const struct vn_link *l, const struct vn_cable *cb);

#endif

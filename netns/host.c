/* Host side, from the monitor process once the child exists in its new netns. */
#include <errno.h>
#include <string.h>

#include "vnet_int.h"

/* A leftover NAME<i> is usually dying: its namespace died a few ms ago and the kernel has
 * not deleted it yet. RTM_DELLINK would wait in an RCU barrier (18 ms a boot, off-CPU trace
 * of back-to-back boots), so the leftover is renamed out of the way instead; the
 * namespace's death deletes it. Should it have no name to take, it is deleted. A few
 * rounds cover the races with the kernel's own deletion. */
#define RECLAIM_TRIES 4

static int create_cable(struct vn_nl *nl, const struct vn_config *c, unsigned i, pid_t child,
			char *err, size_t errlen)
{
	const struct vn_cable *cb = &c->cables[i];
	char why[160];
	struct vn_link l;
	int r;

	for (int t = 0;; t++) {
		r = vn_veth_create(nl, cb, child);
		if (r != -EEXIST || t == RECLAIM_TRIES)
			break;
		r = vn_link_get(nl, cb->host_if, &l);
		if (r == -ENODEV)
			continue; /* gone meanwhile, or eth<i> exists inside: retry tells */
		if (r < 0)
			return vn_err(err, errlen, -r, "%s: looking up %s: %s", c->name, cb->host_if,
				      strerror(-r));
		if (!vn_link_is_ours(&l, cb))
			return vn_err(err, errlen, EEXIST,
				      "%s: host interface name %s (BRIDGES entry %u) is taken by another interface",
				      c->name, cb->host_if, i);
		r = vn_link_retire(nl, l.index);
		if (r == -ENODEV)
			continue; /* the kernel deleted it meanwhile */
		if (r < 0)
			r = vn_link_del(nl, cb->host_if);
		if (r < 0)
			return vn_err(err, errlen, -r, "%s: deleting leftover %s: %s%s", c->name,
				      cb->host_if, strerror(-r), vn_nl_why(nl, why, sizeof(why)));
	}
	if (r == -ENODEV && cb->bridge[0])
		return vn_err(err, errlen, -r,
			      "%s: bridge \"%s\" does not exist (create it: ip link add %s type bridge)",
			      c->name, cb->bridge, cb->bridge);
	if (r < 0)
		return vn_err(err, errlen, -r, "%s: creating veth %s/%s%s%s: %s%s", c->name, cb->host_if,
			      cb->peer_if, cb->bridge[0] ? " on bridge " : "", cb->bridge,
			      strerror(-r), vn_nl_why(nl, why, sizeof(why)));
	return 0;
}

int vn_setup_host(const struct vn_config *c, pid_t child, char *err, size_t errlen)
{
	struct vn_nl nl;
	unsigned made = 0;
	int r;

	if (c->mode == VN_HOST)
		return 0;
	r = vn_nsname_set(c->name, child, err, errlen);
	if (r < 0 || c->ncables == 0)
		return r;
	r = vn_nl_open(&nl);
	if (r < 0) {
		vn_err(err, errlen, -r, "%s: netlink socket: %s", c->name, strerror(-r));
		goto undo_name;
	}
	for (; made < c->ncables; made++) {
		r = create_cable(&nl, c, made, child, err, errlen);
		if (r < 0)
			break;
	}
	if (r < 0)
		/* Leave nothing behind on failure; errors here would hide the first one. */
		while (made--)
			(void)vn_link_del(&nl, c->cables[made].host_if);
	vn_nl_close(&nl);
	if (r == 0)
		return 0;
undo_name:
	(void)vn_nsname_remove(c->name, NULL, 0);
	return r;
}

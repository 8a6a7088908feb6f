/* Host side, before anything is created: every bad input is reported here, while there is
 * still nothing to clean up. */
#include <errno.h>
#include <string.h>

#include "vnet_int.h"

static int check_cable(struct vn_nl *nl, const char *name, unsigned i, const struct vn_cable *cb,
		       char *err, size_t errlen)
{
	struct vn_link l;
	int r;

	if (cb->bridge[0]) {
		r = vn_link_get(nl, cb->bridge, &l);
		if (r == -ENODEV)
			return vn_err(err, errlen, -r,
				      "%s: bridge \"%s\" does not exist (create it: ip link add %s type bridge)",
				      name, cb->bridge, cb->bridge);
		if (r < 0)
			return vn_err(err, errlen, -r, "%s: looking up bridge \"%s\": %s", name, cb->bridge,
				      strerror(-r));
		if (strcmp(l.kind, "bridge"))
			return vn_err(err, errlen, ENOTSUP, "%s: \"%s\" is not a bridge (it is a %s link)",
				      name, cb->bridge, l.kind[0] ? l.kind : "plain");
	}
	r = vn_link_get(nl, cb->host_if, &l);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return vn_err(err, errlen, -r, "%s: looking up %s: %s", name, cb->host_if, strerror(-r));
	if (!vn_link_is_ours(&l, cb))
		return vn_err(err, errlen, EEXIST,
			      "%s: host interface name %s (BRIDGES entry %u) is taken by another interface",
			      name, cb->host_if, i);
	return 0; /* a leftover of this vnode: vn_setup_host reclaims it */
}

int vn_check(const struct vn_config *c, char *err, size_t errlen)
{
	struct vn_nl nl;
	int r = 0;

	if (c->mode != VN_PRIVATE || c->ncables == 0)
		return 0;
	if (c->ncables > VN_MAX_CABLES)
		return vn_err(err, errlen, E2BIG, "%s: %u BRIDGES entries, the limit is %d", c->name,
			      c->ncables, VN_MAX_CABLES);
	r = vn_nl_open(&nl);
	if (r < 0)
		return vn_err(err, errlen, -r, "%s: netlink socket: %s", c->name, strerror(-r));
	for (unsigned i = 0; i < c->ncables && r == 0; i++)
		r = check_cable(&nl, c->name, i, &c->cables[i], err, errlen);
	vn_nl_close(&nl);
	return r;
}

/* Pure: the whole network configuration of one vnode, checked as a unit. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vnet_int.h"

static const char *const mode_names[] = { [VN_PRIVATE] = "private", [VN_HOST] = "host",
					  [VN_NONE] = "none" };

static bool addr_if_known(const struct vn_config *c, const char *ifname)
{
	if (!strcmp(ifname, "lo"))
		return true;
	for (unsigned k = 0; k < c->ncables; k++)
		if (!strcmp(ifname, c->cables[k].peer_if))
			return true;
	return false;
}

static int check_macs(const struct vn_config *c, char *err, size_t errlen)
{
	for (unsigned a = 0; a < c->ncables; a++)
		for (unsigned b = a + 1; b < c->ncables; b++)
			if (!memcmp(c->cables[a].mac, c->cables[b].mac, 6)) {
				const uint8_t *m = c->cables[a].mac;

				return vn_err(err, errlen, EINVAL,
					      "%s: BRIDGES entries %u and %u have the same MAC %02x:%02x:%02x:%02x:%02x:%02x",
					      c->name, a, b, m[0], m[1], m[2], m[3], m[4], m[5]);
			}
	return 0;
}

int vn_config_init(struct vn_config *c, const char *name, const char *network,
		   const char *const *bridges, unsigned nbridges, const char *const *addrs,
		   unsigned naddrs, const char *gateway, char *err, size_t errlen)
{
	char why[200];
	int r;

	memset(c, 0, sizeof(*c));
	if (!name || !vnode_name_valid(name))
		return vn_err(err, errlen, EINVAL,
			      "invalid vnode name \"%s\" (" VNODE_NAME_RULE ")", name ? name : "");
	strcpy(c->name, name);
	r = vn_parse_mode(network, &c->mode, why, sizeof(why));
	if (r < 0)
		return vn_err(err, errlen, -r, "%s: %s", name, why);
	if (c->mode != VN_PRIVATE && (nbridges || naddrs || gateway))
		return vn_err(err, errlen, EINVAL, "%s: NETWORK=%s takes no BRIDGES, ADDRS or GATEWAY",
			      name, mode_names[c->mode]);
	if (nbridges > VN_MAX_CABLES)
		return vn_err(err, errlen, E2BIG, "%s: %u BRIDGES entries, the limit is %d", name,
			      nbridges, VN_MAX_CABLES);
	if (naddrs > VN_MAX_ADDRS)
		return vn_err(err, errlen, E2BIG, "%s: %u ADDRS entries, the limit is %d", name, naddrs,
			      VN_MAX_ADDRS);
	for (unsigned i = 0; i < nbridges; i++) {
		r = vn_parse_cable(name, i, bridges[i], &c->cables[i], why, sizeof(why));
		if (r < 0)
			return vn_err(err, errlen, -r, "%s: %s", name, why);
		c->ncables++;
	}
	r = check_macs(c, err, errlen);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < naddrs; i++) {
		r = vn_parse_addr(addrs[i], &c->addrs[i], why, sizeof(why));
		if (r < 0)
			return vn_err(err, errlen, -r, "%s: %s", name, why);
		if (!addr_if_known(c, c->addrs[i].ifname))
			return vn_err(err, errlen, EINVAL,
				      "%s: ADDRS entry \"%s\": no interface %s (lo or eth0..eth%u)", name,
				      addrs[i], c->addrs[i].ifname, c->ncables ? c->ncables - 1 : 0);
		c->naddrs++;
	}
	if (gateway && *gateway) {
		r = vn_parse_gateway(gateway, c, why, sizeof(why));
		if (r < 0)
			return vn_err(err, errlen, -r, "%s: %s", name, why);
	}
	return 0;
}

/* Pure parsing of NETWORK=, BRIDGES=, ADDRS= and GATEWAY= entries. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vnet_int.h"

/* Interface names the kernel accepts (dev_valid_name), minus ':' which splits entries. */
static bool ifname_valid(const char *s, size_t n)
{
	if (n == 0 || n >= IFNAMSIZ || (n == 1 && s[0] == '.') || (n == 2 && !memcmp(s, "..", 2)))
		return false;
	for (size_t k = 0; k < n; k++)
		if (s[k] == '/' || s[k] == ':' || (unsigned char)s[k] <= ' ' || s[k] == 0x7f)
			return false;
	return true;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int vn_parse_mac(const char *text, uint8_t mac[6], char *err, size_t errlen)
{
	const char *p = text;

	for (int k = 0; k < 6; k++) {
		int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);

		if (lo < 0 || p[2] != (k == 5 ? '\0' : ':'))
			return vn_err(err, errlen, EINVAL,
				      "malformed MAC \"%s\" (want six hex pairs: 06:a7:dd:b4:02:f2)", text);
		mac[k] = (uint8_t)(hi << 4 | lo);
		p += 3;
	}
	if (mac[0] & 1)
		return vn_err(err, errlen, EINVAL,
			      "MAC %s is multicast (the first byte must be even, e.g. 02:...)", text);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return vn_err(err, errlen, EINVAL, "MAC %s is all zeros", text);
	return 0;
}

int vn_parse_cable(const char *name, unsigned i, const char *text, struct vn_cable *out,
		   char *err, size_t errlen)
{
	const char *colon = strchr(text, ':');
	size_t blen = colon ? (size_t)(colon - text) : strlen(text);
	int r;

	memset(out, 0, sizeof(*out));
	if (!vnode_name_valid(name))
		return vn_err(err, errlen, EINVAL, "invalid vnode name \"%s\"", name);
	if (i >= VN_MAX_CABLES)
		return vn_err(err, errlen, E2BIG, "BRIDGES entry %u: at most %d entries", i,
			      VN_MAX_CABLES);
	if (blen && !ifname_valid(text, blen))
		return vn_err(err, errlen, EINVAL, "BRIDGES entry %u \"%s\": invalid bridge name", i,
			      text);
	memcpy(out->bridge, text, blen);
	out->bridge[blen] = '\0';
	if (colon && colon[1]) {
		char why[128];

		r = vn_parse_mac(colon + 1, out->mac, why, sizeof(why));
		if (r < 0)
			return vn_err(err, errlen, -r, "BRIDGES entry %u: %s", i, why);
		out->mac_given = true;
	} else {
		vn_derive_mac(name, i, 'v', out->mac);
	}
	vn_derive_mac(name, i, 'h', out->host_mac);
	vn_host_ifname(name, i, out->host_if);
	snprintf(out->peer_if, sizeof(out->peer_if), "eth%u", i % 100);
	return 0;
}

/* "10.1.0.2/24" or "fd00::2/64" */
static int parse_prefixed(const char *text, int *family, unsigned char addr[16], unsigned *prefix)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	unsigned long p;

	if (strlen(text) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, text);
	slash = strchr(buf, '/');
	if (!slash || !slash[1])
		return -EINVAL;
	*slash = '\0';
	errno = 0;
	p = strtoul(slash + 1, &end, 10);
	if (*end || errno || slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	if (inet_pton(AF_INET, buf, addr) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		*family = AF_INET6;
	else
		return -EINVAL;
	if (p > (*family == AF_INET ? 32u : 128u))
		return -EINVAL;
	*prefix = (unsigned)p;
	return 0;
}

int vn_parse_addr(const char *text, struct vn_addr *out, char *err, size_t errlen)
{
	const char *colon = strchr(text, ':');

	memset(out, 0, sizeof(*out));
	if (!colon || !ifname_valid(text, (size_t)(colon - text)) ||
	    parse_prefixed(colon + 1, &out->family, out->addr, &out->prefix) < 0)
		return vn_err(err, errlen, EINVAL,
			      "malformed ADDRS entry \"%s\" (want IF:ADDRESS/PREFIX, e.g. eth0:10.1.0.2/24)",
			      text);
	memcpy(out->ifname, text, (size_t)(colon - text));
	return 0;
}

int vn_parse_gateway(const char *text, struct vn_config *c, char *err, size_t errlen)
{
	if (inet_pton(AF_INET, text, c->gateway) == 1)
		c->gw_family = AF_INET;
	else if (inet_pton(AF_INET6, text, c->gateway) == 1)
		c->gw_family = AF_INET6;
	else
		return vn_err(err, errlen, EINVAL, "malformed GATEWAY \"%s\" (want an IP address)", text);
	c->has_gateway = true;
	return 0;
}

int vn_parse_mode(const char *text, enum vn_mode *out, char *err, size_t errlen)
{
	static const struct {
		const char *word;
		enum vn_mode mode;
	} modes[] = { { "", VN_PRIVATE }, { "private", VN_PRIVATE }, { "host", VN_HOST },
		      { "none", VN_NONE } };

	for (size_t k = 0; k < sizeof(modes) / sizeof(modes[0]); k++)
		if (!strcmp(text ? text : "", modes[k].word)) {
			*out = modes[k].mode;
			return 0;
		}
	return vn_err(err, errlen, EINVAL, "NETWORK must be private, host or none, not '%s'",
		      text);
}

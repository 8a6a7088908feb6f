/* vnet: a network namespace per vnode, and veth "cables" from it to host bridges.
 *
 * Three layers, used in this order by the launcher:
 *   1. pure parsing and checking (no system calls): vn_config_init() and the vn_parse_*()
 *      functions turn NETWORK=, BRIDGES=(), ADDRS=() and GATEWAY= into a struct vn_config;
 *   2. host side, from the monitor process in the host's namespace: vn_check() before anything
 *      is created, vn_setup_host() once the child exists in its new netns, vn_teardown() when
 *      the vnode stopped;
 *   3. inside, from the child in its new netns before it execs init: vn_setup_inside().
 * Every function returns 0 or -errno and, on failure, writes one line naming the object into
 * err (never longer than errlen, always terminated). See man/netns.7 for the rules below.
 *
 * Names: cable i of vnode NAME is a veth pair, host side NAME<i> (NAME-<i> when NAME ends
 * in a digit), vnode side eth<i>. When that does not fit in IFNAMSIZ-1 = 15 bytes, the host
 * side is the short form: the first 6 bytes of NAME + '_' + 6 hex digits of
 * FNV-1a-32(NAME) & 0xffffff + <i> (at most 15 bytes). Two vnodes' names never meet but
 * by a collision of that hash; a name taken by someone else's interface is reported,
 * never reused.
 *
 * MACs: a cable without a MAC gets one derived from (NAME, i): the first 6 bytes, low byte
 * first, of FNV-1a-64 over NAME, a 0 byte, 'v', i; then locally administered and unicast.
 * The host side always gets the MAC derived the same way with 'h' for 'v': it marks the
 * interface as this vnode's, so a leftover of an earlier run is told from a collision.
 *
 * /run/netns/NAME is a symbolic link to /proc/PID/ns/net, so `ip netns exec NAME` works
 * while the vnode runs, yet the name never pins the namespace: when every process of the
 * vnode is gone, the kernel destroys the namespace and its veths by itself.
 */
#ifndef VNET_H
#define VNET_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "shared.h"

#define VN_MAX_CABLES 16 /* the documented limit on BRIDGES entries */
#define VN_MAX_ADDRS 32  /* the limit on ADDRS entries */
#define VN_NAME_MAX VNODE_NAME_MAX  /* the rule is include/shared.h's */
#define VN_NETNS_DIR "/run/netns"

enum vn_mode { VN_PRIVATE, VN_HOST, VN_NONE }; /* NETWORK= unset or private, host, none */

struct vn_cable {
	char bridge[IFNAMSIZ];  /* "" = host side stays unattached */
	uint8_t mac[6];         /* of the vnode side eth<i> */
	uint8_t host_mac[6];    /* of the host side, derived: marks it as this vnode's */
	bool mac_given;         /* mac came from BRIDGES, not derived */
	char host_if[IFNAMSIZ]; /* NAME<i> or its short form */
	char peer_if[IFNAMSIZ]; /* eth<i> */
};

struct vn_addr {
	char ifname[IFNAMSIZ];
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned prefix;
};

struct vn_config {
	char name[VN_NAME_MAX + 1];
	enum vn_mode mode;
	struct vn_cable cables[VN_MAX_CABLES];
	unsigned ncables;
	struct vn_addr addrs[VN_MAX_ADDRS];
	unsigned naddrs;
	int gw_family;
	unsigned char gateway[16];
	bool has_gateway;
};

/* ---- pure ------------------------------------------------------------------------------ */

/* Whole configuration: name, NETWORK= (NULL or "" = private), BRIDGES, ADDRS and GATEWAY
 * (NULL = none). Checks the limits, duplicate MACs, and that ADDRS name lo or an eth<i>. */
int vn_config_init(struct vn_config *c, const char *name, const char *network,
		   const char *const *bridges, unsigned nbridges, const char *const *addrs,
		   unsigned naddrs, const char *gateway, char *err, size_t errlen);
int vn_parse_mode(const char *text, enum vn_mode *out, char *err, size_t errlen);
/* BRIDGES entry i ("bridge:MAC", either half may be empty; no ':' = bridge only). */
int vn_parse_cable(const char *name, unsigned i, const char *text, struct vn_cable *out,
		   char *err, size_t errlen);
int vn_parse_mac(const char *text, uint8_t mac[6], char *err, size_t errlen);
int vn_parse_addr(const char *text, struct vn_addr *out, char *err, size_t errlen); /* eth0:10.1.0.2/24 */
int vn_parse_gateway(const char *text, struct vn_config *c, char *err, size_t errlen);

/* role 'v' (vnode side) or 'h' (host side) */
void vn_derive_mac(const char *name, unsigned i, char role, uint8_t mac[6]);
/* host side name of cable i: NAME<i>, or the short form; out has IFNAMSIZ bytes */
void vn_host_ifname(const char *name, unsigned i, char out[IFNAMSIZ]);
uint32_t vn_fnv1a32(const void *p, size_t n);
uint64_t vn_fnv1a64(const void *p, size_t n);

/* The netlink reply checker: walks the messages in buf (len bytes) received for request seq
 * on port portid. Data messages go to cb (if not NULL; cb returns 0 or -errno). Returns 0
 * once the request is finished (ACK or NLMSG_DONE), 1 when more replies are to come, -errno
 * from an NLMSG_ERROR (its extended-ack text, if any, copied into msg), -EPROTO for a reply
 * to another sequence number, -ESRCH for another port, -EBADMSG for a truncated message. */
struct nlmsghdr;
typedef int (*vn_nl_cb)(const struct nlmsghdr *nlh, void *data);
int vn_nl_check(const void *buf, size_t len, uint32_t seq, uint32_t portid, vn_nl_cb cb,
		void *data, char *msg, size_t msglen);

/* ---- host side (monitor process, host netns) --------------------------------------------- */

/* Before anything is created: bridges exist and are bridges, host names do not collide with
 * an interface that is not a leftover of this same vnode. Touches nothing. */
int vn_check(const struct vn_config *c, char *err, size_t errlen);
/* Once the child exists in its new netns: reclaims leftovers of an earlier run (a host-side
 * NAME<i> that is dying or stale is deleted, waiting only then; a stale /run/netns/NAME),
 * creates each cable in one RTM_NEWLINK (peer in the child's netns with its MAC, host side
 * with its MAC, enslaved and up), and names the netns /run/netns/NAME. On failure it
 * removes what it made. */
int vn_setup_host(const struct vn_config *c, pid_t child, char *err, size_t errlen);
/* When the vnode stopped: removes /run/netns/NAME. Does not delete the veths: the namespace's
 * death does, batched by the kernel. Removing what is already gone is success. */
int vn_teardown(const struct vn_config *c, char *err, size_t errlen);
/* The same by the /run/netns name alone, for the monitor, which keeps no vn_config. */
int vn_nsname_remove(const char *name, char *err, size_t errlen);
/* Whether /run/netns/NAME is free for a vnode: absent, or a vnode's (a symbolic link to
 * /proc/PID/ns/net). 0, or -EEXIST with err naming it (`ip netns add` made it). */
int vn_nsname_check(const char *name, char *err, size_t errlen);

/* ---- inside (child, already in its new netns, before exec) ------------------------------- */

/* lo up, eth<i> up, ADDRS, then the default route to GATEWAY. */
int vn_setup_inside(const struct vn_config *c, char *err, size_t errlen);

#endif

/* Capabilities the vnode's init never gets: dropped from the bounding set just
 * before exec. The default set is what LXC drops by default (mac_admin,
 * mac_override, sys_time, sys_module, sys_rawio) plus the few that would let a
 * vnode touch the host's kernel state (syslog, wake_alarm, block_suspend,
 * audit_control). CAP_SYS_BOOT is kept: in a pid namespace reboot(2) only ends
 * the namespace, and it is how vinit tells its parent how it ended. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include "vnode.h"

static const cap_value_t default_drop[] = {
	CAP_MAC_ADMIN, CAP_MAC_OVERRIDE, CAP_SYS_TIME, CAP_SYS_MODULE, CAP_SYS_RAWIO,
	CAP_SYSLOG, CAP_WAKE_ALARM, CAP_BLOCK_SUSPEND, CAP_AUDIT_CONTROL,
};

static int names_to_mask(const struct conf_entry *e, unsigned long long *mask, char *err, size_t errlen)
{
	*mask = 0;
	for (unsigned i = 0; i < e->nvalues; i++) {
		cap_value_t cap;
		char name[64];
		const char *n = e->values[i];
		if (strncasecmp(n, "cap_", 4) != 0 && strlen(n) < 58) {
			snprintf(name, sizeof(name), "cap_%s", n);
			n = name;
		}
		if (cap_from_name(n, &cap) < 0 || cap >= 64) {
			snprintf(err, errlen, "%s: \"%s\" is not a capability name (see capabilities(7))",
				 e->key, e->values[i]);
			return -EINVAL;
		}
		*mask |= 1ULL << cap;
	}
	return 0;
}

int caps_parse(const struct conf *c, unsigned long long *drop, char *err, size_t errlen)
{
	const struct conf_entry *d = conf_get(c, "CAPS_DROP"), *k = conf_get(c, "CAPS_KEEP");
	unsigned long long mask;

	if (d && k) {
		snprintf(err, errlen, "CAPS_DROP and CAPS_KEEP exclude each other");
		return -EINVAL;
	}
	*drop = 0;
	if (k) {
		if (names_to_mask(k, &mask, err, errlen) < 0)
			return -EINVAL;
		*drop = ~mask;
	} else if (d) {
		if (names_to_mask(d, drop, err, errlen) < 0)
			return -EINVAL;
	} else {
		for (unsigned i = 0; i < sizeof(default_drop) / sizeof(default_drop[0]); i++)
			*drop |= 1ULL << default_drop[i];
	}
	return 0;
}

int caps_drop_bounding(unsigned long long drop, char *err, size_t errlen)
{
	for (cap_value_t cap = 0; cap < 64 && CAP_IS_SUPPORTED(cap); cap++)
		if ((drop >> cap & 1) && cap_drop_bound(cap) < 0) {
			snprintf(err, errlen, "dropping %s from the bounding set: %s",
				 cap_to_name(cap), strerror(errno));
			return -errno;
		}
	return 0;
}

/* When the vnode stopped. The veths are not deleted here: an explicit RTM_DELLINK costs the
 * same 13-40 ms of RCU grace periods the namespace's death costs, and the kernel batches the
 * latter across many vnodes halting at once. vn_setup_host reclaims a dying leftover. */
#include "vnet_base.h"

int vn_teardown(const struct vn_config *c, char *err, size_t errlen)
{
	if (c->mode == VN_HOST)
		return 0;
	return vn_nsname_remove(c->name, err, errlen);
}

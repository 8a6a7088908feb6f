/* vm_build_root: vm_prepare and vm_place in one process, with no user namespace (the
 * mount_boot test helper and the bench use it; the launcher runs the two apart). */
#include <string.h>

#include "vmerr.h"
#include "vmount.h"

int vm_build_root(const struct vm_config *c, struct vm_held *held, char *err, size_t errlen)
{
	static struct vm_prepared p;  /* static: large, and off the stack */
	int r = vm_prepare(c, NULL, &p, err, errlen);
	memset(held, 0, sizeof(*held));
	if (r < 0)
		return r;
	if ((r = vm_open_live(c, &p, err, errlen)) < 0 || (r = vm_place(c, &p, err, errlen)) < 0) {
		vm_prepared_close(&p);
		return r;
	}
	*held = p.held;
	return 0;
}

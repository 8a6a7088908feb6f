/* The end of a vnode's life, written once for all who see it: the watcher when the init
 * ends, the launcher when a boot fails, `vnode halt|kill` for an orphan whose monitor
 * was SIGKILLed. */
#include "cgroup.h"
#include "runtime.h"
#include "vnet.h"

void vnode_gone(const char *name, const char *netns, const char *cgroup)
{
	char err[PATH_MAX + 128];
	if (netns && vn_nsname_remove(netns, err, sizeof(err)) < 0)
		errorf("%s: %s", name, err);
	if (cgroup && *cgroup && cgroup_remove(cgroup, err, sizeof(err)) < 0)
		errorf("%s: %s", name, err);
}

void vnode_end(const struct vnode_id *id, const char *netns, const char *cgroup,
	       const struct hook *hook, const char *event)
{
	vnode_gone(id->name, netns, cgroup);
	ids_free(id->name);
	runtime_remove(id);
	if (event)
		hook_run(hook, id->name, event);
}

/* A vnode's name and the paths derived from it. Kept apart from load.c because the
 * static monitor (hostside/monitor/) needs these and nothing of the config. */
#include <stdio.h>
#include <string.h>
#include "vnode.h"

const char *vnode_home = VNODE_HOME_DEFAULT;

bool vnode_name_ok(const char *name, char *why, size_t whylen)
{
	size_t n = strlen(name);
	if (n == 0 || n > VNODE_NAME_MAX) {
		snprintf(why, whylen, "must be 1 to %d characters", VNODE_NAME_MAX);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  (c == '-' && i > 0 && i + 1 < n);
		if (!ok) {
			snprintf(why, whylen, "is not a hostname-safe word (letters, digits, inner '-')");
			return false;
		}
	}
	return true;
}

/* v must be zeroed (calloc or = {0}). */
int vnode_paths(struct vnode *v, const char *name)
{
	char why[128];
	if (!vnode_name_ok(name, why, sizeof(why))) {
		errorf("\"%.80s\": bad vnode name: %s", name, why);
		return EXIT_USAGE;
	}
	strcpy(v->name, name);
	if (snprintf(v->dir, sizeof(v->dir), "%s/%s", vnode_home, name) >= (int)sizeof(v->dir)) {
		errorf("%s: VNODE_HOME is too long", name);
		return EXIT_USAGE;
	}
	snprintf(v->pidfile, sizeof(v->pidfile), VNODE_RUN_DIR "/%s.pid", name);
	snprintf(v->statefile, sizeof(v->statefile), VNODE_RUN_DIR "/%s.state", name);
	snprintf(v->logfile, sizeof(v->logfile), VNODE_LOG_DIR "/%s.log", name);
	return 0;
}

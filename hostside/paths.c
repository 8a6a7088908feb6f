/* A vnode's name and the paths derived from it. Kept apart from load.c because the
 * static monitor (hostside/monitor/) needs these and nothing of the config. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "runtime.h"

const char *vnode_home = VNODE_HOME_DEFAULT;

/* id must be zeroed. -EINVAL for a bad name (the rule is include/shared.h's),
 * -ENAMETOOLONG for a long VNODE_HOME. */
int vnode_id_set(struct vnode_id *id, const char *name, char *err, size_t errlen)
{
	if (!vnode_name_valid(name))
		return vnode_err(err, errlen, EINVAL, "\"%.80s\": bad vnode name: want " VNODE_NAME_RULE,
				 name);
	strcpy(id->name, name);
	if (snprintf(id->dir, sizeof(id->dir), "%s/%s", vnode_home, name) >= (int)sizeof(id->dir))
		return vnode_err(err, errlen, ENAMETOOLONG, "%s: VNODE_HOME is too long", name);
	snprintf(id->pidfile, sizeof(id->pidfile), VNODE_RUN_DIR "/%s.pid", name);
	snprintf(id->statefile, sizeof(id->statefile), VNODE_RUN_DIR "/%s.state", name);
	snprintf(id->console, sizeof(id->console), VNODE_RUN_DIR "/%s.console", name);
	snprintf(id->logfile, sizeof(id->logfile), VNODE_LOG_DIR "/%s.log", name);
	return 0;
}

int vnode_list(char names[][VNODE_NAME_MAX + 1], int max, char *err, size_t errlen)
{
	struct dirent **ents;
	char path[PATH_MAX];
	int n = scandir(vnode_home, &ents, NULL, alphasort), k = 0;
	if (n < 0)
		return vnode_err(err, errlen, errno, "%s: %s", vnode_home, strerror(errno));
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/config", vnode_home, ents[i]->d_name);
		if (k < max && vnode_name_valid(ents[i]->d_name) && access(path, F_OK) == 0)
			snprintf(names[k++], VNODE_NAME_MAX + 1, "%.48s", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return k;
}

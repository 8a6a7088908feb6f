/* /run/netns/NAME, so that `ip netns exec NAME` works. It is a symbolic link to
 * /proc/PID/ns/net rather than the bind mount `ip netns add` makes: a bind mount would pin
 * the namespace, and with it the veths, after every process of the vnode is killed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vnet_base.h"

/* An entry left by an earlier run, or a bind mount from `ip netns add`: detach and unlink.
 * Absent counts as removed. */
static int remove_entry(const char *path, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		return vn_err(err, errlen, errno, "lstat %s: %s", path, strerror(errno));
	}
	if (!S_ISLNK(st.st_mode) && umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 &&
	    errno != EINVAL && errno != ENOENT)
		return vn_err(err, errlen, errno, "umount2 %s (MNT_DETACH|UMOUNT_NOFOLLOW): %s", path,
			      strerror(errno));
	if (unlink(path) < 0 && errno != ENOENT)
		return vn_err(err, errlen, errno, "unlink %s: %s", path, strerror(errno));
	return 0;
}

int vn_nsname_set(const char *name, pid_t pid, char *err, size_t errlen)
{
	char path[sizeof(VN_NETNS_DIR) + VN_NAME_MAX + 2], target[64];
	int r;

	if (mkdir(VN_NETNS_DIR, 0755) < 0 && errno != EEXIST)
		return vn_err(err, errlen, errno, "mkdir %s: %s", VN_NETNS_DIR, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", VN_NETNS_DIR, name);
	snprintf(target, sizeof(target), "/proc/%d/ns/net", (int)pid);
	r = remove_entry(path, err, errlen);
	if (r < 0)
		return r;
	if (symlink(target, path) < 0)
		return vn_err(err, errlen, errno, "symlink %s -> %s: %s", path, target, strerror(errno));
	return 0;
}

int vn_nsname_remove(const char *name, char *err, size_t errlen)
{
	char path[sizeof(VN_NETNS_DIR) + VN_NAME_MAX + 2];

	snprintf(path, sizeof(path), "%s/%s", VN_NETNS_DIR, name);
	return remove_entry(path, err, errlen);
}

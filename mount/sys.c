/* Checked wrappers for the mount, pivot_root and file-creation system calls:
 * each reports the step, the path, the flags and strerror once, as -errno. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vmerr.h"

int vm_mount(const char *what, const char *where, const char *type,
	     unsigned long flags, const char *opts, char *err, size_t errlen)
{
	char fl[160], extra[PATH_MAX + 200] = "";

	if (mount(what, where, type, flags, opts && *opts ? opts : NULL) == 0)
		return 0;
	int e = errno;
	if (flags || (opts && *opts))
		snprintf(extra, sizeof(extra), " (%s%s%s)", flags ? vm_flag_names(flags, fl, sizeof(fl)) : "",
			 flags && opts && *opts ? ", " : "", opts ? opts : "");
	return vm_fail(err, errlen, e, "mount %s %s on %s%s: %s%s", type ? type : "bind",
		       what ? what : "none", where, extra, strerror(e),
		       e == ENOSPC ? " (too many mounts? see /proc/sys/fs/mount-max)" : "");
}

int vm_umount(const char *where, int flags, char *err, size_t errlen)
{
	if (umount2(where, flags) == 0 || errno == EINVAL || errno == ENOENT)
		return 0; /* not mounted (any more) is what we wanted */
	return vm_fail(err, errlen, errno, "umount %s: %s", where, strerror(errno));
}

/* pivot_root(".", ".") stacks the old root on the new one; detaching "." then
 * drops the old root without needing a directory for it inside the new root. */
int vm_pivot(const char *dir, char *err, size_t errlen)
{
	if (chdir(dir) < 0)
		return vm_fail(err, errlen, errno, "chdir %s: %s", dir, strerror(errno));
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return vm_fail(err, errlen, errno, "pivot_root %s: %s", dir, strerror(errno));
	if (umount2(".", MNT_DETACH) < 0)
		return vm_fail(err, errlen, errno, "detach old root: %s", strerror(errno));
	if (chdir("/") < 0)
		return vm_fail(err, errlen, errno, "chdir /: %s", strerror(errno));
	return 0;
}

int vm_mkdir_p(const char *path, unsigned mode, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%s", path);

	if (n >= sizeof(buf))
		return vm_fail(err, errlen, ENAMETOOLONG, "mkdir %s: path too long", path);
	for (char *p = buf + 1;; p++) {
		if (*p != '/' && *p != 0)
			continue;
		char c = *p;
		*p = 0;
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return vm_fail(err, errlen, errno, "mkdir %s: %s", buf, strerror(errno));
		*p = c;
		if (!c)
			break;
	}
	return 0;
}

int vm_mknod(const char *path, unsigned mode, dev_t dev, char *err, size_t errlen)
{
	if (mknod(path, mode, dev) < 0)
		return vm_fail(err, errlen, errno, "mknod %s: %s", path, strerror(errno));
	/* mknod applies the umask; the table's mode is what we mean */
	if (chmod(path, mode & 07777) < 0)
		return vm_fail(err, errlen, errno, "chmod %s: %s", path, strerror(errno));
	return 0;
}

int vm_symlink(const char *target, const char *path, char *err, size_t errlen)
{
	if (symlink(target, path) < 0)
		return vm_fail(err, errlen, errno, "symlink %s -> %s: %s", path, target,
			       strerror(errno));
	return 0;
}

int vm_fs_supported(const char *type)
{
	char line[128];
	FILE *f = fopen("/proc/filesystems", "re");
	int found = 0;

	if (!f)
		return 1; /* cannot tell: let mount decide */
	while (!found && fgets(line, sizeof(line), f)) {
		char *name = strchr(line, '\t');
		if (!name)
			continue;
		name[strcspn(name, "\n")] = 0;
		found = !strcmp(name + 1, type);
	}
	fclose(f);
	return found;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	if (ftw->level == 0)
		return 0;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
		return errno;
	return 0;
}

int vm_clear_dir(const char *dir, char *err, size_t errlen)
{
	int r = nftw(dir, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);

	if (r < 0 && errno == ENOENT)
		return 0;
	if (r != 0) {
		int e = r > 0 ? r : errno;
		return vm_fail(err, errlen, e, "remove contents of %s: %s", dir, strerror(e));
	}
	return 0;
}

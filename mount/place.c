/* vm_place: in the child, in its own mount namespace (owned by the vnode's user
 * namespace when it has one), the prepared mounts attached, the overlay mounted,
 * pivot_root, then what the vnode mounts for itself (see vmount.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disks.h"
#include "vmerr.h"
#include "vmount.h"

#define VM_NAME_LABEL 64  /* "NAME.img" */

/* Attaches the detached mount *fd on path and closes it. */
static int attach(int *fd, const char *path, const char *what, char *err, size_t errlen)
{
	int r = move_mount(*fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0 ? -errno : 0;
	close(*fd);
	*fd = -1;
	if (r < 0)
		return vm_fail(err, errlen, -r, "%s: mount on %s: %s", what, path, strerror(-r));
	return 0;
}

/* Mode d: root/ and work/ inside the image, opened without leaving it (no symlink
 * out, no other mount), as /proc/self/fd paths for the overlay. */
static int open_layers(const char *img, const char *label, int fd[2], char paths[2][32],
		       char *err, size_t errlen)
{
	static const char *const names[2] = { "root", "work" };
	int mfd = open(img, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return vm_fail(err, errlen, errno, "open %s: %s", img, strerror(errno));
	for (int i = 0; i < 2; i++) {
		fd[i] = vm_openat2(mfd, names[i], O_PATH | O_DIRECTORY | O_CLOEXEC,
				   RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS);
		if (fd[i] < 0) {
			int e = errno;
			close(mfd);
			return vm_fail(err, errlen, e, "%s: %s/: %s", label, names[i],
				       e == EXDEV || e == ELOOP ?
					       "a symlink out of the image, or another mount" :
					       strerror(e));
		}
		snprintf(paths[i], sizeof(paths[i]), "/proc/self/fd/%d", fd[i]);
	}
	close(mfd);
	return 0;
}

/* The staging area: a tmpfs on DIR/live (reached through the fd the host opened: a
 * vnode in a user namespace may not search the host's directories above it), made the
 * working directory, with the mount points the root is made on. Everything below is
 * relative to it. It goes with the old root at pivot_root; the overlay keeps its layers. */
static int stage(struct vm_prepared *p, const char *dir, char *err, size_t errlen)
{
	static const char *const dirs[] = { "root", "lower", "upper" };
	int fs = vm_mount_detached("tmpfs", "tmpfs", "mode=700", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
				   false, err, errlen);
	if (fs < 0)
		return fs;
	int r = move_mount(fs, "", p->live, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0 ||
			fchdir(fs) < 0 ? -errno : 0;
	close(fs);
	close(p->live);
	p->live = -1;
	if (r < 0)
		return vm_fail(err, errlen, -r, "%s/live: staging tmpfs: %s", dir, strerror(-r));
	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir(dirs[i], 0755) < 0)
			return vm_fail(err, errlen, errno, "%s/live/%s: %s", dir, dirs[i], strerror(errno));
	return 0;
}

/* O_PATH of path (relative to the staging area) as /proc/self/fd/N, for overlay's
 * options: no name above it is searched again. */
static int fd_path(const char *path, int *fd, char buf[32], char *err, size_t errlen)
{
	if ((*fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return vm_fail(err, errlen, errno, "DIR/live/%s: %s", path, strerror(errno));
	snprintf(buf, 32, "/proc/self/fd/%d", *fd);
	return 0;
}

static int overlay(const char *upper, const char *work, char *err, size_t errlen)
{
	char lower[32], opts[160];
	int fd = -1, r = fd_path("lower", &fd, lower, err, errlen);
	if (r == 0) {
		snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
		r = vm_mount("overlay", "root", "overlay", 0, opts, err, errlen);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* Mode d: NAME.img's filesystem is on upper; its root/ (over BASE, with its work/) is
 * the root. */
static int place_image(struct vm_prepared *p, const struct vm_config *c, char *err,
		       size_t errlen)
{
	char layer[2][32], label[VM_NAME_LABEL];
	int fd[2] = { -1, -1 }, r;
	snprintf(label, sizeof(label), "%s.img", c->name);
	if ((r = attach(&p->root, "upper", label, err, errlen)) < 0 ||
	    (r = open_layers("upper", label, fd, layer, err, errlen)) < 0)
		goto out;
	if (p->lower < 0)  /* no BASE: the image's root/ is the root */
		r = vm_mount(layer[0], "root", NULL, MS_BIND | MS_REC, NULL, err, errlen);
	else if ((r = attach(&p->lower, "lower", "BASE", err, errlen)) == 0)
		r = overlay(layer[0], layer[1], err, errlen);
out:
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return r;
}

static int place_root(struct vm_prepared *p, const struct vm_config *c, char *err, size_t errlen)
{
	char upper[32], work[32];
	int fd[2] = { -1, -1 }, r;
	if (p->mode == VM_MODE_IMAGE)
		return place_image(p, c, err, errlen);
	if (p->mode != VM_MODE_OVERLAY)  /* DISKS[0], or root/ alone */
		return attach(&p->root, "root", "root", err, errlen);
	if ((r = attach(&p->root, "upper", "root/ and work/", err, errlen)) == 0 &&
	    (r = attach(&p->lower, "lower", "BASE", err, errlen)) == 0 &&
	    (r = fd_path("upper/root", &fd[0], upper, err, errlen)) == 0 &&
	    (r = fd_path("upper/work", &fd[1], work, err, errlen)) == 0)
		r = overlay(upper, work, err, errlen);
	for (int i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	return r;
}

#define NO_LINKS (RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

/* BINDS[i]'s target, made if missing (a directory for a directory, else a file), as an
 * O_PATH fd: an existing one must be of that kind, not a FIFO (opening it would block the
 * boot) or a socket, and no part of its path a symbolic link (the image's: it decides
 * nothing about where a bind goes). In the vnode's root, where this runs. */
static int bind_target(unsigned i, const char *dst, bool dir, char *err, size_t errlen)
{
	char parent[PATH_MAX];
	struct stat st;
	int fd = vm_openat2(AT_FDCWD, dst, O_PATH | O_CLOEXEC, NO_LINKS), r;

	if (fd < 0 && errno != ENOENT)
		return vm_fail(err, errlen, errno, "BINDS[%u] target %s in the vnode: %s", i, dst,
			       errno == ELOOP ? "a path through a symbolic link: refused"
					      : strerror(errno));
	if (fd >= 0)
		close(fd);
	snprintf(parent, sizeof(parent), "%s", dst);
	*strrchr(parent, '/') = 0;
	if (*parent && (r = vm_mkdir_p(parent, 0755, err, errlen)) < 0)
		return r;
	if (dir ? mkdir(dst, 0755) < 0 && errno != EEXIST
		: (fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0 && errno != EEXIST)
		return vm_fail(err, errlen, errno, "BINDS[%u] create %s: %s", i, dst, strerror(errno));
	if (!dir && fd >= 0)
		close(fd);
	if ((fd = vm_openat2(AT_FDCWD, dst, O_PATH | O_CLOEXEC, NO_LINKS)) < 0)
		return vm_fail(err, errlen, errno, "BINDS[%u] %s: %s", i, dst, strerror(errno));
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return vm_fail(err, errlen, -r, "BINDS[%u] %s: %s", i, dst, strerror(-r));
	}
	if (dir ? !S_ISDIR(st.st_mode) : S_ISDIR(st.st_mode) || S_ISFIFO(st.st_mode) ||
						S_ISSOCK(st.st_mode)) {
		close(fd);
		return vm_fail(err, errlen, EINVAL, "BINDS[%u] target %s in the vnode: %s, not %s", i,
			       dst, vm_file_kind(st.st_mode), dir ? "a directory" : "a file");
	}
	return fd;
}

static int place_binds(struct vm_prepared *p, const struct vm_config *c, char *err, size_t errlen)
{
	struct stat st;

	for (unsigned i = 0; i < c->nbinds; i++) {
		const char *dst = c->binds[i].dst;
		if (fstat(p->bind[i], &st) < 0)
			return vm_fail(err, errlen, errno, "BINDS[%u] stat %s: %s", i,
				       c->binds[i].src, strerror(errno));
		int to = bind_target(i, dst, S_ISDIR(st.st_mode), err, errlen);
		if (to < 0)
			return to;
		int r = move_mount(p->bind[i], "", to, "", MOVE_MOUNT_F_EMPTY_PATH |
				   MOVE_MOUNT_T_EMPTY_PATH);
		close(to);
		if (r < 0)
			return vm_fail(err, errlen, errno, "BINDS[%u] mount %s on %s: %s", i,
				       c->binds[i].src, dst, strerror(errno));
		close(p->bind[i]);
		p->bind[i] = -1;
	}
	return 0;
}

/* path inside the root (rootfd), made if missing, resolved inside it: the image's
 * symlinks cannot point it out. An O_PATH fd, or -errno. */
static int target(int rootfd, const char *path, char *err, size_t errlen)
{
	if (!strchr(path, '/') && mkdirat(rootfd, path, 0755) < 0 && errno != EEXIST)
		return vm_fail(err, errlen, errno, "mkdir /%s: %s", path, strerror(errno));
	/* a directory, but for the one file mounted on: the console, which the host made */
	int dir = strcmp(path, "dev/console") ? O_DIRECTORY : 0;
	int fd = vm_openat2(rootfd, path, O_PATH | dir | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	return fd < 0 ? vm_fail(err, errlen, errno, "/%s: %s", path, strerror(errno)) : fd;
}

/* The detached mount *fd on path inside the root; closes it. */
static int attach_in(int rootfd, int *fd, const char *path, char *err, size_t errlen)
{
	int t = target(rootfd, path, err, errlen), r = t;
	if (t >= 0) {
		r = move_mount(*fd, "", t, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0 ?
			    vm_fail(err, errlen, errno, "mount on /%s: %s", path, strerror(errno)) : 0;
		close(t);
	}
	close(*fd);
	*fd = -1;
	return r;
}

/* path inside the root, resolved there (the image's symlinks cannot lead out): O_PATH. */
static int in_root(int rootfd, const char *path)
{
	return vm_openat2(rootfd, path, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* A copy of the tree at from (inside the root) laid on to, read-only if asked: 0, also
 * when to is missing (a kernel without that /proc file), or -errno. */
static int lay(int rootfd, const char *from, const char *to, bool ro, char *err, size_t errlen)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
	int t = in_root(rootfd, to), s = -1, fd = -1, r = 0;
	if (t < 0)
		return errno == ENOENT ? 0 : vm_fail(err, errlen, errno, "/%s: %s", to, strerror(errno));
	if ((s = in_root(rootfd, from)) < 0 ||
	    (fd = open_tree(s, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH)) < 0 ||
	    (ro && mount_setattr(fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0) ||
	    move_mount(fd, "", t, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		r = vm_fail(err, errlen, errno, "/%s over /%s: %s", from, to, strerror(errno));
	for (int *f = (int[]){ t, s, fd }, i = 0; i < 3; i++)
		if (f[i] >= 0)
			close(f[i]);
	return r;
}

/* What nspawn and LXC keep from a container in /proc: the sysctls read-only (the
 * network's stay writable when it is the vnode's own), and the kernel's memory, keys,
 * timers, symbols and SysRq masked by /dev/null. In a user namespace the kernel refuses
 * these writes anyway; this holds a privileged vnode too. */
static int mask_proc(int rootfd, bool own_net, char *err, size_t errlen)
{
	static const char *const masked[] = { "proc/kcore", "proc/keys", "proc/timer_list",
					      "proc/kallsyms", "proc/sysrq-trigger" };
	int r = 0;
	/* the network's sysctls, writable, kept aside before /proc/sys goes read-only */
	int net = own_net ? in_root(rootfd, "proc/sys/net") : -1;
	int keep = net < 0 ? -1 : open_tree(net, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (own_net && keep < 0)
		r = vm_fail(err, errlen, errno, "/proc/sys/net: %s", strerror(errno));
	if (!r)
		r = lay(rootfd, "proc/sys", "proc/sys", true, err, errlen);
	if (!r && keep >= 0) {
		int t = in_root(rootfd, "proc/sys/net");
		if (t < 0 || move_mount(keep, "", t, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			r = vm_fail(err, errlen, errno, "/proc/sys/net writable: %s", strerror(errno));
		if (t >= 0)
			close(t);
	}
	for (int *f = (int[]){ net, keep }, i = 0; i < 2; i++)
		if (f[i] >= 0)
			close(f[i]);
	for (unsigned i = 0; !r && i < sizeof(masked) / sizeof(masked[0]); i++)
		r = lay(rootfd, "dev/null", masked[i], true, err, errlen);
	return r;
}

/* One of the table's mounts, a tmpfs sized as the config says. */
static int fixed_mount(const struct vm_fixed_mount *m, unsigned long long tmpfs_size, char *err,
		       size_t errlen)
{
	char opts[128];
	if (tmpfs_size && !strcmp(m->type, "tmpfs"))
		snprintf(opts, sizeof(opts), "%s,size=%llu", m->opts, tmpfs_size);
	else
		snprintf(opts, sizeof(opts), "%s", m->opts);
	return vm_mount_detached(m->what, m->type, opts, m->attrs, m->attrs & MOUNT_ATTR_RDONLY, err,
				 errlen);
}

/* Before pivot_root, inside the new root: its /dev (the host made it), then what the
 * vnode mounts for itself, from the table; /sys read-only, or it does not boot; then its
 * cgroup on /sys/fs/cgroup. */
static int place_system(struct vm_prepared *p, int rootfd, unsigned long long tmpfs_size,
			char *err, size_t errlen)
{
	bool host_net = p->sys >= 0;  /* NETWORK=host: the host's /sys and network */
	int r;
	if ((r = attach_in(rootfd, &p->dev, "dev", err, errlen)) < 0 ||
	    (p->console >= 0 && (r = attach_in(rootfd, &p->console, "dev/console", err, errlen)) < 0))
		return r;
	for (unsigned i = 0; i < vm_nfixed_mounts; i++) {
		const struct vm_fixed_mount *m = &vm_fixed_mounts[i];
		int fd = p->sys;
		if (strcmp(m->where, "sys") || fd < 0)
			fd = fixed_mount(m, tmpfs_size, err, errlen);
		else
			p->sys = -1;  /* NETWORK=host: the host's, prepared read-only */
		r = fd < 0 ? fd : attach_in(rootfd, &fd, m->where, err, errlen);
		if (r < 0 && m->fatal)
			return r;
	}
	if (p->cgroup >= 0 && (r = attach_in(rootfd, &p->cgroup, "sys/fs/cgroup", err, errlen)) < 0)
		return r;
	return mask_proc(rootfd, !host_net, err, errlen);
}

int vm_open_live(const struct vm_config *c, struct vm_prepared *p, char *err, size_t errlen)
{
	char path[PATH_MAX + 8];
	snprintf(path, sizeof(path), "%s/live", c->dir);
	if ((p->live = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return vm_fail(err, errlen, errno, "%s: %s", path, strerror(errno));
	return 0;
}

int vm_place(const struct vm_config *c, struct vm_prepared *p, char *err, size_t errlen)
{
	int r;
	/* First of all: nothing we mount may propagate back to the host. */
	if ((r = vm_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err, errlen)) < 0 ||
	    (r = stage(p, c->dir, err, errlen)) < 0 || (r = place_root(p, c, err, errlen)) < 0)
		return r;
	int rootfd = open("root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return vm_fail(err, errlen, errno, "the new root: %s", strerror(errno));
	r = place_system(p, rootfd, c->tmpfs_size, err, errlen);
	close(rootfd);
	if (r < 0 || (r = vm_pivot("root", err, errlen)) < 0)
		return r;
	/* The disks first: a BINDS target may lie on one. */
	if ((r = vm_fstab_place(&p->fm, err, errlen)) < 0 || (r = place_binds(p, c, err, errlen)) < 0)
		return r;
	return 0;
}

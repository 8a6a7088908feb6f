/* Pure: root mode selection and the mount tables of a vnode. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "vmerr.h"
#include "vmount.h"

/* Mounted just before pivot_root, in this order, inside the new root. Before, because
 * a user namespace may mount proc and sysfs only where the host's are still in view. */
const struct vm_fixed_mount vm_fixed_mounts[] = {
	/* newinstance: the vnode's ptys are its own, never the host's. */
	{ "devpts", "dev/pts", "devpts", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
	  "newinstance,ptmxmode=0666,mode=0620", true },
	{ "shm", "dev/shm", "tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_STRICTATIME,
	  "mode=1777", true },
	{ "proc", "proc", "proc", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, "", true },
	/* Read-only: the host's devices and knobs are not the vnode's to change. */
	{ "sysfs", "sys", "sysfs",
	  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, "", true },
	/* here rather than by its init, so that its size is bounded too; an image without
	 * a /run directory does without */
	{ "run", "run", "tmpfs", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "mode=755", false },
};
const unsigned vm_nfixed_mounts = sizeof(vm_fixed_mounts) / sizeof(vm_fixed_mounts[0]);

const struct vm_devnode vm_devnodes[] = {
	{ "null", 1, 3, 0666 },    { "zero", 1, 5, 0666 },    { "full", 1, 7, 0666 },
	{ "random", 1, 8, 0666 },  { "urandom", 1, 9, 0666 }, { "tty", 5, 0, 0666 },
	{ "net/tun", 10, 200, 0666 },
};
const unsigned vm_ndevnodes = sizeof(vm_devnodes) / sizeof(vm_devnodes[0]);

const struct vm_devlink vm_devlinks[] = {
	{ "ptmx", "pts/ptmx" },          { "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },  { "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
	/* not c 5:1, the host's console: without a console tty (vm_config.console), the
	 * vnode's is its init's output */
	{ "console", "/proc/1/fd/1" },
};
const unsigned vm_ndevlinks = sizeof(vm_devlinks) / sizeof(vm_devlinks[0]);

void vm_image_path(const struct vm_config *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.img", c->dir, c->name);
}

enum vm_mode vm_select_mode(const struct vm_config *c, bool has_img)
{
	if (c->ndisks > 0)
		return VM_MODE_DISK;
	if (has_img)
		return VM_MODE_IMAGE;
	if (c->base)
		return VM_MODE_OVERLAY;
	return VM_MODE_BIND;
}

const char *vm_mode_name(enum vm_mode m)
{
	static const char *const names[] = {
		[VM_MODE_DISK] = "disk",
		[VM_MODE_BIND] = "bind",
		[VM_MODE_OVERLAY] = "overlay",
		[VM_MODE_IMAGE] = "image",
	};
	return (unsigned)m < sizeof(names) / sizeof(names[0]) ? names[m] : "?";
}

/* Appends one entry; -ENAMETOOLONG when a string does not fit. */
static int add(struct vm_plan *p, int disk, const char *type, unsigned long flags,
	       bool fatal, const char *what, const char *where, const char *opts)
{
	struct vm_mount *m = &p->m[p->n];

	if (p->n >= VM_PLAN_MAX)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	if ((size_t)snprintf(m->what, sizeof(m->what), "%s", what) >= sizeof(m->what) ||
	    (size_t)snprintf(m->where, sizeof(m->where), "%s", where) >= sizeof(m->where) ||
	    (size_t)snprintf(m->opts, sizeof(m->opts), "%s", opts) >= sizeof(m->opts))
		return -ENAMETOOLONG;
	m->disk = disk;
	m->type = type;
	m->flags = flags;
	m->fatal = fatal;
	p->n++;
	return 0;
}

/* overlayfs splits its options on ',' and lowerdir on ':'; we do not escape. */
static bool overlay_safe(const char *s)
{
	return !strpbrk(s, ",:\\");
}

int vm_plan_root(const struct vm_config *c, bool has_img, const char *const layers[2],
		 struct vm_plan *p, char *err, size_t errlen)
{
	char live[PATH_MAX], a[PATH_MAX], b[PATH_MAX], opts[3 * PATH_MAX + 64];
	int r = 0;

	memset(p, 0, sizeof(*p));
	p->mode = vm_select_mode(c, has_img);
	if ((size_t)snprintf(live, sizeof(live), "%s/live", c->dir) >= sizeof(live))
		return vm_fail(err, errlen, ENAMETOOLONG, "%s: path too long", c->dir);
	switch (p->mode) {
	case VM_MODE_DISK:
		r = add(p, 0, NULL, c->disks[0].ro ? MS_RDONLY : 0, true,
			c->disks[0].image, live, "");
		break;
	case VM_MODE_BIND:
		snprintf(a, sizeof(a), "%s/root", c->dir);
		r = add(p, VM_DISK_NONE, NULL, MS_BIND | MS_REC, true, a, live, "");
		break;
	case VM_MODE_OVERLAY:
	case VM_MODE_IMAGE:
		if (p->mode == VM_MODE_IMAGE) {
			vm_image_path(c, a, sizeof(a));
			snprintf(b, sizeof(b), "%s/mnt", c->dir);
			r = add(p, VM_DISK_IMG, NULL, 0, true, a, b, "");
			snprintf(a, sizeof(a), "%s", layers ? layers[0] : "");
			snprintf(b, sizeof(b), "%s", layers ? layers[1] : "");
			if (!layers) {
				snprintf(a, sizeof(a), "%s/mnt/root", c->dir);
				snprintf(b, sizeof(b), "%s/mnt/work", c->dir);
			}
		} else {
			snprintf(a, sizeof(a), "%s/root", c->dir);
			snprintf(b, sizeof(b), "%s/work", c->dir);
		}
		if (r)
			break;
		if (!c->base) { /* mode d without BASE: the image's root/ is the root */
			r = add(p, VM_DISK_NONE, NULL, MS_BIND | MS_REC, true, a, live, "");
			break;
		}
		if (!overlay_safe(c->base) || !overlay_safe(c->dir))
			return vm_fail(err, errlen, EINVAL,
				       "BASE %s / dir %s: ',', ':' and '\\' cannot be passed to overlayfs",
				       c->base, c->dir);
		if ((size_t)snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s",
				     c->base, a, b) >= sizeof(opts))
			return vm_fail(err, errlen, ENAMETOOLONG, "%s: overlay options too long",
				       c->dir);
		r = add(p, VM_DISK_NONE, "overlay", 0, true, "overlay", live, opts);
		break;
	}
	if (r)
		return vm_fail(err, errlen, -r, "%s: %s mode: path too long", c->dir,
			       vm_mode_name(p->mode));
	return 0;
}

/* Internal to mount/: attaching images and mounting the DISKS of an image's fstab,
 * on the host before the root is placed (prepare.c). */
#ifndef DISKS_H
#define DISKS_H

#include "vmount.h"

/* Attaches an image range to an autoclear loop device: the checked fd when the
 * config was resolved, else the path opened and probed here. Returns the loop fd
 * (close-on-exec) with its number in *nr and the range's probe in *x, or -errno
 * with err naming label. blank_ok: an image with no filesystem is fine. */
int vm_attach(const char *label, const char *path, int fd, unsigned part, bool ro,
	      const struct vm_extent *known, bool blank_ok, int *nr, struct vm_extent *x,
	      char *err, size_t errlen);

/* Before pivot_root: reads ROOT/etc/fstab (resolved inside root, never through a
 * link out of it) and makes a detached mount for each line that names a DISKS node
 * beyond the root. held: those disks, attached; x[i]: DISKS[i]'s probe. A line that
 * cannot be mounted fails the build, or with nofail is skipped and said in
 * held->note. */
int vm_fstab_prepare(const struct vm_config *c, int rootfd, const int *nr,
		     const struct vm_extent *x, struct vm_held *held, struct vm_fsmounts *fm,
		     char *err, size_t errlen);
/* After pivot_root: each detached mount on its directory (made if missing). */
int vm_fstab_place(struct vm_fsmounts *fm, char *err, size_t errlen);
void vm_fstab_close(struct vm_fsmounts *fm);

/* A detached mount of the filesystem on dev (fsopen, fsconfig, fsmount): its fd, or
 * -errno with the kernel's own words in err. */
int vm_mount_detached(const char *dev, const char *type, const char *opts, unsigned attrs,
		      bool ro, char *err, size_t errlen);

/* openat2(2) with how = { flags, resolve }: fd, or -1 with errno. */
int vm_openat2(int dirfd, const char *path, int flags, unsigned long long resolve);

/* Every ext2/3/4 mount of an image gets errors=remount-ro unless it says otherwise. */
bool vm_is_ext(const char *type);

#endif

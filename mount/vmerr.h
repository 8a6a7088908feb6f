/* Internal: error text and checked system-call wrappers for mount/. Each wrapper
 * returns 0 or -errno and, on failure, writes "step: path: strerror" to err. */
#ifndef VMERR_H
#define VMERR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Writes the formatted line to err and returns -e (e > 0). */
int vm_fail(char *err, size_t errlen, int e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Prefixes err with "prefix: " in place (keeps it one line). */
void vm_prefix(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* What kind of file mode is, for a message: "a FIFO", "a directory", ... */
const char *vm_file_kind(mode_t mode);
/* Renders MS_* flags as "MS_BIND|MS_REC" into buf. */
const char *vm_flag_names(unsigned long flags, char *buf, size_t len);

int vm_mount(const char *what, const char *where, const char *type,
	     unsigned long flags, const char *opts, char *err, size_t errlen);
int vm_umount(const char *where, int flags, char *err, size_t errlen);
int vm_pivot(const char *dir, char *err, size_t errlen);
int vm_mkdir_p(const char *path, unsigned mode, char *err, size_t errlen);
int vm_mknod(const char *path, unsigned mode, dev_t dev, char *err, size_t errlen);
int vm_symlink(const char *target, const char *path, char *err, size_t errlen);

/* Loop devices (loop.c). Attaches fd range [offset, offset+size) of `image`
 * to a free loop device with autoclear; returns the open loop fd (>= 0) and
 * its number in *nr, or -errno. */
int vm_loop_attach(const char *image, int image_fd, unsigned long long offset,
		   unsigned long long size, int ro, int *nr, char *err, size_t errlen);
/* Scans /sys/block/loop* for attachments of `image` overlapping the range; 0 if
 * none conflict (both read-only is fine), -EBUSY with err naming the device. */
int vm_loop_conflict(const char *image, unsigned long long offset,
		     unsigned long long size, int ro, char *err, size_t errlen);

/* An absolute path with no "." or ".." component (parse.c). */
bool vm_clean_abs_path(const char *p);

/* Is `type` listed in /proc/filesystems? */
int vm_fs_supported(const char *type);
/* rm -rf the contents of dir, never crossing into other mounts; ENOENT is fine. */
int vm_clear_dir(const char *dir, char *err, size_t errlen);

#endif

/* The partition table and filesystem type of a disk image, read in user space
 * with libblkid: this kernel (and many hosts) has no partition-table support
 * for loop devices, and there is no udev. */
#include <blkid/blkid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmerr.h"
#include "vmount.h"

#define MAX_TABLE 256

/* The whole table into e (at most MAX_TABLE entries), checked by vm_check_table. */
static int check_entries(blkid_probe pr, blkid_partlist ls, int n, char *err, size_t errlen)
{
	struct vm_part e[MAX_TABLE];
	unsigned k = 0;

	for (int i = 0; i < n && k < MAX_TABLE; i++) {
		blkid_partition par = blkid_partlist_get_partition(ls, i);
		blkid_loff_t start = par ? blkid_partition_get_start(par) : -1;
		blkid_loff_t size = par ? blkid_partition_get_size(par) : -1;
		if (start < 0 || size < 0)
			return vm_fail(err, errlen, EINVAL, "partition table: entry %d unreadable", i + 1);
		e[k++] = (struct vm_part){ .partno = (unsigned)blkid_partition_get_partno(par),
					   .start = (uint64_t)start, .sectors = (uint64_t)size,
					   .extended = blkid_partition_is_extended(par) != 0 };
	}
	blkid_loff_t img = blkid_probe_get_size(pr);
	if (img < 0)
		return vm_fail(err, errlen, EIO, "cannot tell the image's size");
	return vm_check_table(e, k, (uint64_t)img, err, errlen);
}

/* Fills x->nparts and, when part > 0, x->offset/size of that partition. */
static int read_table(blkid_probe pr, unsigned part, struct vm_extent *x,
		      char *err, size_t errlen)
{
	blkid_partlist ls;
	blkid_partition par;
	int n, r;

	/* MBR and GPT only: the other table types cost probe time and are not DISKS */
	static char *tables[] = { "dos", "gpt", NULL };

	if (blkid_probe_enable_partitions(pr, 1) < 0 ||
	    blkid_probe_filter_partitions_type(pr, BLKID_FLTR_ONLYIN, tables) < 0 ||
	    blkid_probe_enable_superblocks(pr, 0) < 0)
		return vm_fail(err, errlen, ENOMEM, "libblkid: cannot set up the probe");
	ls = blkid_probe_get_partitions(pr);
	n = ls ? blkid_partlist_numof_partitions(ls) : 0;
	x->nparts = n > 0 ? (unsigned)n : 0;
	if (n > 0 && (r = check_entries(pr, ls, n, err, errlen)) < 0)
		return r;
	if (part == 0)
		return 0;
	if (!ls || n <= 0)
		return vm_fail(err, errlen, ENXIO,
			       "partition %u requested, but the image has no partition table", part);
	par = blkid_partlist_get_partition_by_partno(ls, (int)part);
	if (!par)
		return vm_fail(err, errlen, ENXIO,
			       "partition %u does not exist (the table has %d)", part, n);
	x->offset = (uint64_t)blkid_partition_get_start(par) * 512;
	x->size = (uint64_t)blkid_partition_get_size(par) * 512;
	return 0;
}

/* safe: look at every signature and refuse ambiguous ones (the host-side check);
 * otherwise stop at the first match (the in-child build, after that check). */
static int read_fstype(blkid_probe pr, int fd, bool safe, struct vm_extent *x, char *err,
		       size_t errlen)
{
	const char *type = NULL;
	int r;

	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)x->offset, (blkid_loff_t)x->size) < 0 ||
	    blkid_probe_enable_partitions(pr, 0) < 0 ||
	    blkid_probe_enable_superblocks(pr, 1) < 0 ||
	    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE) < 0)
		return vm_fail(err, errlen, EIO, "libblkid: cannot probe at offset %llu",
			       (unsigned long long)x->offset);
	r = safe ? blkid_do_safeprobe(pr) : blkid_do_probe(pr);
	if (r == -2)
		return vm_fail(err, errlen, EINVAL,
			       "ambiguous filesystem signatures at offset %llu",
			       (unsigned long long)x->offset);
	if (r < 0)
		return vm_fail(err, errlen, EIO, "cannot read a filesystem signature at offset %llu",
			       (unsigned long long)x->offset);
	if (r == 1 || blkid_probe_lookup_value(pr, "TYPE", &type, NULL) < 0 || !type)
		return vm_fail(err, errlen, ENOMEDIUM, "no known filesystem at offset %llu%s",
			       (unsigned long long)x->offset,
			       x->nparts && x->offset == 0 ?
				       " (the image has a partition table: give a partition index)" :
				       "");
	snprintf(x->fstype, sizeof(x->fstype), "%s", type);
	return 0;
}

int vm_probe_fd(int fd, unsigned part, int want, struct vm_extent *x, char *err, size_t errlen)
{
	blkid_probe pr;
	int r;

	memset(x, 0, sizeof(*x));
	pr = blkid_new_probe();
	if (!pr)
		return vm_fail(err, errlen, ENOMEM, "libblkid: out of memory");
	r = blkid_probe_set_device(pr, fd, 0, 0) < 0 ?
		    vm_fail(err, errlen, EIO, "libblkid: cannot read the image") : 0;
	/* Part 0 needs the table only to give a better hint when no fs is found. */
	if (!r && part > 0)
		r = read_table(pr, part, x, err, errlen);
	if (!r && want) {
		bool safe = want == VM_PROBE_FS_SAFE;
		r = read_fstype(pr, fd, safe, x, err, errlen);
		if (r == -ENOMEDIUM && part == 0 && read_table(pr, 0, x, NULL, 0) == 0 && x->nparts)
			r = read_fstype(pr, fd, safe, x, err, errlen);
	}
	blkid_free_probe(pr);
	return r;
}

int vm_probe_image(const char *image, unsigned part, struct vm_extent *x,
		   char *err, size_t errlen)
{
	int fd = open(image, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return vm_fail(err, errlen, errno, "open: %s", strerror(errno));
	r = vm_probe_fd(fd, part, VM_PROBE_FS_SAFE, x, err, errlen);
	close(fd);
	return r;
}

/* Pure: is a partition table sane for an image of a given size? A hostile image can
 * claim entries past its end (a partition that then grows with the file, or reads
 * short), entries that overlap (two disks sharing blocks, so two vnodes writing the
 * same bytes through different nodes), or sector counts whose byte range overflows
 * 64 bits. Each is refused, naming the entry. */
#include <errno.h>
#include <stdio.h>

#include "vmerr.h"
#include "vmount.h"

#define SECTOR 512ULL

static bool byte_range(const struct vm_part *e, uint64_t *lo, uint64_t *hi)
{
	if (e->start > UINT64_MAX / SECTOR || e->sectors > UINT64_MAX / SECTOR)
		return false;
	*lo = e->start * SECTOR;
	uint64_t len = e->sectors * SECTOR;
	if (*lo > UINT64_MAX - len)
		return false;
	*hi = *lo + len;
	return true;
}

/* An MBR extended partition is a container: its logical partitions lie inside it. */
static bool may_overlap(const struct vm_part *a, const struct vm_part *b)
{
	return a->extended || b->extended;
}

int vm_check_table(const struct vm_part *e, unsigned n, uint64_t image_size, char *err,
		   size_t errlen)
{
	uint64_t lo, hi, lo2, hi2;

	for (unsigned i = 0; i < n; i++) {
		if (!byte_range(&e[i], &lo, &hi))
			return vm_fail(err, errlen, EINVAL,
				       "partition table: entry %u (start sector %llu, %llu sectors) "
				       "overflows", e[i].partno, (unsigned long long)e[i].start,
				       (unsigned long long)e[i].sectors);
		if (hi > image_size)
			return vm_fail(err, errlen, EINVAL,
				       "partition table: entry %u (bytes %llu..%llu) ends beyond the "
				       "image (%llu bytes)", e[i].partno, (unsigned long long)lo,
				       (unsigned long long)hi, (unsigned long long)image_size);
		for (unsigned j = 0; j < i; j++) {
			if (may_overlap(&e[i], &e[j]) || !byte_range(&e[j], &lo2, &hi2))
				continue;
			if (lo < hi2 && lo2 < hi)
				return vm_fail(err, errlen, EINVAL,
					       "partition table: entry %u (bytes %llu..%llu) overlaps "
					       "entry %u (bytes %llu..%llu)", e[i].partno,
					       (unsigned long long)lo, (unsigned long long)hi,
					       e[j].partno, (unsigned long long)lo2,
					       (unsigned long long)hi2);
		}
	}
	return 0;
}

/* DISKS and BINDS elements (mount/parse.c), and the image's /etc/fstab (mount/fstab.c)
 * against the DISKS the first lines give. */
#include "fuzz.h"
#include "vmount.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size), err[512];
	struct vm_config c = { .name = "fz", .dir = "/fuzz" };
	struct vm_fsent ent[VM_MAX_FSTAB];
	unsigned n = 0;
	if (!s)
		return 0;
	char *rest = s, *line;
	/* lines up to the first empty one: DISKS, then BINDS after a "-" line */
	int binds = 0;
	while ((line = strsep(&rest, "\n")) && *line) {
		if (!strcmp(line, "-"))
			binds = 1;
		else if (binds && c.nbinds < VM_MAX_BINDS)
			c.nbinds += vm_parse_bind(line, &c.binds[c.nbinds], err, sizeof(err)) == 0;
		else if (!binds && c.ndisks < VM_MAX_DISKS)
			c.ndisks += vm_parse_disk(line, &c.disks[c.ndisks], err, sizeof(err)) == 0;
	}
	if (rest)
		(void)vm_fstab_parse(rest, &c, ent, VM_MAX_FSTAB, &n, err, sizeof(err));
	if (n > VM_MAX_FSTAB)
		abort();
	free(s);
	return 0;
}

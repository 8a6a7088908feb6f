/* Stable names and MACs derived from a vnode's name: the same on every boot and every
 * machine, so DHCP leases persist and a leftover from an earlier run can be recognised. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vnet.h"

uint32_t vn_fnv1a32(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *b++) * 16777619u;
	return h;
}

uint64_t vn_fnv1a64(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 14695981039346656037ull;

	while (n--)
		h = (h ^ *b++) * 1099511628211ull;
	return h;
}

void vn_derive_mac(const char *name, unsigned i, char role, uint8_t mac[6])
{
	unsigned char buf[VN_NAME_MAX + 4];
	size_t n = strnlen(name, VN_NAME_MAX);
	uint64_t h;

	memcpy(buf, name, n);
	buf[n] = 0;
	buf[n + 1] = (unsigned char)role;
	buf[n + 2] = (unsigned char)i;
	h = vn_fnv1a64(buf, n + 3);
	for (int k = 0; k < 6; k++)
		mac[k] = (uint8_t)(h >> (8 * k));
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02); /* locally administered, unicast */
}

/* Names from different (NAME, i) never meet. A name ending in a digit takes a '-' before
 * i ("web1" 10 is web1-10, "web11" 0 is web11-0), since a vnode name never ends in '-'
 * and i has none. A form too long for IFNAMSIZ is the short form, whose '_' no vnode name
 * has: it meets no other form, and another short one only if their hashes of the whole
 * name (not a shared prefix, systemd #7918) collide, which vn_check reports. */
void vn_host_ifname(const char *name, unsigned i, char out[IFNAMSIZ])
{
	char full[VN_NAME_MAX + 16];
	size_t len = strlen(name);
	bool digit = len && name[len - 1] >= '0' && name[len - 1] <= '9';
	int n = snprintf(full, sizeof(full), "%s%s%u", name, digit ? "-" : "", i);

	if (n >= 0 && n < IFNAMSIZ) {
		memcpy(out, full, (size_t)n + 1);
		return;
	}
	snprintf(out, IFNAMSIZ, "%.6s_%06x%u", name,
		 (unsigned)(vn_fnv1a32(name, len) & 0xffffff), i % 100);
}

/* Stable names and MACs derived from a vnode's name: the same on every boot and every
 * machine, so DHCP leases persist and a leftover from an earlier run can be recognised. */
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

/* A truncated NAME<i> would silently collide with another vnode sharing the first 15 bytes
 * (systemd #7918); the hash of the whole name keeps long names apart. */
void vn_host_ifname(const char *name, unsigned i, char out[IFNAMSIZ])
{
	char full[VN_NAME_MAX + 16];
	int n = snprintf(full, sizeof(full), "%s%u", name, i);

	if (n >= 0 && n < IFNAMSIZ) {
		memcpy(out, full, (size_t)n + 1);
		return;
	}
	snprintf(out, IFNAMSIZ, "%.7s%06x%u", name,
		 (unsigned)(vn_fnv1a32(name, strlen(name)) & 0xffffff), i % 100);
}

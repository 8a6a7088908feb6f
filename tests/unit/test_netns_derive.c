/* MAC derivation and host-side name shortening: stable, documented, collision-aware. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vnet.h"

static void mac_str(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* Pinned values: a change here changes every vnode's MAC and loses its DHCP leases. The
 * values were computed independently from the algorithm documented in vnet.h. */
static void test_derived_mac_is_the_documented_value(void **state)
{
	uint8_t m[6];
	char s[18];

	(void)state;
	vn_derive_mac("demo1", 0, 'v', m);
	mac_str(m, s);
	assert_string_equal(s, "32:65:6c:d4:37:d5");
	vn_derive_mac("demo1", 1, 'v', m);
	mac_str(m, s);
	assert_string_equal(s, "7e:63:6c:d4:37:d4");
	vn_derive_mac("demo1", 0, 'h', m);
	mac_str(m, s);
	assert_string_equal(s, "6e:d1:94:d4:37:69");
}

static void test_derived_mac_is_local_unicast_for_many_names(void **state)
{
	char name[32];
	uint8_t m[6];

	(void)state;
	for (unsigned n = 0; n < 500; n++) {
		snprintf(name, sizeof(name), "vn%u", n);
		for (unsigned i = 0; i < VN_MAX_CABLES; i++) {
			vn_derive_mac(name, i, 'v', m);
			assert_int_equal(m[0] & 0x01, 0); /* unicast */
			assert_int_equal(m[0] & 0x02, 0x02); /* locally administered */
		}
	}
}

static void test_derived_mac_differs_by_index_name_and_side(void **state)
{
	uint8_t a[6], b[6];

	(void)state;
	vn_derive_mac("demo1", 0, 'v', a);
	vn_derive_mac("demo1", 1, 'v', b);
	assert_memory_not_equal(a, b, 6);
	vn_derive_mac("demo2", 0, 'v', b);
	assert_memory_not_equal(a, b, 6);
	vn_derive_mac("demo1", 0, 'h', b);
	assert_memory_not_equal(a, b, 6);
	/* "demo1" entry 0 and "demo" entry 10 share the name demo10, but not the MAC */
	vn_derive_mac("demo", 10, 'h', b);
	vn_derive_mac("demo1", 0, 'h', a);
	assert_memory_not_equal(a, b, 6);
}

static void test_short_name_is_name_and_index(void **state)
{
	char n[IFNAMSIZ];

	(void)state;
	vn_host_ifname("demo", 1, n);
	assert_string_equal(n, "demo" "1");
	vn_host_ifname("abcdefghijklm", 15, n); /* 13 + 2 = 15 bytes: still fits */
	assert_string_equal(n, "abcdefghijklm15");
}

static void test_a_name_ending_in_a_digit_takes_a_dash(void **state)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];

	(void)state;
	vn_host_ifname("web1", 10, a);
	vn_host_ifname("web11", 0, b);
	assert_string_equal(a, "web1-10");
	assert_string_equal(b, "web11-0");
	vn_host_ifname("web1-1", 0, a);  /* not web1's entry 10 either */
	assert_string_equal(a, "web1-1-0");
}

/* Every (name, i) of a set of names that meet under NAME<i> gets its own interface. */
static void test_no_two_names_meet(void **state)
{
	static const char *const names[] = { "a", "a1", "a11", "a1-1", "a-1", "a-11", "a-1-1",
		"abcdefghijklm", "abcdefghijklm1", "abcdefghijklmn", "abcdef1234567", "abcdef" };
	enum { N = sizeof(names) / sizeof(names[0]) };
	char got[N * VN_MAX_CABLES][IFNAMSIZ];

	(void)state;
	for (unsigned k = 0; k < N; k++)
		for (unsigned i = 0; i < VN_MAX_CABLES; i++)
			vn_host_ifname(names[k], i, got[k * VN_MAX_CABLES + i]);
	for (unsigned x = 0; x < N * VN_MAX_CABLES; x++)
		for (unsigned y = x + 1; y < N * VN_MAX_CABLES; y++)
			assert_string_not_equal(got[x], got[y]);
}

static void test_long_name_gets_the_documented_short_form(void **state)
{
	char n[IFNAMSIZ];

	(void)state;
	vn_host_ifname("averyveryverylongvnodename", 3, n);
	assert_string_equal(n, "averyv_1907873");
	vn_host_ifname("abcdefghijklmn", 5, n); /* 14 + 1 = 15: fits */
	assert_string_equal(n, "abcdefghijklmn5");
	vn_host_ifname("abcdefghijklmn", 15, n); /* 14 + 2 = 16: shortened */
	assert_int_equal(strlen(n), 15);
	assert_memory_equal(n, "abcdef_", 7);
}

static void test_long_names_sharing_a_prefix_do_not_collide(void **state)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];

	(void)state;
	vn_host_ifname("experiment-node-001", 0, a);
	vn_host_ifname("experiment-node-002", 0, b);
	assert_string_not_equal(a, b);
	for (unsigned i = 0; i < VN_MAX_CABLES; i++) {
		vn_host_ifname("a-name-of-exactly-sixty-four-bytes-a-name-of-exactly-sixty-four", i, a);
		assert_true(strlen(a) < IFNAMSIZ);
	}
}

static void test_short_form_is_deterministic(void **state)
{
	char a[IFNAMSIZ], b[IFNAMSIZ];

	(void)state;
	vn_host_ifname("experiment-node-001", 7, a);
	vn_host_ifname("experiment-node-001", 7, b);
	assert_string_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derived_mac_is_the_documented_value),
		cmocka_unit_test(test_derived_mac_is_local_unicast_for_many_names),
		cmocka_unit_test(test_derived_mac_differs_by_index_name_and_side),
		cmocka_unit_test(test_short_name_is_name_and_index),
		cmocka_unit_test(test_a_name_ending_in_a_digit_takes_a_dash),
		cmocka_unit_test(test_no_two_names_meet),
		cmocka_unit_test(test_long_name_gets_the_documented_short_form),
		cmocka_unit_test(test_long_names_sharing_a_prefix_do_not_collide),
		cmocka_unit_test(test_short_form_is_deterministic),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

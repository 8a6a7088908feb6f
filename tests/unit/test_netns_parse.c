/* Parsing of NETWORK=, BRIDGES=, ADDRS=, GATEWAY= and the whole configuration. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vnet.h"

static char err[256];
static struct vn_config cfg;

static void test_cable_with_bridge_and_mac(void **state)
{
	struct vn_cable c;
	const uint8_t want[6] = { 0x06, 0xa7, 0xdd, 0xb4, 0x02, 0xf2 };

	(void)state;
	assert_int_equal(vn_parse_cable("demo1", 0, "homenet:06:a7:dd:b4:02:f2", &c, err, sizeof(err)), 0);
	assert_string_equal(c.bridge, "homenet");
	assert_memory_equal(c.mac, want, 6);
	assert_true(c.mac_given);
	assert_string_equal(c.host_if, "demo1-0");  /* a name ending in a digit: "-" */
	assert_string_equal(c.peer_if, "eth0");
}

static void test_cable_without_mac_derives_one(void **state)
{
	struct vn_cable a, b;
	uint8_t want[6];

	(void)state;
	assert_int_equal(vn_parse_cable("demo1", 2, "homenet:", &a, err, sizeof(err)), 0);
	assert_int_equal(vn_parse_cable("demo1", 2, "homenet", &b, err, sizeof(err)), 0);
	vn_derive_mac("demo1", 2, 'v', want);
	assert_memory_equal(a.mac, want, 6);
	assert_memory_equal(b.mac, want, 6);
	assert_false(a.mac_given);
	assert_string_equal(a.peer_if, "eth2");
	assert_string_equal(a.host_if, "demo1-2");
}

static void test_cable_without_bridge_is_unattached(void **state)
{
	struct vn_cable c;

	(void)state;
	assert_int_equal(vn_parse_cable("demo1", 0, ":02:00:00:00:00:01", &c, err, sizeof(err)), 0);
	assert_string_equal(c.bridge, "");
	assert_true(c.mac_given);
	assert_int_equal(vn_parse_cable("demo1", 0, ":", &c, err, sizeof(err)), 0);
	assert_string_equal(c.bridge, "");
	assert_false(c.mac_given);
}

static void test_cable_host_side_mac_is_derived_even_when_mac_given(void **state)
{
	struct vn_cable c;
	uint8_t want[6];

	(void)state;
	assert_int_equal(vn_parse_cable("demo1", 1, "br:02:00:00:00:00:01", &c, err, sizeof(err)), 0);
	vn_derive_mac("demo1", 1, 'h', want);
	assert_memory_equal(c.host_mac, want, 6);
}

static void test_malformed_macs_are_refused(void **state)
{
	static const char *const bad[] = { "br:06:a7:dd:b4:02", "br:06:a7:dd:b4:02:f2:00",
					   "br:6:a7:dd:b4:02:f2", "br:06-a7-dd-b4-02-f2",
					   "br:0g:a7:dd:b4:02:f2", "br:06:a7:dd:b4:02:f", "br:x" };
	struct vn_cable c;

	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		assert_int_equal(vn_parse_cable("demo1", 0, bad[k], &c, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "malformed MAC"));
	}
}

static void test_multicast_and_zero_macs_are_refused(void **state)
{
	struct vn_cable c;

	(void)state;
	assert_int_equal(vn_parse_cable("demo1", 0, "br:01:00:5e:00:00:01", &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "multicast"));
	assert_int_equal(vn_parse_cable("demo1", 0, "br:ff:ff:ff:ff:ff:ff", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(vn_parse_cable("demo1", 0, "br:00:00:00:00:00:00", &c, err, sizeof(err)), -EINVAL);
}

static void test_bad_bridge_names_are_refused(void **state)
{
	struct vn_cable c;

	(void)state;
	assert_int_equal(vn_parse_cable("demo1", 0, "a/b:", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(vn_parse_cable("demo1", 0, "sixteen-bytes-xx:", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(vn_parse_cable("demo1", 0, "..:", &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(vn_parse_cable("demo1", 0, "a b:", &c, err, sizeof(err)), -EINVAL);
}

static void test_addr_ipv4_and_ipv6(void **state)
{
	struct vn_addr a;
	const unsigned char v4[4] = { 10, 1, 0, 2 };

	(void)state;
	assert_int_equal(vn_parse_addr("eth0:10.1.0.2/24", &a, err, sizeof(err)), 0);
	assert_string_equal(a.ifname, "eth0");
	assert_int_equal(a.family, AF_INET);
	assert_memory_equal(a.addr, v4, 4);
	assert_int_equal(a.prefix, 24);
	assert_int_equal(vn_parse_addr("eth1:fd00::2/64", &a, err, sizeof(err)), 0);
	assert_string_equal(a.ifname, "eth1");
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.prefix, 64);
	assert_int_equal(a.addr[0], 0xfd);
	assert_int_equal(a.addr[15], 2);
}

static void test_malformed_addrs_are_refused(void **state)
{
	static const char *const bad[] = { "10.1.0.2/24", "eth0:10.1.0.2", "eth0:10.1.0.2/33",
					   "eth0:10.1.0/24", ":10.1.0.2/24", "eth0:fd00::2/129",
					   "eth0:10.1.0.2/", "eth0:10.1.0.2/-1", "eth0:10.1.0.2/24x",
					   "eth0:host/24", "" };
	struct vn_addr a;

	(void)state;
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		assert_int_equal(vn_parse_addr(bad[k], &a, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "malformed ADDRS entry"));
	}
}

static void test_gateway(void **state)
{
	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(vn_parse_gateway("10.1.0.1", &cfg, err, sizeof(err)), 0);
	assert_true(cfg.has_gateway);
	assert_int_equal(cfg.gw_family, AF_INET);
	assert_int_equal(vn_parse_gateway("fd00::1", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.gw_family, AF_INET6);
	assert_int_equal(vn_parse_gateway("10.1.0.1/24", &cfg, err, sizeof(err)), -EINVAL);
}

static void test_modes(void **state)
{
	enum vn_mode m;

	(void)state;
	assert_int_equal(vn_parse_mode(NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(m, VN_PRIVATE);
	assert_int_equal(vn_parse_mode("host", &m, err, sizeof(err)), 0);
	assert_int_equal(m, VN_HOST);
	assert_int_equal(vn_parse_mode("none", &m, err, sizeof(err)), 0);
	assert_int_equal(m, VN_NONE);
	assert_int_equal(vn_parse_mode("bridge", &m, err, sizeof(err)), -EINVAL);
}

static void test_config_whole(void **state)
{
	const char *br[] = { "homenet:06:a7:dd:b4:02:f2", "labnet:" };
	const char *ad[] = { "eth0:10.1.0.2/24", "eth1:fd00::2/64", "lo:127.0.0.2/8" };

	(void)state;
	assert_int_equal(vn_config_init(&cfg, "demo1", NULL, br, 2, ad, 3, "10.1.0.1", err, sizeof(err)), 0);
	assert_int_equal(cfg.ncables, 2);
	assert_int_equal(cfg.naddrs, 3);
	assert_true(cfg.has_gateway);
	assert_string_equal(cfg.cables[1].bridge, "labnet");
}

static void test_config_refuses_more_cables_than_the_limit(void **state)
{
	const char *br[VN_MAX_CABLES + 1];

	(void)state;
	for (int k = 0; k <= VN_MAX_CABLES; k++)
		br[k] = ":";
	assert_int_equal(vn_config_init(&cfg, "demo1", NULL, br, VN_MAX_CABLES, NULL, 0, NULL, err, sizeof(err)), 0);
	assert_int_equal(vn_config_init(&cfg, "demo1", NULL, br, VN_MAX_CABLES + 1, NULL, 0, NULL, err, sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "limit is 16"));
}

static void test_config_refuses_the_same_mac_twice(void **state)
{
	const char *br[] = { "a:02:00:00:00:00:01", "b:", "c:02:00:00:00:00:01" };

	(void)state;
	assert_int_equal(vn_config_init(&cfg, "demo1", NULL, br, 3, NULL, 0, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "entries 0 and 2 have the same MAC 02:00:00:00:00:01"));
}

static void test_config_refuses_addrs_on_unknown_interfaces(void **state)
{
	const char *br[] = { "a:" };
	const char *ad[] = { "eth1:10.1.0.2/24" };

	(void)state;
	assert_int_equal(vn_config_init(&cfg, "demo1", NULL, br, 1, ad, 1, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "no interface eth1"));
}

static void test_config_refuses_bad_names_and_mode_mixtures(void **state)
{
	const char *br[] = { "a:" };

	(void)state;
	assert_int_equal(vn_config_init(&cfg, "", NULL, NULL, 0, NULL, 0, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(vn_config_init(&cfg, "a/b", NULL, NULL, 0, NULL, 0, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(vn_config_init(&cfg, "..", NULL, NULL, 0, NULL, 0, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(vn_config_init(&cfg, "demo1", "none", br, 1, NULL, 0, NULL, err, sizeof(err)), -EINVAL);
	assert_int_equal(vn_config_init(&cfg, "demo1", "host", NULL, 0, NULL, 0, "10.0.0.1", err, sizeof(err)), -EINVAL);
	assert_int_equal(vn_config_init(&cfg, "demo1", "none", NULL, 0, NULL, 0, NULL, err, sizeof(err)), 0);
	assert_int_equal(cfg.mode, VN_NONE);
}

static void test_errors_fit_the_buffer(void **state)
{
	char small[8];
	struct vn_addr a;

	(void)state;
	assert_int_equal(vn_parse_addr("nonsense", &a, small, sizeof(small)), -EINVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cable_with_bridge_and_mac),
		cmocka_unit_test(test_cable_without_mac_derives_one),
		cmocka_unit_test(test_cable_without_bridge_is_unattached),
		cmocka_unit_test(test_cable_host_side_mac_is_derived_even_when_mac_given),
		cmocka_unit_test(test_malformed_macs_are_refused),
		cmocka_unit_test(test_multicast_and_zero_macs_are_refused),
		cmocka_unit_test(test_bad_bridge_names_are_refused),
		cmocka_unit_test(test_addr_ipv4_and_ipv6),
		cmocka_unit_test(test_malformed_addrs_are_refused),
		cmocka_unit_test(test_gateway),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_config_whole),
		cmocka_unit_test(test_config_refuses_more_cables_than_the_limit),
		cmocka_unit_test(test_config_refuses_the_same_mac_twice),
		cmocka_unit_test(test_config_refuses_addrs_on_unknown_interfaces),
		cmocka_unit_test(test_config_refuses_bad_names_and_mode_mixtures),
		cmocka_unit_test(test_errors_fit_the_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

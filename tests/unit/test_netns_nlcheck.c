/* The netlink reply checker on canned kernel replies. */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vnet.h"

#define SEQ 42
#define PORT 4242

static unsigned char buf[1024] __attribute__((aligned(4)));
static size_t used;
static char msg[64];

static struct nlmsghdr *put(uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid, size_t payload)
{
	struct nlmsghdr *nlh = (void *)(buf + used);

	memset(nlh, 0, NLMSG_SPACE(payload));
	nlh->nlmsg_len = (uint32_t)NLMSG_LENGTH(payload);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	used += NLMSG_SPACE(payload);
	return nlh;
}

/* NLMSG_ERROR as the kernel sends it with NETLINK_CAP_ACK: the request's header only. */
static struct nlmsghdr *put_error(int error, uint32_t seq, uint32_t pid)
{
	struct nlmsghdr *nlh = put(NLMSG_ERROR, NLM_F_CAPPED, seq, pid, sizeof(struct nlmsgerr));
	struct nlmsgerr *e = NLMSG_DATA(nlh);

	e->error = error;
	e->msg.nlmsg_len = 64;
	e->msg.nlmsg_seq = seq;
	return nlh;
}

static int reset(void **state)
{
	(void)state;
	used = 0;
	memset(buf, 0, sizeof(buf));
	msg[0] = 'x';
	msg[1] = '\0';
	return 0;
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	++*(int *)data;
	return 0;
}

static int failing_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return -ENOMEM;
}

static void test_ack_finishes_the_request(void **state)
{
	(void)state;
	put_error(0, SEQ, PORT);
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
}

static void test_error_becomes_minus_errno(void **state)
{
	(void)state;
	put_error(-EEXIST, SEQ, PORT);
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), -EEXIST);
}

static void test_extended_ack_text_is_copied(void **state)
{
	static const char text[] = "Unknown device type";
	struct nlmsghdr *nlh = put_error(-EOPNOTSUPP, SEQ, PORT);
	struct nlattr *a = (void *)(buf + used);

	(void)state;
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = (uint16_t)(NLA_HDRLEN + sizeof(text));
	memcpy((char *)a + NLA_HDRLEN, text, sizeof(text));
	used += NLA_ALIGN(a->nla_len);
	nlh->nlmsg_len = (uint32_t)used;
	nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), -EOPNOTSUPP);
	assert_string_equal(msg, text);
}

static void test_other_sequence_number_is_a_protocol_error(void **state)
{
	(void)state;
	put_error(0, SEQ - 1, PORT);
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), -EPROTO);
}

static void test_other_port_is_refused(void **state)
{
	(void)state;
	put_error(0, SEQ, PORT + 1);
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), -ESRCH);
}

static void test_port_zero_from_the_kernel_is_accepted(void **state)
{
	(void)state;
	put_error(0, SEQ, 0);
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), 0);
}

static void test_truncated_messages_are_refused(void **state)
{
	(void)state;
	put_error(0, SEQ, PORT);
	assert_int_equal(vn_nl_check(buf, used - 4, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), -EBADMSG);
	assert_int_equal(vn_nl_check(buf, 8, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), -EBADMSG);
	((struct nlmsghdr *)buf)->nlmsg_len = 4;
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), -EBADMSG);
	/* an NLMSG_ERROR too short to hold its nlmsgerr */
	used = 0;
	put(NLMSG_ERROR, 0, SEQ, PORT, 2);
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), -EBADMSG);
}

static void test_data_goes_to_the_callback_then_the_ack_finishes(void **state)
{
	int n = 0;

	(void)state;
	put(RTM_NEWLINK, 0, SEQ, PORT, sizeof(struct ifinfomsg));
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, count_cb, &n, msg, sizeof(msg)), 1);
	assert_int_equal(n, 1);
	put_error(0, SEQ, PORT);
	n = 0;
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, count_cb, &n, msg, sizeof(msg)), 0);
	assert_int_equal(n, 1);
}

static void test_dump_parts_then_done(void **state)
{
	int n = 0;

	(void)state;
	put(RTM_NEWLINK, NLM_F_MULTI, SEQ, PORT, sizeof(struct ifinfomsg));
	put(RTM_NEWLINK, NLM_F_MULTI, SEQ, PORT, sizeof(struct ifinfomsg));
	put(NLMSG_DONE, NLM_F_MULTI, SEQ, PORT, sizeof(int));
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, count_cb, &n, msg, sizeof(msg)), 0);
	assert_int_equal(n, 2);
}

static void test_callback_error_stops_the_walk(void **state)
{
	(void)state;
	put(RTM_NEWLINK, 0, SEQ, PORT, sizeof(struct ifinfomsg));
	put_error(0, SEQ, PORT);
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, failing_cb, NULL, msg, sizeof(msg)), -ENOMEM);
}

static void test_noop_and_empty_buffers_ask_for_more(void **state)
{
	(void)state;
	assert_int_equal(vn_nl_check(buf, 0, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), 1);
	put(NLMSG_NOOP, 0, SEQ, PORT, 0);
	assert_int_equal(vn_nl_check(buf, used, SEQ, PORT, NULL, NULL, msg, sizeof(msg)), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ack_finishes_the_request, reset),
		cmocka_unit_test_setup(test_error_becomes_minus_errno, reset),
		cmocka_unit_test_setup(test_extended_ack_text_is_copied, reset),
		cmocka_unit_test_setup(test_other_sequence_number_is_a_protocol_error, reset),
		cmocka_unit_test_setup(test_other_port_is_refused, reset),
		cmocka_unit_test_setup(test_port_zero_from_the_kernel_is_accepted, reset),
		cmocka_unit_test_setup(test_truncated_messages_are_refused, reset),
		cmocka_unit_test_setup(test_data_goes_to_the_callback_then_the_ack_finishes, reset),
		cmocka_unit_test_setup(test_dump_parts_then_done, reset),
		cmocka_unit_test_setup(test_callback_error_stops_the_walk, reset),
		cmocka_unit_test_setup(test_noop_and_empty_buffers_ask_for_more, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

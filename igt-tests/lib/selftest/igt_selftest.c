// SPDX-License-Identifier: MIT
/*
 * igt_selftest.c - exercises the harness itself, on the build host.
 *
 * Every outcome the harness can produce has a subtest here; selftest.sh
 * runs them one by one and checks exit codes and output lines.
 *
 * Copyright (c) 2025 The neuron project authors
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "igt.h"

IGT_TEST_DESCRIPTION("Self-test of the neuron IGT-convention harness");

igt_main
{
	int null_fd = -1;

	igt_fixture {
		null_fd = open("/dev/null", O_RDWR);
		igt_assert_fd(null_fd);
	}

	igt_describe("Every assertion macro in its passing form");
	igt_subtest("pass-asserts") {
		uint64_t big = 1ull << 40;

		igt_assert(1);
		igt_assert_f(2 > 1, "never printed\n");
		igt_assert_eq(3, 3);
		igt_assert_neq(3, 4);
		igt_assert_lt(-1, 0);
		igt_assert_lte(0, 0);
		igt_assert_gt(1, 0);
		igt_assert_gte(1, 1);
		igt_assert_eq_u32(0xffffffffu, 0xffffffffu);
		igt_assert_eq_u64(big, 1ull << 40);
		igt_assert_neq_u64(big, 0);
		igt_assert_lt_u64(1, big);
		igt_assert_lte_u64(big, big);
		igt_fail_on(0);
		igt_skip_on(0);
		igt_require(1);
		/* /dev/null has no ioctls: ENOTTY */
		do_ioctl_err(null_fd, FIONREAD + 0x1000, NULL, ENOTTY);
		igt_info("info line\n");
		igt_debug("debug line\n");
	}

	igt_subtest_f("pass-formatted-%d", 7)
		igt_assert(1);

	igt_subtest("fail-assert")
		igt_assert(null_fd < 0);

	igt_subtest("fail-assert-eq") {
		int two = 2;

		igt_assert_eq(two, 3);
	}

	igt_describe("do_ioctl() on an ioctl that fails must fail the subtest");
	igt_subtest("fail-ioctl")
		do_ioctl(null_fd, FIONREAD + 0x1000, NULL);

	igt_subtest("fail-ioctl-wrong-errno")
		do_ioctl_err(null_fd, FIONREAD + 0x1000, NULL, EINVAL);

	igt_subtest("skip-require")
		igt_require(null_fd < 0);

	igt_subtest("skip-explicit")
		igt_skip("explicitly skipped\n");

	igt_subtest("crash")
		raise(SIGSEGV);

	igt_subtest_group {
		igt_fixture
			igt_require_f(0, "group fixture skips\n");

		igt_subtest("group-skipped")
			igt_assert(0);	/* must not run */
	}

	/* The group's fixture skip must not leak out of the group. */
	igt_subtest("after-group")
		igt_assert(1);

	/* The build host has no neuron device and no QMP port: both skip. */
	igt_subtest("no-device-skips")
		close(igt_neuron_open(0));

	igt_subtest("no-qmp-skips")
		igt_qmp("{\"execute\": \"query-status\"}");

	igt_fixture
		close(null_fd);
}

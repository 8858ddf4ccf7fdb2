/* SPDX-License-Identifier: MIT */
/*
 * igt.h - a small test harness following the IGT (IGT GPU Tools) conventions
 *
 * Copyright (c) 2025 The neuron project authors
 *
 * This is NOT IGT.  It is a few hundred lines, written for this project, that
 * reproduce the contract IGT-aware tooling (igt_runner, piglit, CI parsers)
 * relies on, so the neuron tests can later move into IGT proper:
 *
 *   - one binary per area, each with named subtests;
 *   - CLI: --list-subtests, --run-subtest NAME (glob), --describe, --help;
 *   - stdout lines "Starting subtest: NAME" and
 *     "Subtest NAME: SUCCESS|FAIL|SKIP|CRASH (1.234s)";
 *   - exit codes 0 success, 77 skip (also: every subtest skipped),
 *     79 invalid (unknown option or subtest), 98 failure;
 *   - "[IGT] <bin>: starting subtest <name>" markers in /dev/kmsg so the
 *     kernel log can be matched to the subtest that produced it.
 *
 * Structure of a test:
 *
 *	IGT_TEST_DESCRIPTION("What this binary tests");
 *
 *	igt_main
 *	{
 *		int fd = -1;
 *
 *		igt_fixture
 *			fd = igt_neuron_open(0);	// skips every subtest if none
 *
 *		igt_describe("Unknown flags are rejected");
 *		igt_subtest("bad-flags") {
 *			struct drm_neuron_foo arg = { .flags = ~0u };
 *
 *			do_ioctl_err(fd, DRM_IOCTL_NEURON_FOO, &arg, EINVAL);
 *		}
 *
 *		igt_fixture
 *			close(fd);
 *	}
 *
 * Semantics (the same as IGT's):
 *   - A failed igt_assert*() ends the current subtest with FAIL; an
 *     igt_require()/igt_skip() ends it with SKIP.  The binary carries on with
 *     the next subtest.
 *   - A skip inside an igt_fixture skips every later subtest (of the enclosing
 *     igt_subtest_group, if any); a failure there fails them.
 *   - Fixtures do not run for --list-subtests.  With --run-subtest, fixtures
 *     run and only matching subtests do.
 *   - Outside any fixture/subtest, a skip exits the binary with 77 and a
 *     failure exits it with 98.
 *   - Subtest bodies must not "return" or "break" out of the block.
 */
#ifndef NEURON_IGT_H
#define NEURON_IGT_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define IGT_EXIT_SUCCESS	0
#define IGT_EXIT_SKIP		77
#define IGT_EXIT_INVALID	79
#define IGT_EXIT_FAILURE	98

/* ---- internals used by the macros below; not for tests to call ---- */
extern sigjmp_buf __igt_jmp;
void __igt_init(int argc, char **argv);
int __igt_exit(void);
bool __igt_fixture_begin(void);
void __igt_fixture_end(void);
bool __igt_subtest_begin(const char *name);
void __igt_subtest_end(void);
int __igt_group_enter(void);
int __igt_group_leave(void);
void __igt_skip(const char *file, int line, const char *func,
		const char *fmt, ...) __attribute__((noreturn, format(printf, 4, 5)));
void __igt_fail(const char *file, int line, const char *func,
		const char *fmt, ...) __attribute__((noreturn, format(printf, 4, 5)));
const char *__igt_subtest_name_f(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
extern const char *__igt_test_description;

#define __IGT_CAT2(a, b) a##b
#define __IGT_CAT(a, b) __IGT_CAT2(a, b)
#define __IGT_TMP __IGT_CAT(__igt_tmp_, __LINE__)

/* ---- structure ---- */

/* One-line description of the whole binary, printed by --help. */
#define IGT_TEST_DESCRIPTION(str) \
	const char *__igt_test_description = (str)

/* Declares main(); the block that follows is the test body. */
#define igt_main \
	static void __igt_main_body(void); \
	int main(int argc, char **argv) \
	{ \
		__igt_init(argc, argv); \
		__igt_main_body(); \
		return __igt_exit(); \
	} \
	static void __igt_main_body(void)

/* Setup/teardown code shared by the subtests that follow it. */
#define igt_fixture \
	for (int __IGT_TMP = 0; \
	     __IGT_TMP < 1 && __igt_fixture_begin() && \
	     sigsetjmp(__igt_jmp, 1) == 0; \
	     __IGT_TMP++, __igt_fixture_end())

/* A named subtest; the block runs only when selected. */
#define igt_subtest(name) \
	for (int __IGT_TMP = 0; \
	     __IGT_TMP < 1 && __igt_subtest_begin(name) && \
	     sigsetjmp(__igt_jmp, 1) == 0; \
	     __IGT_TMP++, __igt_subtest_end())

/* A subtest whose name is built with printf formatting. */
#define igt_subtest_f(...) igt_subtest(__igt_subtest_name_f(__VA_ARGS__))

/* Scopes fixture skips/failures to the subtests of this block. */
#define igt_subtest_group \
	for (int __IGT_TMP = __igt_group_enter(); __IGT_TMP; \
	     __IGT_TMP = __igt_group_leave())

/* Documents the next subtest (printed by --describe). */
void igt_describe(const char *description);

/* ---- results ---- */

#define igt_skip(...) __igt_skip(__FILE__, __LINE__, __func__, __VA_ARGS__)
#define igt_fail(...) __igt_fail(__FILE__, __LINE__, __func__, __VA_ARGS__)

#define igt_require(expr) do { \
	if (!(expr)) \
		igt_skip("Test requirement not met: %s\n", #expr); \
} while (0)
#define igt_require_f(expr, ...) do { \
	if (!(expr)) \
		igt_skip(__VA_ARGS__); \
} while (0)
#define igt_skip_on(expr) igt_require(!(expr))
#define igt_skip_on_f(expr, ...) igt_require_f(!(expr), __VA_ARGS__)

#define igt_assert(expr) do { \
	if (!(expr)) \
		igt_fail("Failed assertion: %s\n", #expr); \
} while (0)
#define igt_assert_f(expr, ...) do { \
	if (!(expr)) \
		igt_fail(__VA_ARGS__); \
} while (0)
#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, ...) igt_assert_f(!(expr), __VA_ARGS__)

/* Comparisons print both values on failure.  Each operand is evaluated once. */
#define __igt_assert_cmp(T, PF, a, op, b) do { \
	T __a = (a), __b = (b); \
	if (!(__a op __b)) \
		igt_fail("Failed assertion: %s %s %s\n" \
			 "  values: " PF " %s " PF "\n", \
			 #a, #op, #b, __a, #op, __b); \
} while (0)

#define igt_assert_eq(a, b)	__igt_assert_cmp(long long, "%lld", a, ==, b)
#define igt_assert_neq(a, b)	__igt_assert_cmp(long long, "%lld", a, !=, b)
#define igt_assert_lt(a, b)	__igt_assert_cmp(long long, "%lld", a, <, b)
#define igt_assert_lte(a, b)	__igt_assert_cmp(long long, "%lld", a, <=, b)
#define igt_assert_gt(a, b)	__igt_assert_cmp(long long, "%lld", a, >, b)
#define igt_assert_gte(a, b)	__igt_assert_cmp(long long, "%lld", a, >=, b)
#define igt_assert_eq_u32(a, b)	__igt_assert_cmp(uint32_t, "%#x", a, ==, b)
#define igt_assert_eq_u64(a, b)	\
	__igt_assert_cmp(unsigned long long, "%#llx", a, ==, b)
#define igt_assert_neq_u64(a, b) \
	__igt_assert_cmp(unsigned long long, "%#llx", a, !=, b)
#define igt_assert_lt_u64(a, b) \
	__igt_assert_cmp(unsigned long long, "%llu", a, <, b)
#define igt_assert_lte_u64(a, b) \
	__igt_assert_cmp(unsigned long long, "%llu", a, <=, b)
#define igt_assert_fd(fd)	igt_assert_gte(fd, 0)

/* ---- logging (stdout for info, stderr for warnings/debug) ---- */
void igt_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void igt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with --debug or IGT_LOG_LEVEL=debug. */
void igt_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- ioctls ---- */

/* ioctl() that restarts on EINTR (not on EAGAIN: tests may expect it). */
int igt_ioctl(int fd, unsigned long request, void *arg);

/* Asserts that the ioctl succeeds. */
#define do_ioctl(fd, req, arg) do { \
	int __ret = igt_ioctl((fd), (req), (arg)); \
	igt_assert_f(__ret == 0, "ioctl %s failed: %s (errno %d)\n", \
		     #req, strerror(errno), errno); \
	errno = 0; \
} while (0)

/* Asserts that the ioctl fails with errno @err. */
#define do_ioctl_err(fd, req, arg, err) do { \
	int __ret = igt_ioctl((fd), (req), (arg)); \
	int __err = errno, __want = (err); \
	igt_assert_f(__ret == -1 && __err == __want, \
		     "ioctl %s: expected -1/%s (errno %d), got %d/%s (errno %d)\n", \
		     #req, strerror(__want), __want, __ret, \
		     __ret ? strerror(__err) : "-", __ret ? __err : 0); \
	errno = 0; \
} while (0)

/* ---- neuron device helpers ---- */

/* Number of /dev/accel/accel* nodes whose DRM driver name is "neuron". */
int igt_neuron_count(void);

/*
 * Opens the index-th neuron accel node (in accel minor order) read-write.
 * Skips the current subtest/fixture when there is no such device.
 */
int igt_neuron_open(int index);

#define IGT_PCI_SLOT_LEN 32
/*
 * Writes the PCI address ("0000:01:00.0") of the device behind accel fd @fd
 * into @buf (at least IGT_PCI_SLOT_LEN bytes).  Returns 0 or -errno.
 */
int igt_neuron_pci_slot(int fd, char *buf);

/*
 * Index i of the QEMU device "neuron<i>" behind @fd: the VM runner places
 * neuron<i> behind the PCIe root port at slot 0x10 + i of bus 0 (or, in
 * older runners, at that slot itself).  Returns -1 if unknown.
 */
int igt_neuron_qdev_index(int fd);

/* ---- QMP access to the QEMU that runs us (see scripts/vm-run.sh) ---- */

/* True when the guest has the "org.neuron.qmp" virtio-serial port. */
bool igt_qmp_available(void);

/*
 * Sends one QMP command (a JSON object built from @fmt) and waits for its
 * reply; QMP events are skipped.  Returns 0 on {"return": ...}, -1 on
 * {"error": ...} or I/O trouble.  Skips when there is no QMP port.
 * igt_qmp_reply() also copies the reply line into @out (may be NULL).
 */
int igt_qmp(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int igt_qmp_reply(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* NEURON_IGT_H */

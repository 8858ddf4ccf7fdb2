/* SPDX-License-Identifier: MIT */
/*
 * Minimal unit-test helpers shared by the host tests of libneuron-drm.
 * Output: one line per test ("PASS name", "FAIL name", "SKIP name (why)"),
 * then "N passed, N failed, N skipped"; exit status 1 if any test failed.
 * An argument runs only the test of that name.
 */
#ifndef NEURON_UNIT_H
#define NEURON_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { PASS, FAIL, SKIP };

static const char *skip_reason;

#define CHECK(cond)                                                        \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "  %s:%d: check failed: %s\n",    \
				__FILE__, __LINE__, #cond);                \
			return FAIL;                                       \
		}                                                          \
	} while (0)

#define CHECK_EQ(a, b)                                                     \
	do {                                                               \
		long long a_ = (a), b_ = (b);                              \
		if (a_ != b_) {                                            \
			fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
				__FILE__, __LINE__, #a, a_, #b, b_);       \
			return FAIL;                                       \
		}                                                          \
	} while (0)

#define SKIP_IF(cond, why)                                                 \
	do {                                                               \
		if (cond) {                                                \
			skip_reason = (why);                               \
			return SKIP;                                       \
		}                                                          \
	} while (0)

/* A scratch directory per test that needs one, removed afterwards. */
static char tmpdir[64];

static inline int make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/neuron-drm-unit.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static inline void remove_tmpdir(void)
{
	char cmd[128];

	if (!tmpdir[0])
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "  could not remove %s\n", tmpdir);
	tmpdir[0] = '\0';
}

static inline int tmp_path(char *buf, size_t len, const char *name)
{
	return snprintf(buf, len, "%s/%s", tmpdir, name) < (int)len ? 0 : -1;
}

struct unit_test {
	const char *name;
	int (*fn)(void);
};

static inline int unit_main(const struct unit_test *tests, size_t n, int argc,
			    char **argv)
{
	unsigned int passed = 0, failed = 0, skipped = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int r;

		if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
			continue;
		skip_reason = NULL;
		r = tests[i].fn();
		if (r == PASS) {
			passed++;
			printf("PASS %s\n", tests[i].name);
		} else if (r == SKIP) {
			skipped++;
			printf("SKIP %s (%s)\n", tests[i].name, skip_reason);
		} else {
			failed++;
			printf("FAIL %s\n", tests[i].name);
		}
		fflush(stdout);
	}
	printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	return failed ? 1 : 0;
}

#endif

// SPDX-License-Identifier: MIT
/*
 * Host unit tests of neuron-top's reading of /proc/PID/fdinfo: the DRM
 * usage statistics keys the neuron driver prints, sizes with the units
 * the DRM core uses, other drivers' files, malformed values, busy %.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdinfo.h"
#include "unit.h"

/* What neuron_show_fdinfo() prints on 6.12 (drm_show_fdinfo() first). */
static const char neuron_text[] =
	"pos:\t0\nflags:\t02100002\nmnt_id:\t23\nino:\t151\n"
	"drm-driver:\tneuron\n"
	"drm-client-id:\t7\n"
	"drm-pdev:\t0000:00:11.0\n"
	"drm-total-host:\t32 MiB\n"
	"drm-shared-host:\t0\n"
	"drm-active-host:\t0\n"
	"drm-resident-host:\t16 MiB\n"
	"drm-total-dram:\t8388604 KiB\n"
	"drm-shared-dram:\t4 KiB\n"
	"drm-active-dram:\t4 MiB\n"
	"drm-resident-dram:\t8388604 KiB\n"
	"drm-engine-dma:\t123456789 ns\n"
	"drm-engine-capacity-dma:\t48\n"
	"neuron-jobs-submitted:\t10\n"
	"neuron-jobs-completed:\t9\n"
	"neuron-jobs-failed:\t1\n"
	"neuron-guilty:\t0\n";

static int test_parse_neuron(void)
{
	struct fdinfo fi;

	CHECK_EQ(fdinfo_parse(neuron_text, &fi), 1);
	CHECK(strcmp(fi.pdev, "0000:00:11.0") == 0);
	CHECK(fi.have_client_id);
	CHECK_EQ(fi.client_id, 7);
	CHECK(fi.have_engine);
	CHECK_EQ(fi.engine_ns, 123456789);
	CHECK_EQ(fi.capacity, 48);
	CHECK_EQ(fi.mem[FDI_HOST][FDI_TOTAL], 32ll << 20);
	CHECK_EQ(fi.mem[FDI_HOST][FDI_RESIDENT], 16ll << 20);
	CHECK_EQ(fi.mem[FDI_DRAM][FDI_TOTAL], 8388604ll << 10);
	CHECK_EQ(fi.mem[FDI_DRAM][FDI_SHARED], 4096);
	CHECK_EQ(fi.mem[FDI_DRAM][FDI_ACTIVE], 4ll << 20);
	CHECK(fi.have_mem[FDI_HOST][FDI_SHARED]);
	CHECK(!fi.have_mem[FDI_HOST][FDI_PURGEABLE]);
	CHECK(fi.have_jobs);
	CHECK_EQ(fi.jobs_submitted, 10);
	CHECK_EQ(fi.jobs_completed, 9);
	CHECK_EQ(fi.jobs_failed, 1);
	return PASS;
}

static int test_parse_other(void)
{
	struct fdinfo fi;

	/* A plain file, another DRM driver: not ours. */
	CHECK_EQ(fdinfo_parse("pos:\t0\nflags:\t0100000\n", &fi), 0);
	CHECK_EQ(fdinfo_parse("drm-driver:\tamdgpu\ndrm-engine-gfx:\t5 ns\n", &fi), 0);
	CHECK_EQ(fdinfo_parse("drm-driver:\tneuronx\n", &fi), 0);
	CHECK_EQ(fdinfo_parse("", &fi), 0);
	/* A neuron file without usage keys: ours, nothing known. */
	CHECK_EQ(fdinfo_parse("drm-driver:\tneuron\n", &fi), 1);
	CHECK(!fi.have_engine && !fi.have_jobs && fi.capacity == 1);
	return PASS;
}

/* A value that does not parse must not become a wrong figure. */
static int test_parse_malformed(void)
{
	struct fdinfo fi;

	CHECK_EQ(fdinfo_parse("drm-driver:\tneuron\ndrm-engine-dma:\t12 ms\n", &fi), -EINVAL);
	CHECK_EQ(fdinfo_parse("drm-driver:\tneuron\ndrm-total-dram:\t4 kB\n", &fi), -EINVAL);
	CHECK_EQ(fdinfo_parse("drm-driver:\tneuron\ndrm-total-dram:\tlots\n", &fi), -EINVAL);
	CHECK_EQ(fdinfo_parse("drm-driver:\tneuron\ndrm-engine-capacity-dma:\t0\n", &fi), -EINVAL);
	CHECK_EQ(fdinfo_parse("drm-driver:\tneuron\nneuron-jobs-failed:\t-1\n", &fi), -EINVAL);
	/* Unknown regions and keys are ignored, not errors. */
	CHECK_EQ(fdinfo_parse("drm-driver:\tneuron\ndrm-total-vram:\t1 KiB\nneuron-new:\tx\n", &fi), 1);
	return PASS;
}

static int test_parse_size(void)
{
	uint64_t b;

	CHECK_EQ(fdinfo_parse_size("0", &b), 0);
	CHECK_EQ(b, 0);
	CHECK_EQ(fdinfo_parse_size("4095", &b), 0);
	CHECK_EQ(b, 4095);
	CHECK_EQ(fdinfo_parse_size("3 KiB", &b), 0);
	CHECK_EQ(b, 3072);
	CHECK_EQ(fdinfo_parse_size("2 GiB", &b), 0);
	CHECK_EQ(b, 2ll << 30);
	CHECK_EQ(fdinfo_parse_size("1 TiB", &b), 0);
	CHECK_EQ(b, 1ll << 40);
	CHECK_EQ(fdinfo_parse_size("", &b), -EINVAL);
	CHECK_EQ(fdinfo_parse_size("1 KB", &b), -EINVAL);
	CHECK_EQ(fdinfo_parse_size("1 KiBx", &b), -EINVAL);
	CHECK_EQ(fdinfo_parse_size("18446744073709551615 KiB", &b), -EINVAL);
	return PASS;
}

static int test_busy_pct(void)
{
	/* 0.5 s busy in 1 s: 50 %, whatever the capacity (one queue) */
	CHECK(fdinfo_busy_pct(0, 500000000, 1000000000, 1) == 50.0);
	CHECK(fdinfo_busy_pct(100, 100 + 500000000, 1000000000, 192) == 50.0);
	/* two queues busy all the time: 200 % */
	CHECK(fdinfo_busy_pct(0, 2000000000, 1000000000, 192) == 200.0);
	/* never above every queue busy */
	CHECK(fdinfo_busy_pct(0, 3000000000ull, 1000000000, 1) == 100.0);
	CHECK(fdinfo_busy_pct(0, 3000000000ull, 1000000000, 2) == 200.0);
	CHECK(fdinfo_busy_pct(5, 4, 1000000000, 1) < 0);
	CHECK(fdinfo_busy_pct(0, 4, 0, 1) < 0);
	return PASS;
}

/* /proc files stat as 0 bytes: read until end of file. */
static int test_read_whole_file(void)
{
	char *t = read_whole_file("/proc/self/status", 1 << 20);

	SKIP_IF(!t && errno == ENOENT, "no /proc");
	CHECK(t);
	CHECK(strstr(t, "Pid:"));
	free(t);
	t = read_whole_file("/proc/self/status", 64);
	CHECK(!t && errno == EFBIG);
	CHECK(!read_whole_file("/nonexistent", 64) && errno == ENOENT);
	return PASS;
}

static const struct unit_test tests[] = {
	{ "top-fdinfo-neuron", test_parse_neuron },
	{ "top-fdinfo-other", test_parse_other },
	{ "top-fdinfo-malformed", test_parse_malformed },
	{ "top-fdinfo-size", test_parse_size },
	{ "top-busy-pct", test_busy_pct },
	{ "top-read-whole-file", test_read_whole_file },
};

int main(int argc, char **argv)
{
	return unit_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}

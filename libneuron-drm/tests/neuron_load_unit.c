// SPDX-License-Identifier: MIT
/*
 * Host unit tests of neuron-load's input side (no device involved):
 * CRC-32C, walking FILE|DIR arguments, rejecting bad input, reading files
 * that change under us, streaming them in pieces, and the packing of files
 * into DRAM arenas and staging windows.
 */
#define _GNU_SOURCE /* mkdtemp, setresuid */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crc32c.h"
#include "load-files.h"
#include "load-pack.h"
#include "progress.h"
#include "unit.h"

static unsigned int reported;
static char last_reason[128];

static void quiet_report(const char *path, const char *reason)
{
	(void)path;
	reported++;
	snprintf(last_reason, sizeof(last_reason), "%s", reason);
}

static int write_file(const char *name, const char *data, size_t len)
{
	char p[256];
	int fd;

	if (tmp_path(p, sizeof(p), name))
		return -1;
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (len && write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int test_crc32c(void)
{
	static const char check[] = "123456789";
	unsigned char buf[1024 + 8];
	uint32_t whole, part;
	size_t i, off;

	CHECK_EQ(crc32c(0, check, 9), 0xe3069283u);
	CHECK_EQ(crc32c(0, "", 0), 0);
	/* 32 bytes of zeros: the iSCSI (RFC 3720 B.4) test vector. */
	memset(buf, 0, 32);
	CHECK_EQ(crc32c(0, buf, 32), 0x8a9136aau);
	memset(buf, 0xff, 32);
	CHECK_EQ(crc32c(0, buf, 32), 0x62a8ab43u);
	/* Any split and any alignment give the same answer. */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 7 + 3);
	whole = crc32c(0, buf, 1024);
	for (i = 0; i <= 1024; i += 37) {
		part = crc32c(crc32c(0, buf, i), buf + i, 1024 - i);
		CHECK_EQ(part, whole);
	}
	for (off = 1; off < 8; off++) {
		unsigned char moved[1024 + 8];

		memcpy(moved + off, buf, 1024);
		CHECK_EQ(crc32c(0, moved + off, 1024), whole);
	}
	return PASS;
}

/* Bit at a time, straight from the definition: the oracle for ISA-L. */
static uint32_t crc32c_bitwise(uint32_t crc, const unsigned char *p, size_t len)
{
	int k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

/*
 * ISA-L's CRC-32C is bit for bit the definition's (and the slicing-by-8
 * code it replaced): every length up to 300 (its head, folding and tail
 * paths) and larger ones, every alignment, chained from a random CRC.
 */
static int test_crc32c_reference(void)
{
	static unsigned char buf[70000 + 64];
	uint32_t seed = 12345, init;
	size_t i, len, off;

	for (i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (unsigned char)(seed >> 16);
	}
	for (len = 0; len < 70000; len = len < 300 ? len + 1 : len * 3 + 7) {
		off = len % 61;
		init = (uint32_t)(len * 2654435761u);
		CHECK_EQ(crc32c(init, buf + off, len),
			 crc32c_bitwise(init, buf + off, len));
	}
	return PASS;
}

static int test_collect_tree(void)
{
	struct file_list fl = { 0 };
	char p[256], q[256];
	int ret = FAIL;

	CHECK(make_tmpdir() == 0);
	if (tmp_path(p, sizeof(p), "a") || mkdir(p, 0755) ||
	    write_file("a/x.bin", "12345", 5) || write_file("a/y.bin", "z", 1) ||
	    write_file("b.bin", "abc", 3) || write_file("empty", "", 0))
		goto out;
	if (tmp_path(p, sizeof(p), "a/x.bin") || tmp_path(q, sizeof(q), "link-file") ||
	    symlink(p, q))
		goto out;
	if (tmp_path(p, sizeof(p), "a") || tmp_path(q, sizeof(q), "link-dir") ||
	    symlink(p, q))
		goto out;
	if (tmp_path(q, sizeof(q), "dangling") || symlink("/nonexistent/x", q))
		goto out;
	if (tmp_path(q, sizeof(q), "fifo") || mkfifo(q, 0600))
		goto out;

	reported = 0;
	if (files_collect(&fl, tmpdir, quiet_report) != 0)
		goto out;
	/*
	 * empty, dangling, fifo rejected; link-dir skipped (no loops);
	 * link-file is a/x.bin again: listed once.
	 */
	if (reported != 3 || fl.errors != 3 || fl.n != 3 || fl.duplicates != 1) {
		fprintf(stderr, "  reported %u errors %u files %zu duplicates %u\n",
			reported, fl.errors, fl.n, fl.duplicates);
		goto out;
	}
	/* Sorted walk: a/x.bin a/y.bin b.bin */
	if (!strstr(fl.v[0].path, "/a/x.bin") || !strstr(fl.v[1].path, "/a/y.bin") ||
	    !strstr(fl.v[2].path, "/b.bin")) {
		fprintf(stderr, "  order: %s %s %s\n", fl.v[0].path,
			fl.v[1].path, fl.v[2].path);
		goto out;
	}
	if (fl.total_bytes != 9 || fl.max_size != 5)
		goto out;
	ret = PASS;
out:
	files_free(&fl);
	remove_tmpdir();
	return ret;
}

static int test_collect_bad_args(void)
{
	struct file_list fl = { 0 };

	reported = 0;
	CHECK_EQ(files_collect(&fl, "/nonexistent/model.onnx", quiet_report), 0);
	CHECK_EQ(fl.errors, 1);
	CHECK(strstr(last_reason, "No such file"));
	CHECK_EQ(files_collect(&fl, "/dev/null", quiet_report), 0);
	CHECK_EQ(fl.errors, 2);
	CHECK(strstr(last_reason, "not a regular file"));
	CHECK_EQ(fl.n, 0);
	files_free(&fl);

	CHECK(make_tmpdir() == 0);
	if (write_file("empty", "", 0)) {
		remove_tmpdir();
		return FAIL;
	}
	{
		char p[256];

		tmp_path(p, sizeof(p), "empty");
		files_collect(&fl, p, quiet_report);
	}
	remove_tmpdir();
	CHECK_EQ(fl.errors, 1);
	CHECK(strstr(last_reason, "empty"));
	files_free(&fl);
	return PASS;
}

/* An unreadable file is rejected at collection time, before any device. */
static int test_collect_unreadable(void)
{
	pid_t pid;
	int status;

	SKIP_IF(geteuid() != 0, "needs root to drop to another user");
	CHECK(make_tmpdir() == 0);
	if (chmod(tmpdir, 0755) || write_file("secret", "x", 1)) {
		remove_tmpdir();
		return FAIL;
	}
	{
		char p[256];

		tmp_path(p, sizeof(p), "secret");
		chmod(p, 0600);
	}
	pid = fork();
	if (pid == 0) {
		struct file_list fl = { 0 };

		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(2);
		files_collect(&fl, tmpdir, quiet_report);
		_exit(fl.errors == 1 && fl.n == 0 &&
		      strstr(last_reason, "Permission denied") ? 0 : 1);
	}
	CHECK(pid > 0);
	CHECK(waitpid(pid, &status, 0) == pid);
	remove_tmpdir();
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	return PASS;
}

/*
 * Write @len bytes of @data to the file @name of the temporary directory
 * and collect it alone into @fl; its path goes to @path. Returns 0 or -1.
 */
static int collect_one(const char *name, const void *data, size_t len,
		       struct file_list *fl, char *path, size_t path_len)
{
	if (write_file(name, data, len) || tmp_path(path, path_len, name) ||
	    files_collect(fl, path, quiet_report) || fl->n != 1)
		return -1;
	return 0;
}

static int test_read_and_change(void)
{
	struct file_list fl = { 0 };
	char p[256], buf[64];
	const char *why;
	int ret = FAIL;

	CHECK(make_tmpdir() == 0);
	if (collect_one("f", "hello world", 11, &fl, p, sizeof(p)))
		goto out;
	if (file_read(&fl.v[0], buf, &why) != 0 || !fl.v[0].read_ok ||
	    fl.v[0].crc != crc32c(0, "hello world", 11) ||
	    memcmp(buf, "hello world", 11))
		goto out;
	/* Grew since collected: refuse a partial copy. */
	if (write_file("f", "hello world!", 12) ||
	    file_read(&fl.v[0], buf, &why) != -EIO || !why || !strstr(why, "grew"))
		goto out;
	/* Shrank since collected. */
	if (write_file("f", "hello", 5) ||
	    file_read(&fl.v[0], buf, &why) != -EIO || !why || !strstr(why, "shrank"))
		goto out;
	/* Removed since collected. */
	if (unlink(p) || file_read(&fl.v[0], buf, &why) != -ENOENT)
		goto out;
	ret = PASS;
out:
	files_free(&fl);
	remove_tmpdir();
	return ret;
}

/* Sizes only: the packing looks at nothing else. */
static struct load_file *sized(size_t n, uint64_t (*size)(size_t i))
{
	struct load_file *v = calloc(n, sizeof(*v));
	size_t i;

	for (i = 0; v && i < n; i++)
		v[i].size = size(i);
	return v;
}

static uint64_t tiny_size(size_t i)
{
	return 1 + (i * 7919) % 200;	/* 1..200 bytes */
}

static uint64_t mixed_size(size_t i)
{
	static const uint64_t s[] = { 1, 63, 64, 65, 1000, 4096, 5000, 300, 2 };

	return s[i % (sizeof(s) / sizeof(s[0]))];
}

/*
 * Every file lies in its arena, aligned, in order, without overlap; an
 * arena is never larger than the maximum unless it holds one file; a new
 * arena starts only when the next file did not fit (next fit).
 */
static int check_plan(const struct pack_plan *p, const struct load_file *v,
		      size_t n, uint64_t max)
{
	size_t i, k;

	CHECK(p->n_arenas >= 1 && p->arena[0].first == 0);
	CHECK_EQ(p->arena[p->n_arenas - 1].end, n);
	for (k = 0; k < p->n_arenas; k++) {
		const struct pack_arena *a = &p->arena[k];
		uint64_t bytes = 0;

		CHECK(a->first < a->end);
		CHECK(a->size <= max || a->end - a->first == 1);
		if (k + 1 < p->n_arenas) {
			CHECK_EQ(p->arena[k + 1].first, a->end);
			/* The next arena's first file would not have fitted. */
			CHECK(((a->size + PACK_ALIGN - 1) & ~(uint64_t)(PACK_ALIGN - 1)) +
			      v[a->end].size > max);
		}
		for (i = a->first; i < a->end; i++) {
			CHECK_EQ(p->arena_of[i], k);
			CHECK_EQ(p->offset[i] % PACK_ALIGN, 0);
			CHECK(p->offset[i] + v[i].size <= a->size);
			if (i > a->first)
				CHECK(p->offset[i] >= p->offset[i - 1] + v[i - 1].size &&
				      p->offset[i] < p->offset[i - 1] + v[i - 1].size +
						     PACK_ALIGN);
			bytes += v[i].size;
		}
		CHECK_EQ(a->size, p->offset[a->end - 1] + v[a->end - 1].size);
		CHECK_EQ(a->bytes, bytes);
	}
	return PASS;
}

static int test_pack_plan(void)
{
	struct load_file *v = sized(20000, tiny_size);
	struct load_file big[4] = {
		{ .size = 100 }, { .size = 5000 }, { .size = 10 }, { .size = 1 },
	};
	struct pack_plan p;
	uint64_t max;

	CHECK(v);
	/* 20,000 tiny files: one buffer, not 20,000. */
	CHECK_EQ(pack_plan_make(&p, v, 20000, PACK_ARENA_MAX), 0);
	CHECK_EQ(p.n_arenas, 1);
	CHECK_EQ(check_plan(&p, v, 20000, PACK_ARENA_MAX), PASS);
	CHECK(pack_plan_need(&p, 4096) < 20000ull * 264);
	CHECK_EQ(pack_plan_need(&p, 4096) % 4096, 0);
	pack_plan_free(&p);
	/* Small arenas: many, each respecting the maximum. */
	for (max = 200; max <= 70000; max = max * 3 + 1) {
		CHECK_EQ(pack_plan_make(&p, v, 20000, max), 0);
		CHECK(p.n_arenas > 1);
		CHECK_EQ(check_plan(&p, v, 20000, max), PASS);
		pack_plan_free(&p);
	}
	free(v);
	v = sized(999, mixed_size);
	CHECK(v);
	CHECK_EQ(pack_plan_make(&p, v, 999, 4096), 0);
	CHECK_EQ(check_plan(&p, v, 999, 4096), PASS);
	pack_plan_free(&p);
	free(v);
	/* A file over the maximum gets an arena of its own, of its size. */
	CHECK_EQ(pack_plan_make(&p, big, 4, 1024), 0);
	CHECK_EQ(p.n_arenas, 3);
	CHECK_EQ(p.arena[1].size, 5000);
	CHECK_EQ(p.arena[1].first, 1);
	CHECK_EQ(p.arena[1].end, 2);
	CHECK_EQ(p.offset[3], 64);
	CHECK_EQ(check_plan(&p, big, 4, 1024), PASS);
	CHECK_EQ(pack_plan_need(&p, 4096), 3 * 4096 + 4096);
	pack_plan_free(&p);
	CHECK_EQ(pack_plan_make(&p, big, 0, 1024), -EINVAL);
	pack_plan_free(&p);
	return PASS;
}

/*
 * The staging walk covers every byte of every file once, in order, within
 * the half; a window ends only when the half is full.  With the arena
 * layout, the pieces of one window and arena merge into one transfer
 * (pack_extend), so 20,000 tiny files are one DMA transfer, not 20,000.
 */
static int walk_check(const struct load_file *v, size_t n, uint64_t half,
		      const struct pack_plan *p, size_t *xfers, size_t *windows)
{
	struct stage_walk w;
	struct stage_piece pc;
	bool nw;
	size_t file = 0;
	uint64_t off = 0, cursor = 0;
	uint64_t ls = 0, ld = 0, ll = 0;
	uint32_t la = UINT32_MAX;

	*xfers = 0;
	*windows = 1;
	stage_walk_init(&w, v, n, half);
	while (stage_walk_next(&w, &pc, &nw)) {
		uint64_t doff = p->offset[pc.file] + pc.file_off;

		if (nw) {
			CHECK(cursor >= half);
			(*windows)++;
			cursor = 0;
			la = UINT32_MAX;
		}
		CHECK_EQ(pc.file, file);
		CHECK_EQ(pc.file_off, off);
		CHECK(pc.len >= 1 && pc.stage_off >= cursor &&
		      pc.stage_off + pc.len <= half);
		if (pc.file_off == 0)
			CHECK_EQ(pc.stage_off % PACK_ALIGN, 0);
		cursor = (pc.stage_off + pc.len + PACK_ALIGN - 1) &
			 ~(uint64_t)(PACK_ALIGN - 1);
		off += pc.len;
		if (off == v[file].size) {
			file++;
			off = 0;
		}
		if (la != p->arena_of[pc.file] ||
		    !pack_extend(ls, ld, &ll, pc.stage_off, doff, pc.len)) {
			(*xfers)++;
			la = p->arena_of[pc.file];
			ls = pc.stage_off;
			ld = doff;
			ll = pc.len;
		}
	}
	CHECK_EQ(file, n);
	return PASS;
}

static int test_stage_walk(void)
{
	struct load_file *v = sized(20000, tiny_size);
	struct load_file one[3] = {
		{ .size = 10 }, { .size = 35000 }, { .size = 3 },
	};
	struct pack_plan p;
	size_t xfers, windows;

	CHECK(v);
	CHECK_EQ(pack_plan_make(&p, v, 20000, PACK_ARENA_MAX), 0);
	CHECK_EQ(walk_check(v, 20000, PACK_STAGE_HALF, &p, &xfers, &windows), PASS);
	CHECK_EQ(windows, 1);
	CHECK_EQ(xfers, 1);
	/* Small halves: one transfer per window (one arena). */
	CHECK_EQ(walk_check(v, 20000, 8192, &p, &xfers, &windows), PASS);
	CHECK(windows > 100);
	CHECK_EQ(xfers, windows);
	pack_plan_free(&p);
	/* Small arenas too: at most a window plus an arena's worth. */
	CHECK_EQ(pack_plan_make(&p, v, 20000, 5000), 0);
	CHECK_EQ(walk_check(v, 20000, 8192, &p, &xfers, &windows), PASS);
	CHECK(xfers <= windows + p.n_arenas);
	pack_plan_free(&p);
	free(v);
	/* A file larger than a half is split across windows. */
	CHECK_EQ(pack_plan_make(&p, one, 3, PACK_ARENA_MAX), 0);
	CHECK_EQ(walk_check(one, 3, 8192, &p, &xfers, &windows), PASS);
	CHECK_EQ(windows, 5);
	pack_plan_free(&p);
	return PASS;
}

/*
 * Staging BOs are sized to what the walk puts in each half: a set smaller
 * than a half takes one BO of its size, not two halves.
 */
static int test_stage_extent(void)
{
	struct load_file *v = sized(20000, tiny_size);
	struct load_file three[3] = {
		{ .size = 10 }, { .size = 35000 }, { .size = 3 },
	};
	struct load_file two[2] = { { .size = 5000 }, { .size = 5000 } };
	struct load_file one = { .size = 1 };
	struct pack_plan p;
	uint64_t ext[2];

	CHECK(v);
	CHECK_EQ(pack_plan_make(&p, v, 20000, PACK_ARENA_MAX), 0);
	stage_walk_extent(v, 20000, PACK_STAGE_HALF, ext);
	/* One arena, one window: the same layout as in DRAM. */
	CHECK_EQ(ext[0], p.arena[0].size);
	CHECK_EQ(ext[1], 0);
	pack_plan_free(&p);
	free(v);
	/* Windows 0, 2, 4 full, full, 2304 + 3; windows 1, 3 full. */
	stage_walk_extent(three, 3, 8192, ext);
	CHECK_EQ(ext[0], 8192);
	CHECK_EQ(ext[1], 8192);
	/* 5000 + 64-byte gap + 3136 fill window 0; window 1: 1864. */
	stage_walk_extent(two, 2, 8192, ext);
	CHECK_EQ(ext[0], 8192);
	CHECK_EQ(ext[1], 1864);
	stage_walk_extent(&one, 1, PACK_STAGE_HALF, ext);
	CHECK_EQ(ext[0], 1);
	CHECK_EQ(ext[1], 0);
	return PASS;
}

/*
 * The staging half grows with the square root of the set: few pages for
 * small sets, few jobs for large ones, never beyond PACK_STAGE_HALF.
 */
static int test_stage_half(void)
{
	uint64_t b, last = 0;

	CHECK_EQ(pack_stage_half(1), PACK_STAGE_MIN);
	CHECK_EQ(pack_stage_half(PACK_STAGE_MIN), PACK_STAGE_MIN);
	CHECK_EQ(pack_stage_half(PACK_STAGE_MIN + 1), 2 * PACK_STAGE_MIN);
	/* libonnx-testdata: 15 MiB, 1 MiB halves, not 4 MiB. */
	CHECK_EQ(pack_stage_half(15ull << 20), 1ull << 20);
	CHECK_EQ(pack_stage_half(16ull << 20), 1ull << 20);
	CHECK_EQ(pack_stage_half((16ull << 20) + 1), 2ull << 20);
	/* 20,000 files of 1..200 bytes: about 2 MiB. */
	CHECK_EQ(pack_stage_half(2ull << 20), 512ull << 10);
	CHECK_EQ(pack_stage_half(256ull << 20), PACK_STAGE_HALF);
	CHECK_EQ(pack_stage_half(1ull << 30), PACK_STAGE_HALF);
	CHECK_EQ(pack_stage_half(UINT64_MAX), PACK_STAGE_HALF);
	for (b = 1; b < (1ull << 40); b = b * 3 + 1) {
		uint64_t h = pack_stage_half(b);

		CHECK(h >= last && h >= PACK_STAGE_MIN && h <= PACK_STAGE_HALF);
		CHECK_EQ(h & (h - 1), 0);
		last = h;
	}
	return PASS;
}

static int test_pack_extend(void)
{
	uint64_t len = 100;

	/* The next file after the padding, the same on both sides. */
	CHECK(pack_extend(0, 4096, &len, 128, 4096 + 128, 10));
	CHECK_EQ(len, 138);
	len = 100;
	CHECK(pack_extend(0, 0, &len, 100, 100, 5));	/* no gap */
	CHECK_EQ(len, 105);
	len = 100;
	CHECK(!pack_extend(0, 0, &len, 164, 164, 5));	/* gap of a whole burst */
	CHECK(!pack_extend(0, 0, &len, 128, 192, 5));	/* different gaps */
	CHECK(!pack_extend(0, 0, &len, 64, 64, 5));	/* overlap */
	CHECK(!pack_extend(0, 64, &len, 128, 0, 5));	/* backwards */
	CHECK_EQ(len, 100);
	return PASS;
}

/* Streaming in pieces gives the whole file's CRC and catches changes. */
static int test_stream(void)
{
	static char data[100000];
	struct file_list fl = { 0 };
	struct file_stream fs;
	char p[256], buf[7000];
	const char *why = NULL;
	uint64_t off;
	size_t i;
	int ret = FAIL;

	for (i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 13 + (i >> 9));
	CHECK(make_tmpdir() == 0);
	if (collect_one("s", data, sizeof(data), &fl, p, sizeof(p)))
		goto out;
	if (file_stream_open(&fs, &fl.v[0]))
		goto out;
	for (off = 0; off < sizeof(data); off += sizeof(buf)) {
		uint64_t len = sizeof(data) - off < sizeof(buf) ?
				       sizeof(data) - off : sizeof(buf);

		if (file_stream_read(&fs, buf, len, &why) ||
		    memcmp(buf, data + off, len))
			goto out;
	}
	if (file_stream_close(&fs, &why) || !fl.v[0].read_ok ||
	    fl.v[0].crc != crc32c(0, data, sizeof(data)))
		goto out;
	/* Grew: the close says so, and the CRC is not taken as valid. */
	fl.v[0].read_ok = 0;
	fl.v[0].size = 10;
	if (file_stream_open(&fs, &fl.v[0]) ||
	    file_stream_read(&fs, buf, 4, &why) ||
	    file_stream_read(&fs, buf, 6, &why) ||
	    file_stream_close(&fs, &why) != -EIO || !why || !strstr(why, "grew") ||
	    fl.v[0].read_ok)
		goto out;
	/* Shrank: the read says so. */
	why = NULL;
	fl.v[0].size = sizeof(data) + 1;
	if (file_stream_open(&fs, &fl.v[0]))
		goto out;
	if (file_stream_read(&fs, data, sizeof(data) + 1 - 1, &why) ||
	    file_stream_read(&fs, buf, 1, &why) != -EIO || !why ||
	    !strstr(why, "shrank")) {
		file_stream_close(&fs, &why);
		goto out;
	}
	file_stream_close(&fs, &why);
	ret = PASS;
out:
	files_free(&fl);
	remove_tmpdir();
	return ret;
}

/* A file named twice, or a directory and a file in it, is listed once. */
static int test_collect_duplicates(void)
{
	struct file_list fl = { 0 };
	char p[256];
	int ret = FAIL;

	CHECK(make_tmpdir() == 0);
	if (write_file("m.onnx", "model", 5) || tmp_path(p, sizeof(p), "m.onnx"))
		goto out;
	reported = 0;
	if (files_collect(&fl, p, quiet_report) || files_collect(&fl, p, quiet_report) ||
	    files_collect(&fl, tmpdir, quiet_report))
		goto out;
	if (fl.n != 1 || fl.duplicates != 2 || fl.errors != 0 || reported != 0 ||
	    fl.total_bytes != 5) {
		fprintf(stderr, "  files %zu duplicates %u errors %u bytes %llu\n",
			fl.n, fl.duplicates, fl.errors,
			(unsigned long long)fl.total_bytes);
		goto out;
	}
	ret = PASS;
out:
	files_free(&fl);
	remove_tmpdir();
	return ret;
}

/*
 * /proc files stat as 0 bytes ("empty file" was wrong), sysfs files as a
 * page (they passed, then "shrank while loading"): both are rejected up
 * front as what they are.
 */
static int test_collect_pseudo_fs(void)
{
	struct file_list fl = { 0 };

	SKIP_IF(access("/proc/self/status", R_OK) != 0, "no /proc");
	reported = 0;
	CHECK_EQ(files_collect(&fl, "/proc/self/status", quiet_report), 0);
	CHECK_EQ(fl.errors, 1);
	CHECK_EQ(fl.n, 0);
	CHECK(strstr(last_reason, "proc"));
	CHECK(!strstr(last_reason, "empty"));
	if (access("/sys/kernel/uevent_seqnum", R_OK) == 0) {
		CHECK_EQ(files_collect(&fl, "/sys/kernel/uevent_seqnum",
				       quiet_report), 0);
		CHECK_EQ(fl.errors, 2);
		CHECK_EQ(fl.n, 0);
		CHECK(strstr(last_reason, "sysfs"));
	}
	files_free(&fl);
	return PASS;
}

/* Rounded sizes that read the same get their exact byte counts. */
static int test_format_bytes_pair(void)
{
	char a[64], b[64];

	/* 8 GiB needed, 8 GiB less the reserved page free */
	format_bytes_pair(8ull << 30, (8ull << 30) - 4096, a, b, sizeof(a));
	CHECK(strcmp(a, b) != 0);
	CHECK(strstr(a, "8589934592 bytes"));
	CHECK(strstr(b, "8589930496 bytes"));
	/* 4 GiB + 1 byte against a 4 GiB channel */
	format_bytes_pair((4ull << 30) + 1, 4ull << 30, a, b, sizeof(a));
	CHECK(strcmp(a, b) != 0);
	/* Different when rounded: no byte counts. */
	format_bytes_pair(3ull << 20, 1ull << 20, a, b, sizeof(a));
	CHECK(strcmp(a, "3.0 MiB") == 0);
	CHECK(strcmp(b, "1.0 MiB") == 0);
	format_bytes_pair(5, 5, a, b, sizeof(a));
	CHECK(strcmp(a, "5 B") == 0 && strcmp(b, "5 B") == 0);
	return PASS;
}

static const struct unit_test tests[] = {
	{ "load-crc32c", test_crc32c },
	{ "load-crc32c-reference", test_crc32c_reference },
	{ "load-collect-tree", test_collect_tree },
	{ "load-collect-bad-args", test_collect_bad_args },
	{ "load-collect-unreadable", test_collect_unreadable },
	{ "load-read-and-change", test_read_and_change },
	{ "load-collect-duplicates", test_collect_duplicates },
	{ "load-collect-pseudo-fs", test_collect_pseudo_fs },
	{ "load-format-bytes-pair", test_format_bytes_pair },
	{ "load-pack-plan", test_pack_plan },
	{ "load-stage-walk", test_stage_walk },
	{ "load-stage-extent", test_stage_extent },
	{ "load-stage-half", test_stage_half },
	{ "load-pack-extend", test_pack_extend },
	{ "load-stream", test_stream },
};

int main(int argc, char **argv)
{
	return unit_main(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}

// SPDX-License-Identifier: MIT
/*
 * neuron-load, input side: collecting and reading the files to load.
 */
#define _DEFAULT_SOURCE /* DT_* d_type values, strdup */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "crc32c.h"
#include "load-files.h"

static void default_report(const char *path, const char *reason)
{
	fprintf(stderr, "neuron-load: %s: %s\n", path, reason);
}

static void reject(struct file_list *fl, load_report_fn report,
		   const char *path, const char *reason)
{
	(report ? report : default_report)(path, reason);
	fl->errors++;
}

static size_t id_hash(dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ull) ^ (uint64_t)ino;

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ull;
	return (size_t)(h ^ (h >> 32));
}

/*
 * The index set of (device, inode) of the listed files: open addressing,
 * slots hold index + 1 (0 = empty), at most half full.  A tree of many
 * thousand files must not cost a comparison with every earlier one.
 */
static int seen_insert(struct file_list *fl, size_t idx)
{
	size_t mask, i;

	if ((fl->n + 1) * 2 > fl->seen_cap) {
		size_t cap = fl->seen_cap ? fl->seen_cap * 2 : 1024, k;
		size_t *t = calloc(cap, sizeof(*t));

		if (!t)
			return -ENOMEM;
		free(fl->seen);
		fl->seen = t;
		fl->seen_cap = cap;
		for (k = 0; k < fl->n; k++)
			if (k != idx && seen_insert(fl, k) < 0)
				return -ENOMEM;
	}
	mask = fl->seen_cap - 1;
	for (i = id_hash(fl->v[idx].dev, fl->v[idx].ino) & mask; fl->seen[i];
	     i = (i + 1) & mask)
		;
	fl->seen[i] = idx + 1;
	return 0;
}

static bool seen_before(const struct file_list *fl, const struct stat *st)
{
	size_t mask = fl->seen_cap - 1, i;

	if (!fl->seen_cap)
		return false;
	for (i = id_hash(st->st_dev, st->st_ino) & mask; fl->seen[i]; i = (i + 1) & mask) {
		const struct load_file *f = &fl->v[fl->seen[i] - 1];

		if (f->dev == st->st_dev && f->ino == st->st_ino)
			return true;
	}
	return false;
}

static int add_file(struct file_list *fl, const char *path,
		    const struct stat *st)
{
	uint64_t size = (uint64_t)st->st_size;
	struct load_file *f;

	/* The same file named twice (or reached twice) is loaded once. */
	if (seen_before(fl, st)) {
		fl->duplicates++;
		return 0;
	}

	if (fl->n == fl->cap) {
		size_t cap = fl->cap ? fl->cap * 2 : 256;
		struct load_file *v = realloc(fl->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		fl->v = v;
		fl->cap = cap;
	}
	f = &fl->v[fl->n];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return -ENOMEM;
	f->size = size;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	if (seen_insert(fl, fl->n) < 0) {
		free(f->path);
		return -ENOMEM;
	}
	fl->n++;
	fl->total_bytes += size;
	if (size > fl->max_size)
		fl->max_size = size;
	return 0;
}

/*
 * File systems whose files have no size before they are read: procfs says
 * 0, sysfs a page, and the content is made up at each read (it can change
 * between the load and the verification).  Magic numbers of
 * <linux/magic.h>, spelled out so that no kernel header is needed.
 */
static const char *pseudo_fs_name(const char *path)
{
	static const struct { unsigned long magic; const char *name; } fs[] = {
		{ 0x9fa0, "proc" },		/* PROC_SUPER_MAGIC */
		{ 0x62656572, "sysfs" },	/* SYSFS_MAGIC */
		{ 0x64626720, "debugfs" },	/* DEBUGFS_MAGIC */
		{ 0x74726163, "tracefs" },	/* TRACEFS_MAGIC */
		{ 0x73636673, "securityfs" },	/* SECURITYFS_MAGIC */
		{ 0x62656570, "configfs" },	/* CONFIGFS_MAGIC */
		{ 0x27e0eb, "cgroup" },		/* CGROUP_SUPER_MAGIC */
		{ 0x63677270, "cgroup2" },	/* CGROUP2_SUPER_MAGIC */
		{ 0xcafe4a11, "bpf" },		/* BPF_FS_MAGIC */
		{ 0xde5e81e4, "efivarfs" },	/* EFIVARFS_MAGIC */
		{ 0x6165676c, "pstore" },	/* PSTORE_MAGIC */
	};
	struct statfs sf;
	size_t i;

	if (statfs(path, &sf) < 0)
		return NULL;
	for (i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if ((unsigned long)sf.f_type == fs[i].magic)
			return fs[i].name;
	return NULL;
}

/* A regular file passed every check we can make without reading it all. */
static int check_file(struct file_list *fl, load_report_fn report,
		      const char *path, const struct stat *st)
{
	const char *pseudo = pseudo_fs_name(path);
	int fd;

	if (pseudo) {
		char msg[200];

		snprintf(msg, sizeof(msg), "a file of %s, whose size is not known "
			 "before it is read (stat says %lld bytes) and whose content "
			 "can change between reads: copy it to a regular file first",
			 pseudo, (long long)st->st_size);
		reject(fl, report, path, msg);
		return 0;
	}
	if (st->st_size == 0) {
		reject(fl, report, path, "empty file (nothing to load)");
		return 0;
	}
	/* Permission check by really opening: access() lies for root/ACLs. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "cannot open: %s", strerror(errno));
		reject(fl, report, path, msg);
		return 0;
	}
	close(fd);
	return add_file(fl, path, st);
}

static int cmp_names(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int walk_dir(struct file_list *fl, load_report_fn report,
		    const char *dir, unsigned int depth)
{
	struct dirent **ents;
	int n, i, ret = 0;

	/* Far deeper than any model tree; stops pathological recursion. */
	if (depth > 64) {
		reject(fl, report, dir, "directory tree too deep (> 64 levels)");
		return 0;
	}
	n = scandir(dir, &ents, NULL, cmp_names);
	if (n < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "cannot read directory: %s",
			 strerror(errno));
		reject(fl, report, dir, msg);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		struct stat st;
		char *path;
		size_t len;

		if (ret < 0 || !strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		len = strlen(dir) + strlen(name) + 2;
		path = malloc(len);
		if (!path) {
			ret = -ENOMEM;
			continue;
		}
		snprintf(path, len, "%s%s%s", dir,
			 dir[strlen(dir) - 1] == '/' ? "" : "/", name);
		if (lstat(path, &st) < 0) {
			reject(fl, report, path, strerror(errno));
		} else if (S_ISDIR(st.st_mode)) {
			ret = walk_dir(fl, report, path, depth + 1);
		} else if (S_ISLNK(st.st_mode)) {
			/* Follow links to files, never to directories. */
			if (stat(path, &st) < 0)
				reject(fl, report, path, "dangling symbolic link");
			else if (S_ISREG(st.st_mode))
				ret = check_file(fl, report, path, &st);
			else if (!S_ISDIR(st.st_mode))
				reject(fl, report, path, "not a regular file");
			/* a link to a directory is skipped silently, as find -P does */
		} else if (S_ISREG(st.st_mode)) {
			ret = check_file(fl, report, path, &st);
		} else {
			reject(fl, report, path, "not a regular file");
		}
		free(path);
	}
	for (i = 0; i < n; i++)
		free(ents[i]);
	free(ents);
	return ret;
}

int files_collect(struct file_list *fl, const char *arg, load_report_fn report)
{
	struct stat st;

	if (stat(arg, &st) < 0) {
		reject(fl, report, arg, strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		return walk_dir(fl, report, arg, 0);
	if (!S_ISREG(st.st_mode)) {
		reject(fl, report, arg, "not a regular file or directory");
		return 0;
	}
	return check_file(fl, report, arg, &st);
}

void files_free(struct file_list *fl)
{
	size_t i;

	for (i = 0; i < fl->n; i++)
		free(fl->v[i].path);
	free(fl->v);
	free(fl->seen);
	memset(fl, 0, sizeof(*fl));
}

int file_pread_full(int fd, void *buf, uint64_t len, uint64_t off,
		    const char **why)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = pread(fd, p, len > (1u << 30) ? (1u << 30) : (size_t)len,
			  (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0) {
			*why = "file shrank while loading";
			return -EIO;
		}
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

int file_stream_open(struct file_stream *s, struct load_file *f)
{
	memset(s, 0, sizeof(*s));
	s->f = f;
	s->checksum = true;
	s->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	return s->fd < 0 ? -errno : 0;
}

int file_stream_read(struct file_stream *s, void *buf, uint64_t len,
		     const char **why)
{
	int ret = file_pread_full(s->fd, buf, len, s->off, why);

	if (ret < 0)
		return ret;
	if (s->checksum)
		s->crc = crc32c(s->crc, buf, len);
	s->off += len;
	return 0;
}

int file_stream_close(struct file_stream *s, const char **why)
{
	unsigned char extra;
	ssize_t n;
	int ret = 0;

	if (s->fd < 0)
		return 0;
	if (s->off == s->f->size) {
		/* One more byte means the file grew: the copy would be partial. */
		do {
			n = pread(s->fd, &extra, 1, (off_t)s->off);
		} while (n < 0 && errno == EINTR);
		if (n > 0) {
			*why = "file grew while loading";
			ret = -EIO;
		} else if (n < 0) {
			ret = -errno;
		} else {
			s->f->crc = s->crc;
			s->f->read_ok = 1;
		}
	}
	close(s->fd);
	s->fd = -1;
	return ret;
}

int file_read(struct load_file *f, void *buf, const char **why)
{
	struct file_stream s;
	int ret;

	*why = NULL;
	ret = file_stream_open(&s, f);
	if (ret < 0)
		return ret;
	ret = file_stream_read(&s, buf, f->size, why);
	if (ret < 0) {
		file_stream_close(&s, why);
		return ret;
	}
	return file_stream_close(&s, why);
}

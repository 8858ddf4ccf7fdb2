/* SPDX-License-Identifier: MIT */
/*
 * neuron-load, input side: turn FILE|DIR arguments into a list of regular
 * files, and read them.  No device code here.
 */
#ifndef NEURON_TOOLS_LOAD_FILES_H
#define NEURON_TOOLS_LOAD_FILES_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct load_file {
	char *path;	/* as reached from the command line */
	uint64_t size;	/* bytes, from stat() at collection time */
	uint32_t crc;	/* CRC-32C of the content, valid once read */
	int read_ok;	/* crc is valid */
	dev_t dev;	/* identity: a file reached twice is listed once */
	ino_t ino;
};

struct file_list {
	struct load_file *v;
	size_t n, cap;
	uint64_t total_bytes;
	uint64_t max_size;	/* largest file */
	unsigned int errors;	/* inputs rejected (each already reported) */
	unsigned int duplicates; /* files reached again (same device and inode), not listed again */
	size_t *seen;		/* hash set of (dev, ino) -> index + 1 */
	size_t seen_cap;	/* its slots: 0 or a power of two */
};

/*
 * Error reporter: called once per rejected input with the path and a
 * reason; the default (NULL) prints "neuron-load: PATH: REASON" to stderr.
 */
typedef void (*load_report_fn)(const char *path, const char *reason);

/*
 * files_collect() - add @arg (a file, or a directory walked recursively in
 * sorted order) to @fl.  Rejected inputs -- missing, unreadable, empty,
 * not a regular file or directory, a file of a pseudo file system (proc,
 * sysfs, debugfs...: no size before reading, content made at each read)
 * -- are reported and counted in @fl->errors; walking continues so that
 * the user sees every problem at once.  A file already in the list (same
 * device and inode: named twice, or through a link) is not added again
 * and counted in @fl->duplicates.  Symbolic links given as @arg are followed; inside directories,
 * links to files are followed and links to directories are not (no
 * loops).  Returns 0, or -ENOMEM (the list is then unusable).
 */
int files_collect(struct file_list *fl, const char *arg, load_report_fn report);

/* files_free() - release the list. */
void files_free(struct file_list *fl);

/*
 * Streaming reads: a file is read in pieces of any size, in order, each
 * into the caller's buffer (a staging buffer), and checksummed on the way;
 * no buffer of the whole file is ever needed.
 */
struct file_stream {
	struct load_file *f;
	int fd;
	uint64_t off;	/* bytes read so far */
	uint32_t crc;	/* CRC-32C of them, unless !checksum */
	bool checksum;	/* set by file_stream_open(); clear it to skip the CRC */
};

/*
 * file_stream_open() - open @f for reading.  Returns 0 or -errno.
 */
int file_stream_open(struct file_stream *s, struct load_file *f);

/*
 * file_stream_read() - read the next @len bytes into @buf and add them to
 * the checksum.  Returns 0; -errno; -EIO with *@why set when the file
 * ended early (it shrank since it was collected).
 */
int file_stream_read(struct file_stream *s, void *buf, uint64_t len,
		     const char **why);

/*
 * file_stream_close() - after the last piece: check that the file ends
 * there (one more byte means it grew: -EIO with *@why set), set @f->crc
 * and @f->read_ok, close.  Closes on every path; with @s->off short of the
 * size (a caller giving up) it only closes and returns 0.
 */
int file_stream_close(struct file_stream *s, const char **why);

/*
 * file_pread_full() - read exactly @len bytes at @off of @fd into @buf.
 * Returns 0, -errno, or -EIO with *@why set when the file is shorter.
 */
int file_pread_full(int fd, void *buf, uint64_t len, uint64_t off,
		    const char **why);

/*
 * file_read() - read all of @f into @buf (@f->size bytes) and set
 * @f->crc: file_stream_*() in one piece.  Returns 0; -errno; -EIO with
 * *@why set when the file changed size since it was collected.
 */
int file_read(struct load_file *f, void *buf, const char **why);

#endif

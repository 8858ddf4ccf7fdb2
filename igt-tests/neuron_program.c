// SPDX-License-Identifier: MIT
/*
 * neuron_program - programs: descriptor lists validated once
 * (PROGRAM_CREATE) and run many times (SUBMIT with a program), the
 * inference path of a runtime; their invalidation when a BO is closed or a
 * NeuronCore released, every field, and processes that run them side by
 * side or die while running them
 *
 * Copyright (c) 2025 The neuron project authors
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>
#include <drm/neuron_accel.h>

#include "igt.h"
#include "neuron_helpers.h"

IGT_TEST_DESCRIPTION("Programs: validated once, run many times; invalidation, "
		     "every field, concurrent and killed runners");

#define KiB		1024u
#define SB		DRM_NEURON_CORE_STATE_BUF
#define FIFO		DRM_NEURON_CORE_INSTR_FIFO
#define ENGINE		3

#define mbo		neuron_mem_bo
#define mcore		neuron_mem_core
#define desc		neuron_desc

/* PROGRAM_CREATE; 0 or -errno. */
static int program_create(int fd, const struct drm_neuron_dma_desc *d,
			  uint32_t n, const uint32_t *bos, uint32_t nbos,
			  uint32_t *handle, uint32_t *hw)
{
	struct drm_neuron_program_create c = {
		.descs = (uintptr_t)d, .desc_count = n,
		.bo_handles = (uintptr_t)bos, .bo_handle_count = nbos,
	};

	if (igt_ioctl(fd, DRM_IOCTL_NEURON_PROGRAM_CREATE, &c))
		return -errno;
	*handle = c.handle;
	if (hw)
		*hw = c.hw_desc_count;
	return 0;
}

static int program_destroy(int fd, uint32_t handle)
{
	struct drm_neuron_program_destroy d = { .handle = handle };

	return igt_ioctl(fd, DRM_IOCTL_NEURON_PROGRAM_DESTROY, &d) ? -errno : 0;
}

/* SUBMIT of program @prog on @engine; 0 or -errno. */
static int program_run(int fd, uint32_t prog, uint32_t engine, uint32_t out)
{
	struct drm_neuron_submit s = {
		.engine = engine, .program = prog, .out_sync = { .handle = out },
	};

	return igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s) ? -errno : 0;
}

static void program_run_wait(int fd, uint32_t prog)
{
	uint32_t so = neuron_syncobj_create(fd);

	igt_assert_eq(program_run(fd, prog, ENGINE, so), 0);
	neuron_syncobj_wait(fd, so);
	neuron_syncobj_destroy(fd, so);
}

/*
 * An inference as a runtime would run it on core @nc: the input tensor
 * into the state buffer, instructions into the FIFO, the state buffer
 * back out, then, behind barriers, semaphore @sem += 1 and event @sem := 1.
 * BO list: 0 input, 1 instructions, 2 output, 3 constants (word 0 = 1).
 */
struct infer {
	int fd;
	uint32_t nc, sem;
	uint32_t tensor, code;
	uint32_t bos[4];
	uint8_t *in, *out;
	uint32_t *consts;
	struct drm_neuron_dma_desc d[5];
};

static void infer_init(struct infer *f, int fd, uint32_t nc, uint32_t sem,
		       uint32_t tensor, uint32_t code)
{
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->nc = nc;
	f->sem = sem;
	f->tensor = tensor;
	f->code = code;
	f->bos[0] = neuron_bo_create(fd, tensor, DRM_NEURON_BO_HOST);
	f->bos[1] = neuron_bo_create(fd, code, DRM_NEURON_BO_DRAM);
	f->bos[2] = neuron_bo_create(fd, tensor, DRM_NEURON_BO_HOST);
	f->bos[3] = neuron_bo_create(fd, 4096, DRM_NEURON_BO_HOST);
	f->in = neuron_bo_mmap(fd, f->bos[0], tensor);
	f->out = neuron_bo_mmap(fd, f->bos[2], tensor);
	f->consts = neuron_bo_mmap(fd, f->bos[3], 4096);
	f->consts[0] = 1;
	/* an odd offset in the state buffer: nothing is page-aligned here */
	f->d[0] = desc(mbo(0, 0), mcore(nc, SB, 4096 + 3), tensor, 0);
	f->d[1] = desc(mbo(1, 0), mcore(nc, FIFO, 0), code, 0);
	f->d[2] = desc(mcore(nc, SB, 4096 + 3), mbo(2, 0), tensor,
		       DRM_NEURON_DESC_BARRIER);
	f->d[3] = desc(mbo(3, 0), mcore(nc, DRM_NEURON_CORE_SEM_INCR, 4 * sem), 4,
		       DRM_NEURON_DESC_BARRIER);
	f->d[4] = desc(mbo(3, 0), mcore(nc, DRM_NEURON_CORE_EVENT, 4 * sem), 4, 0);
}

static void infer_fini(struct infer *f)
{
	munmap(f->in, f->tensor);
	munmap(f->out, f->tensor);
	munmap(f->consts, 4096);
	for (int i = 0; i < 4; i++)
		if (f->bos[i])
			neuron_bo_close(f->fd, f->bos[i]);
}

static uint32_t infer_program(struct infer *f, uint32_t *hw)
{
	uint32_t prog = 0;

	igt_assert_eq(program_create(f->fd, f->d, 5, f->bos, 4, &prog, hw), 0);
	igt_assert_neq(prog, 0);
	return prog;
}

/*
 * @runs round trips of @prog, each with new input data, each output
 * checked bit-exact; the semaphore goes up by one per run.
 */
static void infer_replay(struct infer *f, uint32_t prog, int runs, uint32_t seed)
{
	int32_t sem0 = neuron_sem_read(f->fd, f->nc, f->sem);

	for (int i = 0; i < runs; i++) {
		neuron_fill(f->in, f->tensor, seed + i);
		memset(f->out, 0, f->tensor);
		program_run_wait(f->fd, prog);
		igt_assert_f(memcmp(f->in, f->out, f->tensor) == 0,
			     "run %d: output differs from its input\n", i);
	}
	igt_assert_eq(neuron_sem_read(f->fd, f->nc, f->sem), sem0 + runs);
	igt_assert_eq_u32(neuron_event_read(f->fd, f->nc, f->sem), 1);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		struct drm_neuron_query_device_info info;

		fd = igt_neuron_open(0);
		neuron_query(fd, DRM_NEURON_QUERY_DEVICE_INFO, &info, sizeof(info), 0);
		igt_require_f(info.capabilities & DRM_NEURON_CAP_PROGRAM,
			      "driver without programs\n");
		neuron_core_acquire(fd, 0xf);
	}

	igt_describe("One program run 64 times, new input each time: every output "
		     "bit-exact through the core's state buffer, the FIFO received the "
		     "instructions once per run, the semaphore counts the runs");
	igt_subtest("replay") {
		struct infer f;
		uint32_t prog, hw;
		uint64_t bytes0, writes0, writes1;

		infer_init(&f, fd, 0, 5, 64 * KiB + 100, 4 * KiB);
		prog = infer_program(&f, &hw);
		/* at least one hardware descriptor per descriptor */
		igt_assert_lte(5, hw);
		bytes0 = neuron_fifo_counter(fd, 0, "bytes");
		writes0 = neuron_fifo_counter(fd, 0, "writes");
		infer_replay(&f, prog, 64, 1);
		igt_assert_eq_u64(neuron_fifo_counter(fd, 0, "bytes") - bytes0,
				  64ull * f.code);
		writes1 = neuron_fifo_counter(fd, 0, "writes") - writes0;
		/* DRAM is contiguous: one FIFO write per run */
		igt_assert_eq_u64(writes1, 64);
		igt_assert_eq(program_destroy(fd, prog), 0);
		infer_fini(&f);
	}

	igt_describe("A program runs the descriptors as they were at creation: changing "
		     "the user's descriptor array afterwards has no effect");
	igt_subtest("copied-at-create") {
		struct infer f;
		uint32_t prog;

		infer_init(&f, fd, 1, 6, 8 * KiB, 256);
		prog = infer_program(&f, NULL);
		/* a user that rewrites its array: the output would go nowhere */
		f.d[2] = desc(mcore(1, SB, 0), mbo(0, 0), 1, 0);
		infer_replay(&f, prog, 4, 77);
		igt_assert_eq(program_destroy(fd, prog), 0);
		infer_fini(&f);
	}

	igt_describe("Every field of PROGRAM_CREATE, PROGRAM_DESTROY and a program SUBMIT "
		     "checked: bad input gets its documented errno and creates nothing");
	igt_subtest("bad-fields") {
		struct infer f;
		struct drm_neuron_program_create c, good;
		struct drm_neuron_program_destroy pd = { 0 };
		struct drm_neuron_submit s = { .engine = ENGINE };
		struct drm_neuron_dma_desc d;
		uint32_t prog, bad_bos[4];

		infer_init(&f, fd, 2, 1, 4096, 256);
		good = (struct drm_neuron_program_create) {
			.descs = (uintptr_t)f.d, .desc_count = 5,
			.bo_handles = (uintptr_t)f.bos, .bo_handle_count = 4,
		};
#define CREATE_ERR(err, stmt) do { \
		c = good; stmt; \
		igt_assert_f(igt_ioctl(fd, DRM_IOCTL_NEURON_PROGRAM_CREATE, &c) == -1 && \
			     errno == (err), "%s: %d, not %d\n", #stmt, errno, err); \
	} while (0)
		CREATE_ERR(EINVAL, c.flags = 1);
		CREATE_ERR(EINVAL, c.pad = 1);
		CREATE_ERR(EINVAL, c.desc_count = 0);
		CREATE_ERR(EINVAL, c.desc_count = DRM_NEURON_SUBMIT_MAX_DESCS + 1);
		CREATE_ERR(EINVAL, c.bo_handle_count = DRM_NEURON_SUBMIT_MAX_BOS + 1);
		CREATE_ERR(EFAULT, c.descs = 8);
		CREATE_ERR(EFAULT, c.bo_handles = 8);
		/* a descriptor naming a BO beyond the list */
		CREATE_ERR(EINVAL, c.bo_handle_count = 2);
		memcpy(bad_bos, f.bos, sizeof(bad_bos));
		bad_bos[3] = 0xdead;
		CREATE_ERR(ENOENT, c.bo_handles = (uintptr_t)bad_bos);
		d = desc(mbo(0, 1), mcore(2, SB, 0), 4096, 0);
		CREATE_ERR(EINVAL, c.descs = (uintptr_t)&d; c.desc_count = 1);
		d = desc(mbo(0, 0), mcore(2, DRM_NEURON_CORE_SEM_SET, 4 * 32), 4, 0);
		CREATE_ERR(EINVAL, c.descs = (uintptr_t)&d; c.desc_count = 1);
		d = desc(mbo(0, 0), mcore(2, SB, 0), 4, 0x2);
		CREATE_ERR(EINVAL, c.descs = (uintptr_t)&d; c.desc_count = 1);
		igt_assert_eq(neuron_core_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, 0x4), 0);
		CREATE_ERR(EACCES, (void)0);
		neuron_core_acquire_wait(fd, 0x4);
#undef CREATE_ERR

		/* nothing was created: the first program gets handle 1 */
		prog = infer_program(&f, NULL);
		igt_assert_eq_u32(prog, 1);

		/* SUBMIT: a program is the whole job */
		s.program = prog;
		s.xfer_count = 1;
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s) ? errno : 0, EINVAL);
		s.xfer_count = 0;
		s.desc_count = 1;
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s) ? errno : 0, EINVAL);
		s.desc_count = 0;
		s.bo_handle_count = 1;
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s) ? errno : 0, EINVAL);
		s.bo_handle_count = 0;
		s.engine = 12;
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_SUBMIT, &s) ? errno : 0, EINVAL);
		igt_assert_eq(program_run(fd, prog + 1, ENGINE, 0), -ENOENT);
		igt_assert_eq(program_run(fd, 0xffffffffu, ENGINE, 0), -ENOENT);

		/* DESTROY */
		pd.handle = prog;
		pd.pad = 1;
		igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_NEURON_PROGRAM_DESTROY, &pd) ? errno : 0,
			      EINVAL);
		igt_assert_eq(program_destroy(fd, prog + 1), -ENOENT);
		igt_assert_eq(program_destroy(fd, 0), -ENOENT);
		/* the refused calls left it alone */
		infer_replay(&f, prog, 2, 5);
		igt_assert_eq(program_destroy(fd, prog), 0);
		igt_assert_eq(program_destroy(fd, prog), -ENOENT);
		igt_assert_eq(program_run(fd, prog, ENGINE, 0), -ENOENT);
		infer_fini(&f);
	}

	igt_describe("Closing a BO a program uses makes the program stale for good "
		     "(-ESTALE), also once its handle number names a new BO; other "
		     "programs run on, and a new program over the new BO works");
	igt_subtest("stale-on-bo-close") {
		struct infer f;
		uint32_t prog, other, nb;
		struct drm_neuron_dma_desc d;

		infer_init(&f, fd, 3, 2, 16 * KiB, 512);
		prog = infer_program(&f, NULL);
		/* a second program that does not use the output BO */
		d = desc(mbo(0, 0), mcore(3, SB, 0), 4096, 0);
		igt_assert_eq(program_create(fd, &d, 1, f.bos, 1, &other, NULL), 0);
		infer_replay(&f, prog, 2, 9);

		neuron_bo_close(fd, f.bos[2]);
		igt_assert_eq(program_run(fd, prog, ENGINE, 0), -ESTALE);
		/* the handle number comes back for a new BO: still stale */
		nb = neuron_bo_create(fd, f.tensor, DRM_NEURON_BO_HOST);
		igt_assert_eq_u32(nb, f.bos[2]);
		igt_assert_eq(program_run(fd, prog, ENGINE, 0), -ESTALE);
		program_run_wait(fd, other);

		/* a program made over the new BO runs */
		munmap(f.out, f.tensor);
		f.out = neuron_bo_mmap(fd, nb, f.tensor);
		igt_assert_eq(program_destroy(fd, prog), 0);
		prog = infer_program(&f, NULL);
		infer_replay(&f, prog, 2, 11);
		igt_assert_eq(program_destroy(fd, prog), 0);
		igt_assert_eq(program_destroy(fd, other), 0);
		infer_fini(&f);
	}

	igt_describe("Releasing a NeuronCore a program uses makes it stale (-ESTALE), "
		     "also after the core is acquired again; a program over another core "
		     "is not affected");
	igt_subtest("stale-on-core-release") {
		struct infer f, g;
		uint32_t prog, other;

		infer_init(&f, fd, 1, 3, 8 * KiB, 256);
		infer_init(&g, fd, 2, 3, 8 * KiB, 256);
		prog = infer_program(&f, NULL);
		other = infer_program(&g, NULL);
		infer_replay(&f, prog, 1, 3);

		igt_assert_eq(neuron_core_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, 0x2), 0);
		igt_assert_eq(program_run(fd, prog, ENGINE, 0), -ESTALE);
		neuron_core_acquire_wait(fd, 0x2);
		igt_assert_eq(program_run(fd, prog, ENGINE, 0), -ESTALE);
		infer_replay(&g, other, 2, 4);

		igt_assert_eq(program_destroy(fd, prog), 0);
		prog = infer_program(&f, NULL);
		infer_replay(&f, prog, 2, 5);
		igt_assert_eq(program_destroy(fd, prog), 0);
		igt_assert_eq(program_destroy(fd, other), 0);
		infer_fini(&f);
		infer_fini(&g);
	}

	igt_describe("A program over a NeuronCore another process owns is refused at "
		     "creation with -EACCES");
	igt_subtest("unowned-core") {
		struct infer f;
		uint32_t prog;
		int pipes[2][2];
		char c = 0;
		pid_t pid;

		infer_init(&f, fd, 2, 0, 4096, 256);
		igt_assert_eq(neuron_core_ioctl(fd, DRM_IOCTL_NEURON_CORE_RELEASE, 0x4), 0);
		igt_assert_eq(pipe(pipes[0]), 0);
		igt_assert_eq(pipe(pipes[1]), 0);
		pid = fork();
		igt_assert_gte(pid, 0);
		if (pid == 0) {
			int cfd = igt_neuron_open(0);

			if (neuron_core_ioctl(cfd, DRM_IOCTL_NEURON_CORE_ACQUIRE, 0x4))
				_exit(2);
			if (write(pipes[0][1], &c, 1) != 1 || read(pipes[1][0], &c, 1) != 1)
				_exit(3);
			_exit(0);
		}
		igt_assert_eq(read(pipes[0][0], &c, 1), 1);
		igt_assert_eq(program_create(fd, f.d, 5, f.bos, 4, &prog, NULL), -EACCES);
		igt_assert_eq(write(pipes[1][1], &c, 1), 1);
		neuron_wait_exit_ok(pid);
		for (int i = 0; i < 2; i++) {
			close(pipes[i][0]);
			close(pipes[i][1]);
		}
		/* free now, still not ours */
		igt_assert_eq(program_create(fd, f.d, 5, f.bos, 4, &prog, NULL), -EACCES);
		neuron_core_acquire_wait(fd, 0x4);
		prog = infer_program(&f, NULL);
		infer_replay(&f, prog, 1, 6);
		igt_assert_eq(program_destroy(fd, prog), 0);
		infer_fini(&f);
	}

	igt_describe("Destroying a program and closing its BOs while 32 runs are queued: "
		     "every run completes with its data, the BOs live until the last one");
	igt_subtest("destroy-while-running") {
		enum { RUNS = 32 };
		struct infer f;
		uint32_t prog, so[RUNS];
		uint8_t *ref;

		infer_init(&f, fd, 0, 7, 512 * KiB, 4 * KiB);
		prog = infer_program(&f, NULL);
		neuron_fill(f.in, f.tensor, 42);
		ref = malloc(f.tensor);
		igt_assert(ref);
		memcpy(ref, f.in, f.tensor);
		for (int i = 0; i < RUNS; i++) {
			so[i] = neuron_syncobj_create(fd);
			igt_assert_eq(program_run(fd, prog, ENGINE, so[i]), 0);
		}
		igt_assert_eq(program_destroy(fd, prog), 0);
		for (int i = 0; i < 4; i++)
			neuron_bo_close(fd, f.bos[i]);
		for (int i = 0; i < RUNS; i++) {
			neuron_syncobj_wait(fd, so[i]);
			neuron_syncobj_destroy(fd, so[i]);
		}
		/* the mappings outlived the handles: the last run's output */
		igt_assert(memcmp(f.out, ref, f.tensor) == 0);
		memset(f.bos, 0, sizeof(f.bos));
		free(ref);
		infer_fini(&f);
	}

	igt_describe("Two processes on different NeuronCores replay their own programs "
		     "side by side: each one's outputs bit-exact, each one's semaphore "
		     "counts exactly its runs");
	igt_subtest("two-processes") {
		pid_t pid[2];

		neuron_core_release(fd, 0x3);
		for (int p = 0; p < 2; p++) {
			pid[p] = fork();
			igt_assert_gte(pid[p], 0);
			if (pid[p] == 0) {
				int cfd = igt_neuron_open(0);
				struct infer f;
				uint32_t prog;

				neuron_core_acquire_wait(cfd, 1u << p);
				infer_init(&f, cfd, p, 9, 32 * KiB + p * 1000, 1024);
				prog = infer_program(&f, NULL);
				/* different seeds: crossed data would show */
				infer_replay(&f, prog, 100, 1000 * (p + 1));
				igt_assert_eq(program_destroy(cfd, prog), 0);
				infer_fini(&f);
				_exit(0);
			}
		}
		for (int p = 0; p < 2; p++)
			neuron_wait_exit_ok(pid[p]);
		neuron_core_acquire_wait(fd, 0x3);
	}

	igt_describe("A process killed while it keeps a program's runs queued: its core "
		     "and memory come back, the next owner's program runs clean");
	igt_subtest("kill-during-replay") {
		int pipefd[2];
		char c;
		pid_t pid;
		struct infer f;
		uint32_t prog;

		neuron_core_release(fd, 0x8);
		igt_assert_eq(pipe(pipefd), 0);
		pid = fork();
		igt_assert_gte(pid, 0);
		if (pid == 0) {
			int cfd = igt_neuron_open(0);
			uint32_t so = neuron_syncobj_create(cfd);

			neuron_core_acquire_wait(cfd, 0x8);
			infer_init(&f, cfd, 3, 4, 256 * KiB, 16 * KiB);
			prog = infer_program(&f, NULL);
			/* runs queued on four engines, none waited for */
			for (int i = 0; i < 256; i++)
				if (program_run(cfd, prog, i % 4, so))
					_exit(10);
			if (write(pipefd[1], "x", 1) != 1)
				_exit(11);
			pause();
			_exit(12);
		}
		igt_assert_eq(read(pipefd[0], &c, 1), 1);
		kill(pid, SIGKILL);
		igt_assert_eq(waitpid(pid, NULL, 0), pid);
		close(pipefd[0]);
		close(pipefd[1]);

		neuron_core_acquire_wait(fd, 0x8);
		infer_init(&f, fd, 3, 4, 64 * KiB, 1024);
		/* the core was cleared for us: semaphore 4 starts at 0 */
		igt_assert_eq(neuron_sem_read(fd, 3, 4), 0);
		prog = infer_program(&f, NULL);
		infer_replay(&f, prog, 8, 123);
		igt_assert_eq(neuron_sem_read(fd, 3, 4), 8);
		igt_assert_eq(program_destroy(fd, prog), 0);
		infer_fini(&f);
	}

	igt_describe("A file holds at most DRM_NEURON_PROGRAM_MAX_PER_FILE programs "
		     "(-ENOSPC beyond); destroying one makes room; closing the file "
		     "frees them all");
	igt_subtest("per-file-limit") {
		int cfd = igt_neuron_open(0);
		uint32_t bo = neuron_bo_create(cfd, 4096, DRM_NEURON_BO_HOST);
		struct drm_neuron_dma_desc d = desc(mbo(0, 0), mbo(0, 2048), 64, 0);
		uint32_t prog = 0, first = 0;
		int ret, n = 0;

		while (!(ret = program_create(cfd, &d, 1, &bo, 1, &prog, NULL))) {
			if (!first)
				first = prog;
			n++;
			igt_assert_lte(n, DRM_NEURON_PROGRAM_MAX_PER_FILE);
		}
		igt_assert_eq(ret, -ENOSPC);
		igt_assert_eq(n, DRM_NEURON_PROGRAM_MAX_PER_FILE);
		igt_assert_eq(program_destroy(cfd, first), 0);
		igt_assert_eq(program_create(cfd, &d, 1, &bo, 1, &prog, NULL), 0);
		igt_assert_eq_u32(prog, first);
		program_run_wait(cfd, prog);
		close(cfd);
	}

	igt_fixture {
		close(fd);
	}
}

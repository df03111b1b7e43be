// SPDX-License-Identifier: GPL-2.0
/*
 * blkread [-b BYTES] [-s] FILE DEPTH SECONDS: random reads of BYTES
 * (default 4 KiB) over FILE, or sequential ones with -s, with DEPTH kept
 * in flight through Linux AIO (raw syscalls: the busybox guests have no
 * libaio and no fio), for SECONDS; prints one line with the IOPS and
 * MB/s. O_DIRECT where the file system has it, so that a guest measures
 * its disk and not its page cache.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#define MAX_BS		(4 << 20)
#define MAX_DEPTH	256

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t bs = 4096, blocks, next_block;
static int sequential;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The offset of the next read: random, or the next block round the file. */
static uint64_t next_offset(void)
{
	uint64_t b;

	if (!sequential)
		return (rnd() % blocks) * bs;
	b = next_block;
	next_block = (next_block + 1) % blocks;
	return b * bs;
}

int main(int argc, char **argv)
{
	static struct iocb cbs[MAX_DEPTH];
	struct io_event ev[MAX_DEPTH];
	struct iocb *p[1];
	aio_context_t ctx = 0;
	uint64_t size, done = 0;
	int fd, depth, i, n, direct = 1, opt;
	double secs, start, end;
	struct stat st;
	char *buf;

	while ((opt = getopt(argc, argv, "b:s")) != -1) {
		switch (opt) {
		case 'b':
			bs = strtoull(optarg, NULL, 0);
			break;
		case 's':
			sequential = 1;
			break;
		default:
			return 2;
		}
	}
	argv += optind - 1;
	if (argc - optind != 3) {
		fprintf(stderr, "usage: blkread [-b BYTES] [-s] FILE DEPTH "
			"SECONDS\n");
		return 2;
	}
	depth = atoi(argv[2]);
	secs = atof(argv[3]);
	if (depth < 1 || depth > MAX_DEPTH || secs <= 0 || bs < 512 ||
	    bs > MAX_BS || bs % 512) {
		fprintf(stderr, "blkread: DEPTH 1-%d, SECONDS > 0, BYTES a "
			"multiple of 512 up to %d\n", MAX_DEPTH, MAX_BS);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0 && errno == EINVAL) {
		direct = 0;
		fd = open(argv[1], O_RDONLY);
	}
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "blkread: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	size = st.st_size;
	if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &size)) {
		perror("blkread: BLKGETSIZE64");
		return 1;
	}
	blocks = size / bs;
	if (!blocks || posix_memalign((void **)&buf, 4096, bs * depth)) {
		fprintf(stderr, "blkread: %s: too small\n", argv[1]);
		return 1;
	}
	if (syscall(SYS_io_setup, depth, &ctx)) {
		perror("blkread: io_setup");
		return 1;
	}
	start = now();
	end = start + secs;
	for (i = 0; i < depth; i++) {
		memset(&cbs[i], 0, sizeof(cbs[i]));
		cbs[i].aio_fildes = fd;
		cbs[i].aio_lio_opcode = IOCB_CMD_PREAD;
		cbs[i].aio_buf = (uintptr_t)(buf + (size_t)i * bs);
		cbs[i].aio_nbytes = bs;
		cbs[i].aio_offset = next_offset();
		cbs[i].aio_data = i;
		p[0] = &cbs[i];
		if (syscall(SYS_io_submit, ctx, 1, p) != 1) {
			perror("blkread: io_submit");
			return 1;
		}
	}
	/* Each completion is replaced at once while time remains. */
	for (n = depth; n > 0;) {
		int got = syscall(SYS_io_getevents, ctx, 1, MAX_DEPTH, ev, NULL);
		int more = now() < end;

		if (got < 0) {
			if (errno == EINTR)
				continue;
			perror("blkread: io_getevents");
			return 1;
		}
		for (i = 0; i < got; i++) {
			struct iocb *cb = &cbs[ev[i].data];

			if (ev[i].res != (int64_t)bs) {
				fprintf(stderr, "blkread: read at %llu: %lld\n",
					(unsigned long long)cb->aio_offset,
					(long long)ev[i].res);
				return 1;
			}
			done++;
			if (!more) {
				n--;
				continue;
			}
			cb->aio_offset = next_offset();
			p[0] = cb;
			if (syscall(SYS_io_submit, ctx, 1, p) != 1) {
				perror("blkread: io_submit");
				return 1;
			}
		}
	}
	secs = now() - start;
	printf("blkread depth=%d direct=%d bs=%llu %s ops=%llu secs=%.2f "
	       "mbs=%.1f iops=%.0f\n", depth, direct, (unsigned long long)bs,
	       sequential ? "seq" : "rand", (unsigned long long)done, secs,
	       done * bs / secs / 1e6, done / secs);
	return 0;
}

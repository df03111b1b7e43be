// SPDX-License-Identifier: GPL-2.0
/*
 * walltime [-j N] CMD [ARGS...]: run CMD (N copies at once with -j) and
 * print "walltime us=T status=S maxrss=K": T the microseconds from just
 * before the first exec to the last exit, S the worst exit status, K the
 * largest peak resident set of any copy in KiB (wait4's ru_maxrss). For
 * the rig's benchmarks: busybox's date and time have no sub-second clock
 * and report no peak memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COPIES	256

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	long maxrss = 0;
	int copies = 1, worst = 0, i, status;
	struct rusage ru;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "-j")) {
		copies = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 2 || copies < 1 || copies > MAX_COPIES) {
		fprintf(stderr, "usage: walltime [-j 1-%d] CMD [ARGS...]\n",
			MAX_COPIES);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < copies; i++) {
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid) {
			execvp(argv[1], argv + 1);
			_exit(127);
		}
	}
	for (i = 0; i < copies; i++) {
		int s;

		if (wait4(-1, &status, 0, &ru) < 0)
			return 1;
		s = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + WTERMSIG(status);
		if (s > worst)
			worst = s;
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("walltime us=%lld status=%d maxrss=%ld\n",
	       ((long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL +
		(t1.tv_nsec - t0.tv_nsec)) / 1000, worst, maxrss);
	return 0;
}

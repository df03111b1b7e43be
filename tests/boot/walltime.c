// SPDX-License-Identifier: GPL-2.0
/*
 * walltime CMD [ARGS...]: run CMD and print "walltime us=N status=S",
 * N the microseconds from just before exec to its exit. For the rig's
 * benchmarks: busybox's date and time have no sub-second clock.
 */
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: walltime CMD [ARGS...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("walltime us=%lld status=%d\n",
	       ((long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL +
		(t1.tv_nsec - t0.tv_nsec)) / 1000,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	return 0;
}

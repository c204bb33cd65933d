/*
 * connect_then SOCKET userns
 * connect_then SOCKET exec PROGRAM [ARGS...]
 *
 * Connects to SOCKET, then changes what /proc says about this process's capabilities before the
 * broker (stopped by the test) gets to look: either it enters a new user namespace, where it holds
 * every capability, or it execs PROGRAM (a set-uid-root copy of sleep) with the socket still open.
 * The kernel recorded its credentials at connect; those are the ones that must count.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd;
	if (argc < 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: connect_then SOCKET userns | exec PROGRAM [ARGS...]\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0); /* no SOCK_CLOEXEC: the socket outlives an exec */
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("connect");
		return 1;
	}
	if (strcmp(argv[2], "userns") == 0) {
		if (unshare(CLONE_NEWUSER) < 0) {
			perror("unshare");
			return 1;
		}
		printf("changed\n");
		fflush(stdout);
		for (;;)
			pause();
	}
	if (strcmp(argv[2], "exec") == 0 && argc > 3) {
		execv(argv[3], argv + 3);
		perror("execv");
		return 1;
	}
	fprintf(stderr, "unknown action %s\n", argv[2]);
	return 2;
}

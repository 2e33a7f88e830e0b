// SPDX-License-Identifier: GPL-2.0
/*
 * fail-nth: make one system call with the Nth allocation of the calling
 * task failing, and say how it went. For tests/guest/t-faultinject.sh,
 * built static into the test VM's initramfs (tests/rig/mkinitramfs.sh).
 *
 *   fail-nth N load MODULE.ko [PARAMS]   finit_module(MODULE.ko, PARAMS)
 *   fail-nth N write FILE TEXT            one write(2) of TEXT to FILE
 *
 * Everything the call needs (the open file, the text) is ready before
 * /proc/thread-self/fail-nth is armed, and the counter is read back through
 * a descriptor opened beforehand, so that exactly the allocations of the
 * call itself are counted. (busybox insmod cannot be used: when
 * finit_module() fails it tries again with init_module(), which then
 * succeeds.) Prints one line, "<result> <left>": result is OK or the errno
 * name (ENOMEM, ...), left the counter after the call: 0 when the Nth
 * allocation was reached and failed, N minus the allocations made when it
 * was not. Exits 0 when it could make the call, 2 on a usage or set-up
 * error. N = 0 counts without failing anything: with N large, N - left is
 * the number of allocations the call makes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

static const char *errno_name(int e)
{
	switch (e) {
	case 0: return "OK";
	case ENOMEM: return "ENOMEM";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case ENOSPC: return "ENOSPC";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case EINTR: return "EINTR";
	case EFAULT: return "EFAULT";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	default: return "EOTHER";
	}
}

int main(int argc, char **argv)
{
	char num[32];
	int ctl, fd, err = 0;
	ssize_t len;
	long left;

	if (argc < 4 || (strcmp(argv[2], "load") && strcmp(argv[2], "write")) ||
	    (!strcmp(argv[2], "write") && argc != 5)) {
		fprintf(stderr, "usage: fail-nth N load MODULE.ko [PARAMS] | fail-nth N write FILE TEXT\n");
		return 2;
	}
	ctl = open("/proc/thread-self/fail-nth", O_RDWR);
	if (ctl < 0) {
		perror("fail-nth: /proc/thread-self/fail-nth");
		return 2;
	}
	fd = open(argv[3], !strcmp(argv[2], "load") ? O_RDONLY : O_WRONLY);
	if (fd < 0) {
		perror(argv[3]);
		return 2;
	}
	len = strlen(argv[1]);
	if (write(ctl, argv[1], len) != len) {
		perror("fail-nth: arming");
		return 2;
	}
	if (!strcmp(argv[2], "load")) {
		if (syscall(SYS_finit_module, fd, argc > 4 ? argv[4] : "", 0))
			err = errno;
	} else {
		len = strlen(argv[4]);
		if (write(fd, argv[4], len) < 0)
			err = errno;
	}
	len = pread(ctl, num, sizeof(num) - 1, 0);
	num[len > 0 ? len : 0] = '\0';
	left = strtol(num, NULL, 10);
	/* Disarm, so that nothing after this line can be failed. */
	if (write(ctl, "0", 1) != 1)
		perror("fail-nth: disarming");
	printf("%s %ld\n", errno_name(err), left);
	return 0;
}

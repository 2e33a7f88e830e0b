// SPDX-License-Identifier: GPL-2.0
/*
 * badwrite FILE: one write(2) of 16 bytes to FILE from memory the process
 * cannot read (a PROT_NONE page), as a buggy writer would make it; prints
 * the errno's name (or OK) and exits 0 only for EFAULT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: badwrite FILE\n");
		return 2;
	}
	fd = open(argv[1], O_WRONLY);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	p = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 2;
	}
	if (write(fd, p, 16) >= 0) {
		puts("OK");
		return 1;
	}
	puts(errno == EFAULT ? "EFAULT" : strerror(errno));
	return errno == EFAULT ? 0 : 1;
}

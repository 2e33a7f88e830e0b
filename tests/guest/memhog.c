// SPDX-License-Identifier: GPL-2.0
/*
 * memhog MIB SECONDS: take MIB MiB of anonymous memory, touch every page so
 * that the kernel must really find it, hold it for SECONDS, then exit. The
 * pressure lesson's "real pressure": the kernel reclaims from its caches,
 * memlab's shrinker among them, to find the pages. Prints one line when it
 * holds them all. Built static for the test VM (tests/rig/mkinitramfs.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK	(1024 * 1024)

int main(int argc, char **argv)
{
	long mib, secs, i;
	char **chunks;

	if (argc != 3 || (mib = atol(argv[1])) <= 0 || (secs = atol(argv[2])) < 0) {
		fprintf(stderr, "usage: memhog MIB SECONDS\n");
		return 2;
	}
	chunks = calloc(mib, sizeof(*chunks));
	if (!chunks)
		return 1;
	for (i = 0; i < mib; i++) {
		chunks[i] = malloc(CHUNK);
		if (!chunks[i]) {
			fprintf(stderr, "memhog: no memory after %ld MiB\n", i);
			return 1;
		}
		/* Touch it: untouched pages are not allocated yet. */
		memset(chunks[i], 0x5a, CHUNK);
	}
	printf("memhog: holding %ld MiB for %ld s\n", mib, secs);
	fflush(stdout);
	sleep(secs);
	return 0;
}

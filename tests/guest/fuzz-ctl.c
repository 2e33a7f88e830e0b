// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-ctl N SEED: write N random commands, valid and not, to memlab's
 * control file, one write(2) each, and check /proc/memlab/stats' invariants
 * after every 500. Prints one line per errno seen ("errno NAME COUNT"), one
 * per broken read ("broken: ..."), and a last line "commands N broken B
 * other E": E counts errnos the contract does not name. Built static for
 * the test VM (tests/rig/mkinitramfs.sh); t-fuzz.sh runs it. A shell loop
 * did the same ten times slower under emulation.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CTL	"/sys/kernel/debug/memlab/control"
#define STATS	"/proc/memlab/stats"
#define BATCH	500

static unsigned long long rng;

/* xorshift64*: the same commands for the same seed, on any libc. */
static unsigned int rnd(unsigned int n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned int)((rng * 2685821657736338717ULL) >> 33) % n;
}

static const char *pick(const char *const *a, unsigned int n)
{
	return a[rnd(n)];
}

#define PICK(a)	pick(a, sizeof(a) / sizeof(a[0]))

static const char *const strategies[] = {
	"kmalloc", "kzalloc", "vmalloc", "kvmalloc", "kmem_cache", "alloc_pages",
	"mempool", "percpu", "bogus",
};
static const char *const sizes[] = {
	"0", "1", "8", "64", "100", "4096", "4K", "1M", "5M", "33K", "16K", "2G",
	"18446744073709551616", "-1", "12Q", "0x10",
};
static const char *const allocopts[] = {
	"", "", "", "", " atomic", " reclaimable", " atomic reclaimable", " reclaimable atomic",
	" nowait", " account", " nowait account", " atomic account", " atomic nowait",
};

static void make_cmd(char *buf, size_t len)
{
	const char *st = PICK(strategies);
	char size[32];
	unsigned int v = rnd(10);
	int n;

	if (rnd(2))
		snprintf(size, sizeof(size), "%u", rnd(70000) + 1);
	else
		snprintf(size, sizeof(size), "%s", PICK(sizes));
	switch (v) {
	case 0: case 1: case 2:
		n = snprintf(buf, len, "alloc %s %s %u%s", st, size, rnd(40), PICK(allocopts));
		break;
	case 3:
		n = snprintf(buf, len, "leak %s %s %u", st, size, rnd(5));
		break;
	case 4: case 5:
		if (rnd(10) == 0)
			n = snprintf(buf, len, "free all");
		else if (rnd(2))
			n = snprintf(buf, len, "free %s%s", st, rnd(3) ? "" : " every 2");
		else
			n = snprintf(buf, len, "free %u", rnd(3000));
		break;
	case 6:
		n = snprintf(buf, len, "bench %s %s %u %s", st, size, rnd(100),
			     rnd(2) ? "pair" : "batch");
		break;
	case 7:
		n = snprintf(buf, len, "reset%s", rnd(3) ? "" : " now");
		break;
	case 8:
		n = snprintf(buf, len, "xyz %s", st);
		break;
	default:
		n = snprintf(buf, len, "free %s every %u", st, rnd(4));
		break;
	}
	if (rnd(50) == 0)
		n += snprintf(buf + n, len - n, " extra words");
	if (rnd(100) == 0) {
		memmove(buf + 2, buf, (size_t)n + 1);
		buf[0] = (char)(1 + rnd(200));
		buf[1] = '\t';
	}
}

/* The contract's invariants on one read of stats; 0 if they hold. */
static int check_stats(char *why, size_t len)
{
	unsigned long long v[8], sum[8] = { 0 }, cap = 0, used = 0, over = 0, resv = 0;
	unsigned long long tot_alloc = 0;
	int rows = 0, total = 0, capline = 0, i;
	char line[256], name[32];
	FILE *f = fopen(STATS, "r");

	if (!f)
		return snprintf(why, len, "cannot read stats"), 1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "# cap_bytes %llu used_bytes %llu overhead_bytes %llu reserved_bytes %llu",
			   &cap, &used, &over, &resv) == 4) {
			capline = 1;
			continue;
		}
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%31s %llu %llu %llu %llu %llu %llu %llu", name, &v[1], &v[2],
			   &v[3], &v[4], &v[5], &v[6], &v[7]) != 8) {
			fclose(f);
			return snprintf(why, len, "bad row: %s", line), 1;
		}
		if (v[4] != v[1] - v[2] || v[6] < v[5] || v[7] < v[6]) {
			fclose(f);
			return snprintf(why, len, "row broken: %s", line), 1;
		}
		if (!strcmp(name, "total")) {
			total = 1;
			for (i = 1; i <= 6; i++) {
				if (v[i] != sum[i]) {
					fclose(f);
					return snprintf(why, len, "total column %d is not the sum", i + 1), 1;
				}
			}
			tot_alloc = v[6];
		} else {
			rows++;
			for (i = 1; i <= 6; i++)
				sum[i] += v[i];
		}
	}
	fclose(f);
	if (rows != 8 || !total || !capline)
		return snprintf(why, len, "format: rows %d total %d cap %d", rows, total, capline), 1;
	/* The cap line comes after the total row. */
	if (used != tot_alloc)
		return snprintf(why, len, "used_bytes %llu != total %llu", used, tot_alloc), 1;
	if (used + over + resv > cap)
		return snprintf(why, len, "used %llu + overhead %llu + reserved %llu > cap %llu",
				used, over, resv, cap), 1;
	return 0;
}

static const struct { int err; const char *name; } contract[] = {
	{ EINVAL, "EINVAL" }, { E2BIG, "E2BIG" }, { ENOSPC, "ENOSPC" }, { ENOMEM, "ENOMEM" },
	{ ENOENT, "ENOENT" }, { EBUSY, "EBUSY" },
};

int main(int argc, char **argv)
{
	unsigned long n, i, seen[sizeof(contract) / sizeof(contract[0])] = { 0 };
	unsigned long ok = 0, other = 0, broken = 0;
	char cmd[300], why[300];
	size_t c;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: fuzz-ctl N SEED\n");
		return 2;
	}
	n = strtoul(argv[1], NULL, 10);
	rng = strtoull(argv[2], NULL, 10) * 2654435761ULL + 1;
	fd = open(CTL, O_WRONLY);
	if (fd < 0) {
		perror(CTL);
		return 1;
	}
	for (i = 1; i <= n; i++) {
		make_cmd(cmd, sizeof(cmd) - 8);
		if (write(fd, cmd, strlen(cmd)) >= 0) {
			ok++;
		} else {
			for (c = 0; c < sizeof(contract) / sizeof(contract[0]); c++)
				if (errno == contract[c].err)
					break;
			if (c < sizeof(contract) / sizeof(contract[0])) {
				seen[c]++;
			} else {
				other++;
				printf("other errno %d for '%s'\n", errno, cmd);
			}
		}
		if (i % BATCH == 0 && check_stats(why, sizeof(why))) {
			broken++;
			printf("broken: after %lu: %s\n", i, why);
		}
	}
	close(fd);
	printf("ok %lu\n", ok);
	for (c = 0; c < sizeof(contract) / sizeof(contract[0]); c++)
		printf("errno %s %lu\n", contract[c].name, seen[c]);
	printf("commands %lu broken %lu other %lu\n", n, broken, other);
	return 0;
}

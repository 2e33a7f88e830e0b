// SPDX-License-Identifier: GPL-2.0
/*
 * A histogram of the latency of every allocation memlab made, per strategy
 * (track.c times each with sched_clock()): power-of-two nanosecond buckets,
 * counted per CPU so that recording is one increment. debugfs "latency"
 * prints it. It is allocated at load: as a static per-CPU variable its
 * 4 KiB would come from the small per-CPU reserve that all modules share.
 */
#include <linux/percpu.h>
#include <linux/log2.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/cpumask.h>
#include <linux/bitops.h>

#include "memlab.h"

/*
 * Bucket b counts latencies in [2^b, 2^(b+1)) ns; 0 goes to 0. One bucket
 * per bit of a u64, so that every latency has the bucket its label says:
 * the last one's upper bound, 2^64, does not fit in a u64 and is printed
 * as text.
 */
#define ML_LAT_BUCKETS	BITS_PER_TYPE(u64)
#define ML_LAT_TOP	"18446744073709551616"	/* 2^64 */

struct ml_latency {
	u64 count[ML_NR_STRATEGIES][ML_LAT_BUCKETS];
};

static struct ml_latency __percpu *ml_lat;

/** ml_latency_init() - allocate the histogram, before the first allocation */
int ml_latency_init(void)
{
	ml_lat = alloc_percpu(struct ml_latency);
	return ml_lat ? 0 : -ENOMEM;
}

/** ml_latency_exit() - free it, after the last allocation */
void ml_latency_exit(void)
{
	free_percpu(ml_lat);
}

/**
 * ml_latency_record() - count one allocation's latency
 * @s: its strategy
 * @ns: how long it took
 */
void ml_latency_record(enum ml_strategy s, u64 ns)
{
	unsigned int b = ns ? ilog2(ns) : 0;

	this_cpu_inc(ml_lat->count[s][b]);
}

/** ml_latency_reset() - empty the histogram (the reset command) */
void ml_latency_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(ml_lat, cpu), 0, sizeof(struct ml_latency));
}

static u64 ml_latency_sum(int s, int b)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(ml_lat, cpu)->count[s][b];
	return sum;
}

static int ml_latency_show(struct seq_file *m, void *v)
{
	u64 n, lo;
	int s, b;

	seq_puts(m, "# latency of every allocation memlab made, per strategy (sched_clock)\n");
	seq_puts(m, "# strategy lo_ns hi_ns count   (lo_ns <= latency < hi_ns)\n");
	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		for (b = 0; b < ML_LAT_BUCKETS; b++) {
			n = ml_latency_sum(s, b);
			if (!n)
				continue;
			lo = b ? 1ULL << b : 0;
			if (b < ML_LAT_BUCKETS - 1)
				seq_printf(m, "%s %llu %llu %llu\n", ml_strategy_name(s), lo,
					   1ULL << (b + 1), n);
			else
				seq_printf(m, "%s %llu " ML_LAT_TOP " %llu\n",
					   ml_strategy_name(s), lo, n);
		}
	}
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(ml_latency);

/**
 * ml_latency_debugfs_init() - create debugfs "latency"
 * @dir: memlab's debugfs directory
 */
int ml_latency_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("latency", 0400, dir, NULL, &ml_latency_fops);
	return 0;
}

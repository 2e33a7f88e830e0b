// SPDX-License-Identifier: GPL-2.0
/*
 * A histogram of the latency of every allocation memlab made, per strategy:
 * power-of-two nanosecond buckets counted per CPU, so recording is one
 * increment on the allocation path (ml_obj_alloc_timed() in memlab.h, which
 * times the allocation with sched_clock()). debugfs "latency" prints it.
 *
 * The bench's counted path runs that same function with a private histogram
 * of its own (ml_latency_alloc()), so that timing memlab's counting does not
 * fill this one with the bench's allocations.
 */
#include <linux/percpu.h>
#include <linux/log2.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/cpumask.h>

#include "memlab.h"

static DEFINE_PER_CPU(struct ml_latency, ml_latency);

/* memlab's own histogram, the one debugfs "latency" shows */
struct ml_latency __percpu *ml_latency_main(void)
{
	return &ml_latency;
}

/* For the bench: a private histogram. */
struct ml_latency __percpu *ml_latency_alloc(void)
{
	return alloc_percpu(struct ml_latency);
}

void ml_latency_free(struct ml_latency __percpu *lat)
{
	free_percpu(lat);
}

void ml_latency_reset(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&ml_latency, cpu), 0, sizeof(struct ml_latency));
}

static u64 ml_latency_sum(int s, int b)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(&ml_latency, cpu)->count[s][b];
	return sum;
}

static int ml_latency_show(struct seq_file *m, void *v)
{
	u64 n;
	int s, b;

	seq_puts(m, "# latency of every allocation memlab made, per strategy\n");
	seq_puts(m, "# strategy lo_ns hi_ns count   (lo_ns <= latency < hi_ns)\n");
	for (s = 0; s < ML_NR_STRATEGIES; s++) {
		for (b = 0; b < ML_LAT_BUCKETS; b++) {
			n = ml_latency_sum(s, b);
			if (n)
				seq_printf(m, "%s %llu %llu %llu\n", ml_strategy_name(s),
					   b ? 1ULL << b : 0, 1ULL << (b + 1), n);
		}
	}
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(ml_latency);

int ml_latency_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("latency", 0400, dir, NULL, &ml_latency_fops);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A histogram of the latency of every allocation memlab made, per strategy:
 * power-of-two nanosecond buckets counted per CPU, so recording is one
 * increment on the allocation path (ml_obj_alloc_timed() in memlab.h, which
 * times the allocation with ml_lat_clock(): the CPU's cycle counter where
 * its rate is constant and known, sched_clock() elsewhere, chosen here at
 * load). debugfs "latency" prints it. The module parameter latency=0 turns
 * the timing off (ml_lat_on): memlab's allocations are then counted but not
 * timed, and the histogram stays empty.
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

#include "compat.h"
#include "memlab.h"

static DEFINE_PER_CPU(struct ml_latency, ml_latency);

/* Set: memlab times its allocations (ml_obj_alloc()); latency=0 clears it. */
DEFINE_STATIC_KEY_TRUE(ml_lat_on);
/* Set: ml_lat_clock() reads cycles, ml_lat_ns() scales them by ml_lat_mult. */
DEFINE_STATIC_KEY_FALSE(ml_lat_cycles);
u32 ml_lat_mult __read_mostly;

/*
 * Below this rate (4 MHz) the multiplier would not fit in 32 bits: no TSC
 * is that slow, but then sched_clock() it is.
 */
#define ML_LAT_MIN_KHZ	4000

/*
 * Whether memlab times its allocations (@on: the latency parameter), and
 * with which clock, before the first allocation; the bench's counted path
 * times with that clock either way. ns = cycles *
 * 10^6 / kHz = (cycles * mult) >> ML_LAT_SHIFT: exact to 2^-24 relative to
 * the rate, far below the histogram's factor-of-two buckets;
 * mul_u64_u32_shr() keeps the whole product, however long an allocation.
 */
void ml_latency_init(bool on)
{
	u32 khz = ml_cycles_khz();

	if (!on)
		static_branch_disable(&ml_lat_on);
	if (khz < ML_LAT_MIN_KHZ)
		return;
	ml_lat_mult = div_u64((u64)NSEC_PER_MSEC << ML_LAT_SHIFT, khz);
	static_branch_enable(&ml_lat_cycles);
}

/* What ml_lat_clock() reads, as the bench file names it. */
const char *ml_latency_clock_name(void)
{
	return static_key_enabled(&ml_lat_cycles) ? "get_cycles" : "sched_clock";
}

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

	if (static_key_enabled(&ml_lat_on))
		seq_puts(m, "# latency of every allocation memlab made, per strategy\n");
	else
		seq_puts(m, "# latency recording is off (latency=0): no allocation is timed\n");
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

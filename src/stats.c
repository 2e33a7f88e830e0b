// SPDX-License-Identifier: GPL-2.0
/*
 * The counters behind /proc/memlab/stats, and the cap. Writers change them
 * under one seqlock, once per command (or per batch of frees); readers copy
 * a snapshot without blocking writers and retry if a writer got in between,
 * so the contract's invariants hold at every read, also while other CPUs
 * allocate.
 *
 * The cap bounds all that memlab holds: used (the bytes_alloc of its live
 * allocations) plus overhead (their tracking records, the mempools'
 * reserves). A command reserves what it may take before asking the kernel
 * for anything, so used + overhead + reserved never exceeds the cap; its
 * charge turns the reservation into used and overhead bytes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/seqlock.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/minmax.h>
#include <linux/bug.h>

#include "memlab.h"

static struct {
	seqlock_t lock;
	struct ml_counters s[ML_NR_STRATEGIES];
	u64 total_peak;
	u64 used;		/* sum of bytes_alloc of live allocations */
	u64 overhead;		/* records, index, mempool reserves */
	u64 reserved;		/* taken by commands under way */
	u64 cap;
	u64 reclaimable;	/* live reclaimable allocations */
	u64 reclaimed;		/* of them, freed by the shrinker since load */
} ml_stats;

/**
 * ml_stats_init() - zero the counters and set the cap
 * @cap: cap_bytes, max_bytes
 */
void ml_stats_init(u64 cap)
{
	memset(&ml_stats, 0, sizeof(ml_stats));
	seqlock_init(&ml_stats.lock);
	ml_stats.cap = cap;
}

/**
 * ml_stats_reserve() - reserve room under the cap before allocating
 * @bytes: the most the command will charge (bytes_alloc and overhead)
 *
 * Return: 0, or -ENOSPC when it does not fit.
 */
int ml_stats_reserve(u64 bytes)
{
	int err = 0;

	write_seqlock(&ml_stats.lock);
	if (bytes > ml_stats.cap - ml_stats.used - ml_stats.overhead - ml_stats.reserved)
		err = -ENOSPC;
	else
		ml_stats.reserved += bytes;
	write_sequnlock(&ml_stats.lock);
	return err;
}

/**
 * ml_stats_unreserve() - give back a reservation that was not charged
 * @bytes: as reserved
 */
void ml_stats_unreserve(u64 bytes)
{
	write_seqlock(&ml_stats.lock);
	WARN_ON_ONCE(bytes > ml_stats.reserved);
	ml_stats.reserved -= bytes;
	write_sequnlock(&ml_stats.lock);
}

/**
 * ml_stats_charge() - count allocations that were made, in place of their
 *	reservation
 * @s: their strategy
 * @n: how many
 * @bytes_req: their bytes_req, summed
 * @bytes_alloc: their bytes_alloc, summed
 * @overhead: what memlab pins beside them
 * @reserved: the reservation they were made under, given back whole; it
 *	must cover @bytes_alloc + @overhead
 */
void ml_stats_charge(enum ml_strategy s, u64 n, u64 bytes_req, u64 bytes_alloc,
		     u64 overhead, u64 reserved)
{
	struct ml_counters *c = &ml_stats.s[s];

	write_seqlock(&ml_stats.lock);
	WARN_ON_ONCE(reserved > ml_stats.reserved || bytes_alloc + overhead > reserved);
	ml_stats.reserved -= reserved;
	c->allocs += n;
	c->bytes_req += bytes_req;
	c->bytes_alloc += bytes_alloc;
	c->peak_bytes_alloc = max(c->peak_bytes_alloc, c->bytes_alloc);
	ml_stats.used += bytes_alloc;
	ml_stats.total_peak = max(ml_stats.total_peak, ml_stats.used);
	ml_stats.overhead += overhead;
	write_sequnlock(&ml_stats.lock);
}

/**
 * ml_stats_uncharge() - count frees
 * @s: their strategy
 * @n: how many allocations were freed
 * @bytes_req: their bytes_req, summed
 * @bytes_alloc: their bytes_alloc, summed
 * @overhead: what memlab pinned beside them and gave back
 * @pinned: what of them memlab still pins, now counted as overhead (mempool
 *	elements that went back to the reserve), in the same step, so that
 *	the sum never grows on the way
 */
void ml_stats_uncharge(enum ml_strategy s, u64 n, u64 bytes_req, u64 bytes_alloc,
		       u64 overhead, u64 pinned)
{
	struct ml_counters *c = &ml_stats.s[s];

	write_seqlock(&ml_stats.lock);
	c->frees += n;
	c->bytes_req -= bytes_req;
	c->bytes_alloc -= bytes_alloc;
	ml_stats.used -= bytes_alloc;
	WARN_ON_ONCE(overhead > ml_stats.overhead + pinned);
	ml_stats.overhead = ml_stats.overhead + pinned - overhead;
	write_sequnlock(&ml_stats.lock);
}

/**
 * ml_stats_failure() - count a command that the kernel's allocator refused
 * @s: its strategy
 */
void ml_stats_failure(enum ml_strategy s)
{
	write_seqlock(&ml_stats.lock);
	ml_stats.s[s].failures++;
	write_sequnlock(&ml_stats.lock);
}

/**
 * ml_stats_reclaim() - count reclaimable allocations as track.c's LRU list
 *	gains and loses them
 * @live: the change of the live ones (+1 published, -1 taken out)
 * @reclaimed: how many the shrinker freed
 */
void ml_stats_reclaim(s64 live, u64 reclaimed)
{
	write_seqlock(&ml_stats.lock);
	ml_stats.reclaimable += live;
	ml_stats.reclaimed += reclaimed;
	write_sequnlock(&ml_stats.lock);
}

/**
 * ml_stats_reclaim_counts() - the live reclaimable allocations, and how many
 *	the shrinker has freed since load
 * @live: set to the first
 * @reclaimed: set to the second
 */
void ml_stats_reclaim_counts(u64 *live, u64 *reclaimed)
{
	unsigned int seq;

	do {
		seq = read_seqbegin(&ml_stats.lock);
		*live = ml_stats.reclaimable;
		*reclaimed = ml_stats.reclaimed;
	} while (read_seqretry(&ml_stats.lock, seq));
}

/**
 * ml_stats_reset() - zero allocs, frees, failures and peaks
 *
 * Return: 0, or -EBUSY while anything is live or reserved.
 */
int ml_stats_reset(void)
{
	int i, err = 0;

	write_seqlock(&ml_stats.lock);
	if (ml_stats.used || ml_stats.overhead || ml_stats.reserved)
		err = -EBUSY;
	for (i = 0; i < ML_NR_STRATEGIES; i++) {
		if (ml_stats.s[i].allocs != ml_stats.s[i].frees)
			err = -EBUSY;
	}
	if (!err) {
		memset(ml_stats.s, 0, sizeof(ml_stats.s));
		ml_stats.total_peak = 0;
	}
	write_sequnlock(&ml_stats.lock);
	return err;
}

/**
 * ml_stats_snapshot() - one consistent copy of the counters, with the total
 * @snap: filled
 */
void ml_stats_snapshot(struct ml_snapshot *snap)
{
	struct ml_counters *t = &snap->total;
	unsigned int seq;
	int i;

	do {
		seq = read_seqbegin(&ml_stats.lock);
		memcpy(snap->s, ml_stats.s, sizeof(snap->s));
		t->peak_bytes_alloc = ml_stats.total_peak;
		snap->used = ml_stats.used;
		snap->overhead = ml_stats.overhead;
		snap->reserved = ml_stats.reserved;
		snap->cap = ml_stats.cap;
	} while (read_seqretry(&ml_stats.lock, seq));

	t->allocs = 0;
	t->frees = 0;
	t->failures = 0;
	t->bytes_req = 0;
	t->bytes_alloc = 0;
	for (i = 0; i < ML_NR_STRATEGIES; i++) {
		t->allocs += snap->s[i].allocs;
		t->frees += snap->s[i].frees;
		t->failures += snap->s[i].failures;
		t->bytes_req += snap->s[i].bytes_req;
		t->bytes_alloc += snap->s[i].bytes_alloc;
	}
}

static void ml_stats_row(struct seq_file *m, const char *name,
			 const struct ml_counters *c)
{
	seq_printf(m, "%-11s %9llu %9llu %8llu %9llu %12llu %12llu %12llu\n",
		   name, c->allocs, c->frees, c->failures, c->allocs - c->frees,
		   c->bytes_req, c->bytes_alloc, c->peak_bytes_alloc);
}

static int ml_stats_show(struct seq_file *m, void *v)
{
	struct ml_snapshot snap;
	u64 live, reclaimed;
	int i;

	ml_stats_snapshot(&snap);
	seq_puts(m, "# memlab " MEMLAB_VERSION "\n");
	seq_puts(m, "# strategy allocs frees failures live bytes_req bytes_alloc peak_bytes_alloc\n");
	for (i = 0; i < ML_NR_STRATEGIES; i++)
		ml_stats_row(m, ml_strategy_name(i), &snap.s[i]);
	ml_stats_row(m, "total", &snap.total);
	seq_printf(m, "# cap_bytes %llu used_bytes %llu overhead_bytes %llu reserved_bytes %llu\n",
		   snap.cap, snap.used, snap.overhead, snap.reserved);
	ml_stats_reclaim_counts(&live, &reclaimed);
	seq_printf(m, "# shrinker reclaimable %llu reclaimed %llu\n", live, reclaimed);
	return 0;
}

/**
 * ml_stats_proc_init() - create /proc/memlab/stats
 * @dir: /proc/memlab
 */
int ml_stats_proc_init(struct proc_dir_entry *dir)
{
	if (!proc_create_single("stats", 0444, dir, ml_stats_show))
		return -ENOMEM;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The counters behind /proc/memlab/stats. Writers take one seqlock per
 * allocation or free (an uncontended spinlock and two increments); readers
 * copy a snapshot without blocking writers and retry if one got in between,
 * so the contract's invariants hold at every read, also while other CPUs
 * allocate. The cap is enforced here too: a command reserves what it may
 * take before allocating, so used_bytes never exceeds cap_bytes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/seqlock.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "memlab.h"

static struct {
	seqlock_t lock;
	struct ml_counters s[ML_NR_STRATEGIES];
	u64 total_peak;
	u64 used;		/* sum of bytes_alloc of live allocations */
	u64 reserved;		/* taken by commands under way, not yet used */
	u64 cap;
} ml_stats;

void ml_stats_init(u64 cap)
{
	memset(&ml_stats, 0, sizeof(ml_stats));
	seqlock_init(&ml_stats.lock);
	ml_stats.cap = cap;
}

int ml_stats_reserve(u64 bytes)
{
	int err = 0;

	write_seqlock(&ml_stats.lock);
	if (bytes > ml_stats.cap - ml_stats.used - ml_stats.reserved)
		err = -ENOSPC;
	else
		ml_stats.reserved += bytes;
	write_sequnlock(&ml_stats.lock);
	return err;
}

void ml_stats_unreserve(u64 bytes)
{
	write_seqlock(&ml_stats.lock);
	WARN_ON_ONCE(bytes > ml_stats.reserved);
	ml_stats.reserved -= bytes;
	write_sequnlock(&ml_stats.lock);
}

/* An allocation was made: @alloc bytes move from the reservation to used. */
void ml_stats_alloc(enum ml_strategy s, u64 req, u64 alloc, u64 reserved)
{
	struct ml_counters *c = &ml_stats.s[s];

	write_seqlock(&ml_stats.lock);
	ml_stats.reserved -= reserved;
	ml_stats.used += alloc;
	c->allocs++;
	c->bytes_req += req;
	c->bytes_alloc += alloc;
	if (c->bytes_alloc > c->peak_bytes_alloc)
		c->peak_bytes_alloc = c->bytes_alloc;
	if (ml_stats.used > ml_stats.total_peak)
		ml_stats.total_peak = ml_stats.used;
	write_sequnlock(&ml_stats.lock);
}

void ml_stats_free(enum ml_strategy s, u64 req, u64 alloc)
{
	struct ml_counters *c = &ml_stats.s[s];

	write_seqlock(&ml_stats.lock);
	ml_stats.used -= alloc;
	c->frees++;
	c->bytes_req -= req;
	c->bytes_alloc -= alloc;
	write_sequnlock(&ml_stats.lock);
}

void ml_stats_failure(enum ml_strategy s)
{
	write_seqlock(&ml_stats.lock);
	ml_stats.s[s].failures++;
	write_sequnlock(&ml_stats.lock);
}

/* Zero allocs, frees, failures and peaks; refused while anything is live. */
int ml_stats_reset(void)
{
	int i, err = 0;

	write_seqlock(&ml_stats.lock);
	if (ml_stats.used || ml_stats.reserved) {
		err = -EBUSY;
	} else {
		for (i = 0; i < ML_NR_STRATEGIES; i++) {
			if (ml_stats.s[i].allocs != ml_stats.s[i].frees)
				err = -EBUSY;
		}
	}
	if (!err) {
		memset(ml_stats.s, 0, sizeof(ml_stats.s));
		ml_stats.total_peak = 0;
	}
	write_sequnlock(&ml_stats.lock);
	return err;
}

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
	int i;

	ml_stats_snapshot(&snap);
	seq_puts(m, "# memlab " MEMLAB_VERSION "\n");
	seq_puts(m, "# strategy allocs frees failures live bytes_req bytes_alloc peak_bytes_alloc\n");
	for (i = 0; i < ML_NR_STRATEGIES; i++)
		ml_stats_row(m, ml_strategy_name(i), &snap.s[i]);
	ml_stats_row(m, "total", &snap.total);
	seq_printf(m, "# cap_bytes %llu used_bytes %llu\n", snap.cap, snap.used);
	return 0;
}

int ml_stats_proc_init(struct proc_dir_entry *dir)
{
	if (!proc_create_single("stats", 0444, dir, ml_stats_show))
		return -ENOMEM;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The counters behind /proc/memlab/stats. A command tallies its allocations
 * and frees on its own stack (struct ml_tally, see track.c) and folds the
 * tally in here once, under one seqlock: once per command, once per batch of
 * frees. Readers copy a snapshot without blocking writers and retry if a
 * fold got in between, so the contract's invariants hold at every read, also
 * while other CPUs allocate. The cap is enforced here too: a command reserves
 * what it may take before allocating, and its fold turns the reservation into
 * used bytes, so used_bytes + reserved never exceeds cap_bytes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/seqlock.h>
#include <linux/bitops.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include "memlab.h"

static struct ml_stats ml_stats;

void ml_stats_init_in(struct ml_stats *st, u64 cap)
{
	memset(st, 0, sizeof(*st));
	seqlock_init(&st->lock);
	st->cap = cap;
}

void ml_stats_init(u64 cap)
{
	ml_stats_init_in(&ml_stats, cap);
}

int ml_stats_reserve_in(struct ml_stats *st, u64 bytes)
{
	int err = 0;

	write_seqlock(&st->lock);
	if (bytes > st->cap - st->used - st->reserved)
		err = -ENOSPC;
	else
		st->reserved += bytes;
	write_sequnlock(&st->lock);
	return err;
}

int ml_stats_reserve(u64 bytes)
{
	return ml_stats_reserve_in(&ml_stats, bytes);
}

void ml_stats_unreserve(u64 bytes)
{
	write_seqlock(&ml_stats.lock);
	WARN_ON_ONCE(bytes > ml_stats.reserved);
	ml_stats.reserved -= bytes;
	write_sequnlock(&ml_stats.lock);
}

/*
 * Fold a command's tally in, and give back @unreserve bytes of its
 * reservation. A peak is the highest of the old peak and what the command
 * reached on top of the counters as they are now: exact for a command that
 * only allocates (a failed one folds its failures only). The reservation
 * covered what the command held, so the total's peak never exceeds the cap.
 */
void ml_stats_fold_in(struct ml_stats *st, const struct ml_tally *t, u64 unreserve)
{
	unsigned long mask = t->strategies;
	const struct ml_tally_row *r;
	struct ml_counters *c;
	unsigned int s;

	write_seqlock(&st->lock);
	WARN_ON_ONCE(unreserve > st->reserved);
	st->reserved -= unreserve;
	for_each_set_bit(s, &mask, ML_NR_STRATEGIES) {
		r = &t->s[s];
		c = &st->s[s];
		/* Only an alloc command, of one strategy, has a peak. */
		st->total_peak = max(st->total_peak, st->used + r->peak);
		c->peak_bytes_alloc = max(c->peak_bytes_alloc, c->bytes_alloc + r->peak);
		c->allocs += r->allocs;
		c->frees += r->frees;
		c->failures += r->failures;
		c->bytes_req += r->bytes_req;
		c->bytes_alloc += r->bytes_alloc;
		st->used += r->bytes_alloc;
	}
	write_sequnlock(&st->lock);
}

void ml_stats_fold(const struct ml_tally *t, u64 unreserve)
{
	ml_stats_fold_in(&ml_stats, t, unreserve);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * bench <strategy> <size> [<iterations>] [pair|batch]: time the kernel's
 * allocator behind a strategy, and what memlab adds to it, and publish
 * min, p50, p99 and max of each in debugfs "bench" (docs/bench.md).
 *
 * Two paths, run in turns (which goes first alternating each round):
 *  - raw: the strategy's alloc() and free() from the table (strat_*.c), the
 *    kernel's allocator and the few stores around it;
 *  - tracked: what an "alloc <strategy> <size>" and a "free <id>" run for
 *    one allocation, ml_alloc() and ml_free_id() themselves: the cap's
 *    reservation, the record and its id in the xarray, the allocator, the
 *    latency record and the counters. These are real allocations of
 *    memlab's (context "bench"): they count in allocs and frees, also
 *    those a failed bench made before it failed.
 *
 * "pair" allocates and frees at once, each iteration (the allocator's
 * per-CPU caches hand back the object just freed); "batch" keeps up to
 * ML_BENCH_BATCH_MAX objects outstanding, then frees them all, which drains
 * those caches. The first tenth of the iterations (at least 100) warms up
 * and is not recorded.
 *
 * Each operation is timed alone with sched_clock() (ns) and get_cycles(),
 * preemption and interrupts enabled (GFP_KERNEL may sleep), on one CPU
 * (migrate_disable()); an interrupt inside one lands in its p99 and max.
 * The timer's own cost, the "cost timer" row, is in every figure.
 *
 * The bench runs in the context of the write(2) to "control" and holds
 * nothing afterwards. A signal stops it between two operations (EINTR), or
 * inside one that gives up on a fatal signal (vmalloc does: EINTR too);
 * ml_bench_stop(), at unload, asks it to stop and waits for it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/clock.h>
#include <linux/preempt.h>
#include <linux/timex.h>
#include <linux/timekeeping.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/overflow.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/err.h>

#include "memlab.h"

/* Objects a batch keeps outstanding: enough to drain the per-CPU caches. */
#define ML_BENCH_BATCH_MAX	1024
#define ML_BENCH_WARMUP_MIN	100
#define ML_BENCH_TIMER_SAMPLES	1000

/*
 * Log-linear histogram: values below 128 exactly, then 128 buckets per 2^e,
 * so that a percentile is within 1/256 of the true value: under icount a
 * run's p50 repeats to the instruction, and 1/64 was coarser than the 1 %
 * that make bench asks of it (docs/bench.md).
 */
#define ML_HIST_SUB_BITS	7
#define ML_HIST_SUB		BIT(ML_HIST_SUB_BITS)
#define ML_HIST_BUCKETS		((64 - ML_HIST_SUB_BITS + 1) * ML_HIST_SUB)

enum ml_bench_path { ML_PATH_RAW, ML_PATH_TRACKED, ML_NR_PATHS };
enum ml_bench_op { ML_BOP_ALLOC, ML_BOP_FREE, ML_NR_BOPS };
enum ml_bench_unit { ML_UNIT_NS, ML_UNIT_CYCLES, ML_NR_UNITS };

static const char *const ml_path_names[ML_NR_PATHS] = { "raw", "tracked" };
static const char *const ml_op_names[ML_NR_BOPS] = { "alloc", "free" };
static const char *const ml_unit_names[ML_NR_UNITS] = { "ns", "cycles" };

/* Under icount, sched_clock()'s ns are instructions (main.c, icount=1). */
static const char *ml_unit_name(enum ml_bench_unit u)
{
	return u == ML_UNIT_NS && ml_icount ? "insn" : ml_unit_names[u];
}

static const char *const ml_pattern_names[] = {
	[ML_BENCH_PAIR]		= "pair",
	[ML_BENCH_BATCH]	= "batch",
};

struct ml_hist {
	u32 count[ML_HIST_BUCKETS];
	u64 n;
	u64 min;
	u64 max;
};

struct ml_bench_fig {
	u64 min;
	u64 p50;
	u64 p99;
	u64 max;
};

/* What the bench file shows. */
struct ml_bench_result {
	bool done;
	enum ml_strategy strategy;
	enum ml_bench_pattern pattern;
	u64 size;
	u64 iterations;
	u64 warmup;
	u64 batch;
	u64 per;
	u64 elapsed_ns;
	u64 timer[ML_NR_UNITS];
	struct ml_bench_fig fig[ML_NR_PATHS][ML_NR_BOPS][ML_NR_UNITS];
};

/* One run: its parameters, its histograms and the objects it holds. */
struct ml_bench {
	const struct ml_strategy_ops *st;
	struct ml_pool *pool;
	u64 batch;
	u64 per;
	u64 held;		/* this, reserved under the cap */
	u64 rounds;
	bool record;
	struct ml_hist hist[ML_NR_PATHS][ML_NR_BOPS][ML_NR_UNITS];
	struct ml_hist timer[ML_NR_UNITS];
	struct ml_bench_result res;
	u32 ids[ML_BENCH_BATCH_MAX];
	struct ml_obj objs[];
};

/* Held for a whole run: one bench at a time. */
static DEFINE_MUTEX(ml_bench_lock);
static bool ml_bench_stopping;
/* Protects the result below; never held across a run. */
static DEFINE_MUTEX(ml_bench_res_lock);
static struct ml_bench_result ml_bench_last;
static bool ml_bench_running;

static void ml_hist_init(struct ml_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = U64_MAX;
}

static unsigned int ml_hist_bucket(u64 v)
{
	unsigned int e;

	if (v < ML_HIST_SUB)
		return v;
	e = ilog2(v);
	return (e - ML_HIST_SUB_BITS + 1) * ML_HIST_SUB +
	       ((v >> (e - ML_HIST_SUB_BITS)) & (ML_HIST_SUB - 1));
}

/* The middle of bucket @b: a percentile is within 1/256 of the true value. */
static u64 ml_hist_value(unsigned int b)
{
	unsigned int e, sub;
	u64 width;

	if (b < ML_HIST_SUB)
		return b;
	e = b / ML_HIST_SUB + ML_HIST_SUB_BITS - 1;
	sub = b % ML_HIST_SUB;
	width = 1ULL << (e - ML_HIST_SUB_BITS);
	return (ML_HIST_SUB + sub) * width + (width - 1) / 2;
}

static void ml_hist_add(struct ml_hist *h, u64 v)
{
	h->count[ml_hist_bucket(v)]++;
	h->n++;
	h->min = min(h->min, v);
	h->max = max(h->max, v);
}

/* The smallest value that at least @pct percent of the samples do not exceed. */
static u64 ml_hist_pct(const struct ml_hist *h, unsigned int pct)
{
	u64 rank = div_u64(h->n * pct + 99, 100);
	u64 seen = 0;
	unsigned int b;

	for (b = 0; b < ML_HIST_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank)
			return clamp(ml_hist_value(b), h->min, h->max);
	}
	return h->max;
}

static void ml_hist_fig(const struct ml_hist *h, struct ml_bench_fig *f)
{
	*f = (struct ml_bench_fig){ };
	if (!h->n)
		return;
	f->min = h->min;
	f->p50 = ml_hist_pct(h, 50);
	f->p99 = ml_hist_pct(h, 99);
	f->max = h->max;
}

struct ml_tick {
	u64 ns;
	cycles_t cycles;
};

static void ml_tick_start(struct ml_tick *t)
{
	migrate_disable();
	t->ns = sched_clock();
	t->cycles = get_cycles();
}

/* Stop the clocks; record into @h (one histogram per unit) unless NULL. */
static void ml_tick_stop(const struct ml_tick *t, struct ml_hist *h)
{
	cycles_t c1 = get_cycles();
	u64 ns1 = sched_clock();

	migrate_enable();
	if (!h)
		return;
	ml_hist_add(&h[ML_UNIT_NS], ns1 > t->ns ? ns1 - t->ns : 0);
	ml_hist_add(&h[ML_UNIT_CYCLES], c1 > t->cycles ? c1 - t->cycles : 0);
}

static struct ml_hist *ml_bench_hist(struct ml_bench *b, enum ml_bench_path p,
				     enum ml_bench_op op)
{
	return b->record ? b->hist[p][op] : NULL;
}

static bool ml_bench_interrupted(void)
{
	return signal_pending(current) || READ_ONCE(ml_bench_stopping);
}

/* Object @i of a round: allocate it on path @p. */
static int ml_bench_alloc(struct ml_bench *b, enum ml_bench_path p, u64 i, const char **why)
{
	struct ml_tick t;
	int err;

	ml_tick_start(&t);
	if (p == ML_PATH_RAW)
		err = b->st->alloc(&b->objs[i], GFP_KERNEL | __GFP_NOWARN);
	else
		err = ml_alloc(b->objs[i].strategy, b->objs[i].bytes_req, 1, ML_CTX_BENCH, 0,
			       &b->ids[i], why);
	ml_tick_stop(&t, err ? NULL : ml_bench_hist(b, p, ML_BOP_ALLOC));
	/* The raw path's refusal is the allocator's: counted as alloc counts it. */
	if (err && p == ML_PATH_RAW) {
		*why = ML_WHY_ALLOCATOR;
		ml_stats_failure(b->objs[i].strategy);
	}
	return err;
}

/* Return: what memlab still pins of it (a mempool element back in the reserve). */
static u64 ml_bench_free(struct ml_bench *b, enum ml_bench_path p, u64 i)
{
	struct ml_tick t;
	u64 pinned = 0;

	ml_tick_start(&t);
	if (p == ML_PATH_RAW)
		pinned = b->st->free(&b->objs[i]);
	else
		ml_free_id(b->ids[i]);	/* ENOENT if a "free all" came first */
	ml_tick_stop(&t, ml_bench_hist(b, p, ML_BOP_FREE));
	return pinned;
}

/*
 * One round of path @p: allocate @n objects, then free them. Whatever
 * happens, what was allocated is freed. The raw objects are reserved under
 * the cap for the round; the tracked ones reserve and charge as alloc does.
 */
static int ml_bench_round(struct ml_bench *b, enum ml_bench_path p, u64 n, const char **why)
{
	u64 i, made, pinned = 0;
	int err = 0;

	if (p == ML_PATH_RAW && ml_stats_reserve(b->per * n)) {
		*why = "what the bench holds at once would take memlab over cap_bytes";
		return -ENOSPC;
	}
	for (made = 0; made < n; made++) {
		err = ml_bench_alloc(b, p, made, why);
		if (err)
			break;
		if (n > 1 && ml_bench_interrupted()) {
			made++;
			err = -EINTR;
			break;
		}
	}
	/* vmalloc gives up when the writer is being killed: the signal's doing. */
	if (err == -ENOMEM && fatal_signal_pending(current)) {
		*why = ML_WHY_INTR;
		err = -EINTR;
	}
	for (i = 0; i < made; i++)
		pinned += ml_bench_free(b, p, i);
	/* What the mempool's reserve took back is charged from the round's. */
	if (p == ML_PATH_RAW && pinned)
		ml_stats_charge(b->res.strategy, 0, 0, 0, pinned, b->per * n);
	else if (p == ML_PATH_RAW)
		ml_stats_unreserve(b->per * n);
	cond_resched();
	return err;
}

/* @iters iterations, in rounds of a batch; the paths take turns going first. */
static int ml_bench_loop(struct ml_bench *b, u64 iters, const char **why)
{
	u64 done = 0, n;
	unsigned int i;
	int err;

	while (done < iters) {
		n = min(iters - done, b->batch);
		for (i = 0; i < ML_NR_PATHS; i++) {
			err = ml_bench_round(b, (b->rounds + i) % ML_NR_PATHS, n, why);
			if (err)
				return err;
		}
		b->rounds++;
		done += n;
		if (ml_bench_interrupted()) {
			*why = ML_WHY_INTR;
			return -EINTR;
		}
	}
	return 0;
}

/* The timer's own cost: the empty timed region, in each unit. */
static void ml_bench_timer(struct ml_bench *b)
{
	struct ml_tick t;
	unsigned int i;
	int u;

	for (u = 0; u < ML_NR_UNITS; u++)
		ml_hist_init(&b->timer[u]);
	for (i = 0; i < ML_BENCH_TIMER_SAMPLES; i++) {
		ml_tick_start(&t);
		ml_tick_stop(&t, b->timer);
	}
	for (u = 0; u < ML_NR_UNITS; u++)
		b->res.timer[u] = ml_hist_pct(&b->timer[u], 50);
}

static int ml_bench_execute(struct ml_bench *b, const char **why)
{
	struct ml_bench_result *res = &b->res;
	u64 t0 = ktime_get_ns();
	int p, op, u, err;

	for (p = 0; p < ML_NR_PATHS; p++)
		for (op = 0; op < ML_NR_BOPS; op++)
			for (u = 0; u < ML_NR_UNITS; u++)
				ml_hist_init(&b->hist[p][op][u]);
	ml_bench_timer(b);
	b->record = false;
	err = ml_bench_loop(b, res->warmup, why);
	if (err)
		return err;
	b->record = true;
	err = ml_bench_loop(b, res->iterations, why);
	if (err)
		return err;
	res->elapsed_ns = ktime_get_ns() - t0;
	for (p = 0; p < ML_NR_PATHS; p++)
		for (op = 0; op < ML_NR_BOPS; op++)
			for (u = 0; u < ML_NR_UNITS; u++)
				ml_hist_fig(&b->hist[p][op][u], &res->fig[p][op][u]);
	res->done = true;
	return 0;
}

static struct ml_bench *ml_bench_create(const struct ml_cmd *cmd, const char **why)
{
	const struct ml_strategy_ops *st = ml_ops(cmd->strategy);
	u64 batch = cmd->pattern == ML_BENCH_BATCH ?
		    min_t(u64, cmd->count, ML_BENCH_BATCH_MAX) : 1;
	struct ml_bench *b;
	size_t size = struct_size(b, objs, batch);
	u64 held = ml_vmalloc_cost(size, false);
	u64 i;

	/* Its histograms are memlab's too: under the cap while it runs. */
	if (ml_stats_reserve(held)) {
		*why = "the bench's histograms would take memlab over cap_bytes";
		return ERR_PTR(-ENOSPC);
	}
	/* vmalloc'ed, so that what it takes is known: ml_vmalloc_cost(). */
	b = vzalloc(size);
	if (!b) {
		ml_stats_unreserve(held);
		*why = "no memory for the bench's histograms";
		return ERR_PTR(-ENOMEM);
	}
	b->held = held;
	/* Held for the run, so that the tracked path finds the pool made. */
	if (st->has_pool) {
		struct ml_pool *pool = ml_pool_get(cmd->strategy, cmd->size, why);

		if (IS_ERR(pool)) {
			if (PTR_ERR(pool) == -ENOMEM)
				ml_stats_failure(cmd->strategy);
			vfree(b);
			ml_stats_unreserve(held);
			return ERR_CAST(pool);
		}
		b->pool = pool;
	}
	b->st = st;
	b->batch = batch;
	/* What the raw path's objects take, as the cap reserves it. */
	b->per = ml_strategy_cost(cmd->strategy, cmd->size, b->pool);
	for (i = 0; i < batch; i++) {
		b->objs[i].strategy = cmd->strategy;
		b->objs[i].bytes_req = cmd->size;
		b->objs[i].pool = b->pool;
	}
	b->res.strategy = cmd->strategy;
	b->res.pattern = cmd->pattern;
	b->res.size = cmd->size;
	b->res.iterations = cmd->count;
	b->res.warmup = max(div_u64(cmd->count, 10), min_t(u64, cmd->count, ML_BENCH_WARMUP_MIN));
	b->res.batch = batch;
	b->res.per = st->bytes(cmd->size, b->pool);
	return b;
}

static void ml_bench_destroy(struct ml_bench *b)
{
	u64 held = b->held;

	if (b->pool)
		ml_pool_put(b->pool);
	vfree(b);
	ml_stats_unreserve(held);
}

static void ml_bench_set_running(bool running)
{
	mutex_lock(&ml_bench_res_lock);
	ml_bench_running = running;
	mutex_unlock(&ml_bench_res_lock);
}

/**
 * ml_bench_run() - run one bench command
 * @cmd: the parsed command
 * @why: on failure, set to a reason for the kernel log
 *
 * Return: 0, or -ENOSPC, -ENOMEM, -EINTR; the bench file keeps the last
 * completed run.
 */
int ml_bench_run(const struct ml_cmd *cmd, const char **why)
{
	struct ml_bench *b;
	int err;

	if (mutex_lock_interruptible(&ml_bench_lock))
		return -EINTR;
	if (READ_ONCE(ml_bench_stopping)) {
		err = -EINTR;
		goto out_unlock;
	}
	b = ml_bench_create(cmd, why);
	if (IS_ERR(b)) {
		err = PTR_ERR(b);
		goto out_unlock;
	}
	ml_bench_set_running(true);
	err = ml_bench_execute(b, why);
	mutex_lock(&ml_bench_res_lock);
	if (!err)
		ml_bench_last = b->res;
	ml_bench_running = false;
	mutex_unlock(&ml_bench_res_lock);
	ml_bench_destroy(b);
out_unlock:
	mutex_unlock(&ml_bench_lock);
	return err;
}

/** ml_bench_stop() - at unload: ask a running bench to stop, wait for it */
void ml_bench_stop(void)
{
	WRITE_ONCE(ml_bench_stopping, true);
	mutex_lock(&ml_bench_lock);
	mutex_unlock(&ml_bench_lock);
}

static void ml_bench_show_done(struct seq_file *m, const struct ml_bench_result *r)
{
	const struct ml_bench_fig *f;
	int p, op, u;

	seq_printf(m, "strategy %s\n", ml_strategy_name(r->strategy));
	seq_printf(m, "size %llu\n", r->size);
	seq_printf(m, "pattern %s\n", ml_pattern_names[r->pattern]);
	seq_printf(m, "iterations %llu\n", r->iterations);
	seq_printf(m, "warmup %llu\n", r->warmup);
	seq_printf(m, "batch %llu\n", r->batch);
	seq_printf(m, "bytes_per_object %llu\n", r->per);
	seq_printf(m, "elapsed_ms %llu\n", div_u64(r->elapsed_ns, NSEC_PER_MSEC));
	if (ml_icount)
		seq_puts(m, "# icount: the guest's clocks count instructions, so ns figures are insn\n");
	seq_printf(m, "# cost timer <%s> <cycles>: the empty timed region, in every figure below\n",
		   ml_unit_name(ML_UNIT_NS));
	seq_printf(m, "cost timer %llu %llu\n", r->timer[ML_UNIT_NS], r->timer[ML_UNIT_CYCLES]);
	seq_puts(m, "# path op unit min p50 p99 max\n");
	for (p = 0; p < ML_NR_PATHS; p++) {
		for (op = 0; op < ML_NR_BOPS; op++) {
			for (u = 0; u < ML_NR_UNITS; u++) {
				f = &r->fig[p][op][u];
				seq_printf(m, "%s %s %s %llu %llu %llu %llu\n", ml_path_names[p],
					   ml_op_names[op], ml_unit_name(u),
					   f->min, f->p50, f->p99, f->max);
			}
		}
	}
}

static int ml_bench_show(struct seq_file *m, void *v)
{
	mutex_lock(&ml_bench_res_lock);
	if (ml_bench_running) {
		seq_puts(m, "# memlab bench: a run is under way\n");
		seq_puts(m, "state running\n");
	} else if (ml_bench_last.done) {
		seq_puts(m, "# memlab bench: the last completed run\n");
		seq_puts(m, "state done\n");
		ml_bench_show_done(m, &ml_bench_last);
	} else {
		seq_puts(m, "# memlab bench: no run yet; write to control:\n");
		seq_puts(m, "# bench <strategy> <size> [<iterations>] [pair|batch]\n");
		seq_puts(m, "state none\n");
	}
	mutex_unlock(&ml_bench_res_lock);
	return 0;
}

DEFINE_SHOW_ATTRIBUTE(ml_bench);

/**
 * ml_bench_debugfs_init() - create debugfs "bench"
 * @dir: memlab's debugfs directory
 */
int ml_bench_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("bench", 0400, dir, NULL, &ml_bench_fops);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * bench <strategy> <size> [<iterations>] [pair|batch]: time a strategy's raw
 * allocate and free against memlab's counted path, in the same run, and
 * publish min, p50, p99 and max of each in debugfs "bench". docs/bench.md
 * says what the figures mean.
 *
 * Three paths are timed, interleaved so that all see the same machine:
 *  - raw: the kernel API itself (kmalloc(), kmem_cache_alloc(), ...), called
 *    directly with the gfp memlab uses in process context, in place for the
 *    strategies whose operations memlab runs in place (ml_raw_alloc());
 *  - counted: what every allocation of memlab runs, minus the tracking record
 *    (struct ml_obj, its xarray slot, the pool's reference): the very steps
 *    track.c runs, ml_obj_alloc_timed() and ml_obj_free_step() (memlab.h),
 *    which run the strategy's operation (ml_strategy_alloc(): kmalloc's,
 *    kzalloc's, kmem_cache's and mempool's in place, the others through
 *    the table), time the allocation for the latency histogram
 *    (ml_lat_clock()), and tally a free on the stack; the records'
 *    bytes_alloc is preset as phase 1 of an "alloc" presets it. Each round
 *    is counted and folded into the counters as a command is
 *    (ml_tally_allocs() and stats.c's ml_stats_fold_in(): once after the
 *    allocations, once per ML_FREE_BATCH frees), outside the timed
 *    operations: that per-command cost has its own cost rows. The counters
 *    and the latency histogram are private instances of the run, so
 *    /proc/memlab/stats and the latency file are left as they were;
 *  - nolatency: the counted path without the latency histogram
 *    (ml_obj_alloc_step()), to show what the histogram costs.
 *
 * Patterns: "pair" allocates and frees at once, each iteration (the
 * allocator's per-CPU caches hand back the object just freed); "batch" keeps
 * ML_BENCH_BATCH_MAX objects (fewer if there are fewer iterations) outstanding,
 * then frees them all, which drains those caches. Each round runs the three
 * paths one after the other, which goes first rotating, so the bench holds
 * at most one batch at a time.
 *
 * Timing: each operation is timed on its own with sched_clock() (ns) and
 * get_cycles() (cycles), with preemption and interrupts enabled: the
 * allocations are GFP_KERNEL and may sleep, and disabling preemption would
 * force the atomic paths instead of timing the ones memlab takes. An
 * interrupt or a reschedule inside an operation is therefore in its time;
 * they are rare and land in p99 and max, not in p50, which is why overhead
 * is computed from p50. Both clocks are per CPU, so migrate_disable() keeps
 * each timed operation on one CPU (it may still sleep). local_clock() is not
 * used, because where the kernel finds the TSC unstable (as under QEMU TCG)
 * it stalls until the next tick when it runs ahead of jiffies, reading 0 ns;
 * nor is ktime_get_ns(), which reads the clocksource, an emulated HPET under
 * TCG. The first tenth of the iterations (at least 100, when there are that
 * many) warm up caches and are not recorded.
 *
 * Histograms are log-linear: 32 buckets per power of two, so a percentile is
 * within 1/64 of the true value (the bucket's middle is reported, clamped to
 * the exact min and max, which are exact).
 *
 * The cap: the bench reserves what it holds at most at once (one object for
 * pair, a batch for batch) before it starts, and is refused with ENOSPC when
 * that does not fit; the parser refuses sizes above the limit (E2BIG). It
 * holds nothing afterwards: every object, its pool and the reservation are
 * given back on every exit, including an interruption.
 *
 * Interruption and unload: the bench runs in the context of the write(2) to
 * "control". Any signal interrupts it between two operations: it frees
 * everything and the write fails with EINTR. While it runs, the open control
 * file pins the module, so rmmod is refused ("in use"); debugfs removal in
 * module exit would wait for the write to end anyway. ml_bench_stop(), called
 * at unload, also asks a running bench to stop and waits for it. One bench
 * runs at a time; another waits for it (interruptibly).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/gfp.h>
#include <linux/mempool.h>
#include <linux/percpu.h>
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

#include "memlab.h"

/* Objects a batch keeps outstanding: enough to drain the per-CPU caches. */
#define ML_BENCH_BATCH_MAX	1024
/* Warm-up: a tenth of the iterations, at least this many. */
#define ML_BENCH_WARMUP_MIN	100
/* Samples of each piece timed alone (the empty region, the clock, ...). */
#define ML_BENCH_CLOCK_SAMPLES	1000
/* Same alignment as the percpu strategy. */
#define ML_BENCH_PERCPU_ALIGN	__alignof__(unsigned long long)

/* Log-linear histogram: values below 32 exactly, then 32 buckets per 2^e. */
#define ML_HIST_SUB_BITS	5
#define ML_HIST_SUB		BIT(ML_HIST_SUB_BITS)
#define ML_HIST_BUCKETS		((64 - ML_HIST_SUB_BITS + 1) * ML_HIST_SUB)

enum ml_bench_path { ML_PATH_RAW, ML_PATH_COUNTED, ML_PATH_NOLAT, ML_NR_PATHS };
enum ml_bench_op { ML_BOP_ALLOC, ML_BOP_FREE, ML_NR_BOPS };
enum ml_bench_unit { ML_UNIT_NS, ML_UNIT_CYCLES, ML_NR_UNITS };
/* The timed pieces, then the fold amortized over a round's objects. */
enum ml_bench_cal {
	ML_CAL_TIMER, ML_CAL_CLOCK, ML_CAL_LATENCY, ML_CAL_FOLD, ML_NR_TIMED_CAL,
	ML_CAL_FOLD_OBJ = ML_NR_TIMED_CAL, ML_NR_CAL
};

static const char *const ml_path_names[ML_NR_PATHS] = { "raw", "counted", "nolatency" };
static const char *const ml_op_names[ML_NR_BOPS] = { "alloc", "free" };
static const char *const ml_unit_names[ML_NR_UNITS] = { "ns", "cycles" };
static const char *const ml_cal_names[ML_NR_CAL] = {
	"timer", "latency_clock", "latency_record", "stats_fold", "stats_fold_per_object",
};

static const char *const ml_pattern_names[] = {
	[ML_BENCH_PAIR]		= "pair",
	[ML_BENCH_BATCH]	= "batch",
};

struct ml_hist {
	u32 count[ML_HIST_BUCKETS];
	u64 n;
	u64 sum;
	u64 min;
	u64 max;
};

/* The figures of one histogram, as the bench file shows them. */
struct ml_bench_fig {
	u64 min;
	u64 p50;
	u64 p99;
	u64 max;
};

/* One run: its parameters, its histograms and the objects it holds. */
struct ml_bench {
	enum ml_strategy strategy;
	const struct ml_strategy_ops *ops;
	struct ml_pool *pool;
	u64 size;
	u64 per;			/* bytes_alloc of one object, at most */
	unsigned int order;		/* alloc_pages */
	gfp_t gfp;
	u64 batch;			/* objects held at once: 1 for pair */
	u64 rounds;			/* rounds run, to alternate the order */
	bool record;			/* false while warming up */
	struct ml_hist hist[ML_NR_PATHS][ML_NR_BOPS][ML_NR_UNITS];
	struct ml_hist clock_hist[ML_NR_UNITS];	/* calibration, reused */
	struct ml_stats stats;		/* private counters of the counted paths */
	struct ml_latency __percpu *latency;
	struct ml_obj objs[];
};

enum ml_bench_state { ML_BS_NONE, ML_BS_RUNNING, ML_BS_DONE };

/* What the bench file shows: the run under way, or the last completed. */
struct ml_bench_result {
	enum ml_bench_state state;
	enum ml_strategy strategy;
	enum ml_bench_pattern pattern;
	u64 size;
	u64 iterations;
	u64 warmup;
	u64 batch;
	u64 per;
	u64 elapsed_ns;
	u64 cpu_mhz;
	u64 cost[ML_NR_CAL][ML_NR_UNITS];	/* p50 of each piece alone */
	u64 folds_per_round;
	struct ml_bench_fig fig[ML_NR_PATHS][ML_NR_BOPS][ML_NR_UNITS];
};

/* Held for a whole run: one bench at a time. */
static DEFINE_MUTEX(ml_bench_lock);
static bool ml_bench_stopping;
/* Protects the two results below; never held across a run. */
static DEFINE_MUTEX(ml_bench_res_lock);
static struct ml_bench_result ml_bench_last;	/* last completed run */
static struct ml_bench_result ml_bench_now;	/* the run under way */
static bool ml_bench_running;

/* Histograms */

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

/* The middle of bucket @b. */
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
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
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
	if (!h->n) {
		*f = (struct ml_bench_fig){ 0 };
		return;
	}
	f->min = h->min;
	f->p50 = ml_hist_pct(h, 50);
	f->p99 = ml_hist_pct(h, 99);
	f->max = h->max;
}

/* Timing one operation */

struct ml_tick {
	u64 ns;
	cycles_t cycles;
};

static __always_inline void ml_tick_start(struct ml_tick *t)
{
	migrate_disable();
	t->ns = sched_clock();
	t->cycles = get_cycles();
}

/* Stop the clocks started by ml_tick_start(); record into @h (ns, cycles). */
static __always_inline void ml_tick_stop(struct ml_tick *t, struct ml_hist *h)
{
	cycles_t c1 = get_cycles();
	u64 ns1 = sched_clock();

	migrate_enable();
	if (!h)
		return;
	ml_hist_add(&h[ML_UNIT_NS], ns1 > t->ns ? ns1 - t->ns : 0);
	ml_hist_add(&h[ML_UNIT_CYCLES], c1 > t->cycles ? c1 - t->cycles : 0);
}

/*
 * The raw path of the strategies that memlab calls through its table
 * (vmalloc, kvmalloc, alloc_pages, percpu): a call, as memlab's is.
 */
static noinline void *ml_raw_alloc_other(struct ml_bench *b)
{
	switch (b->strategy) {
	case ML_VMALLOC:
		return __vmalloc(b->size, b->gfp);
	case ML_KVMALLOC:
		return kvmalloc(b->size, b->gfp);
	case ML_ALLOC_PAGES:
		return alloc_pages(b->gfp, b->order);
	case ML_PERCPU:
		return (void __force *)__alloc_percpu_gfp(b->size, ML_BENCH_PERCPU_ALIGN, b->gfp);
	default:
		return NULL;
	}
}

static noinline void ml_raw_free_other(struct ml_bench *b, void *ptr)
{
	switch (b->strategy) {
	case ML_VMALLOC:
		vfree(ptr);
		break;
	case ML_KVMALLOC:
		kvfree(ptr);
		break;
	case ML_ALLOC_PAGES:
		__free_pages(ptr, b->order);
		break;
	case ML_PERCPU:
		free_percpu((void __percpu __force *)ptr);
		break;
	default:
		break;
	}
}

/*
 * The raw path: the kernel's API, nothing of memlab's. The strategies that
 * ml_strategy_alloc() and ml_strategy_free() run in place are tested in the
 * same order and called in place here too, the others through a call: the
 * raw call is as direct as the counted one, and what separates the two
 * paths is memlab's work alone.
 */
static __always_inline int ml_raw_alloc(struct ml_bench *b, struct ml_obj *obj)
{
	if (likely(b->strategy == ML_KMALLOC))
		obj->ptr = kmalloc(b->size, b->gfp);
	else if (likely(b->strategy == ML_KMEM_CACHE))
		obj->ptr = kmem_cache_alloc(b->pool->cache, b->gfp);
	else if (b->strategy == ML_KZALLOC)
		obj->ptr = kzalloc(b->size, b->gfp);
	else if (b->strategy == ML_MEMPOOL)	/* never waits, as the strategy */
		obj->ptr = mempool_alloc(b->pool->mempool, b->gfp & ~__GFP_DIRECT_RECLAIM);
	else
		obj->ptr = ml_raw_alloc_other(b);
	return obj->ptr ? 0 : -ENOMEM;
}

static __always_inline void ml_raw_free(struct ml_bench *b, struct ml_obj *obj)
{
	if (likely(b->strategy == ML_KMALLOC || b->strategy == ML_KZALLOC))
		kfree(obj->ptr);
	else if (likely(b->strategy == ML_KMEM_CACHE))
		kmem_cache_free(b->pool->cache, obj->ptr);
	else if (b->strategy == ML_MEMPOOL)
		mempool_free(obj->ptr, b->pool->mempool);
	else
		ml_raw_free_other(b, obj->ptr);
	obj->ptr = NULL;
}

/*
 * The counted paths: track.c's own steps, on the run's private histogram
 * and the round's tally.
 */
static int ml_counted_alloc(struct ml_bench *b, enum ml_bench_path p, struct ml_obj *obj,
			    struct ml_tally *t)
{
	if (p == ML_PATH_COUNTED)
		return ml_obj_alloc_timed(obj, b->gfp, t, b->latency);
	return ml_obj_alloc_step(obj, b->gfp, t);
}

static struct ml_hist *ml_bench_hist(struct ml_bench *b, enum ml_bench_path p,
				     enum ml_bench_op op)
{
	return b->record ? b->hist[p][op] : NULL;
}

static int ml_bench_alloc_one(struct ml_bench *b, enum ml_bench_path p, struct ml_obj *obj,
			      struct ml_tally *t)
{
	struct ml_tick tk;
	int err;

	ml_tick_start(&tk);
	if (p == ML_PATH_RAW)
		err = ml_raw_alloc(b, obj);
	else
		err = ml_counted_alloc(b, p, obj, t);
	ml_tick_stop(&tk, err ? NULL : ml_bench_hist(b, p, ML_BOP_ALLOC));
	return err;
}

static void ml_bench_free_one(struct ml_bench *b, enum ml_bench_path p, struct ml_obj *obj,
			      struct ml_tally *t)
{
	struct ml_tick tk;

	ml_tick_start(&tk);
	if (p == ML_PATH_RAW)
		ml_raw_free(b, obj);
	else
		ml_obj_free_step(obj, t);
	ml_tick_stop(&tk, ml_bench_hist(b, p, ML_BOP_FREE));
}

static bool ml_bench_interrupted(void)
{
	return signal_pending(current) || READ_ONCE(ml_bench_stopping);
}

/* What the first @n objects take, as ml_alloc() counts it. */
static u64 ml_bench_bytes_alloc(struct ml_bench *b, u64 n)
{
	u64 i, bytes = 0;

	if (b->ops->fixed_bytes)
		return n * b->per;
	for (i = 0; i < n; i++)
		bytes += b->objs[i].bytes_alloc;
	return bytes;
}

/*
 * One round of one path: allocate @n objects, then free them all. On an
 * error or an interruption, what was allocated is freed all the same. The
 * counted paths do what an "alloc" command and then a "free" command do
 * with their tallies: reserve, count the allocations and fold them once,
 * fold the frees once per ML_FREE_BATCH; none of that is inside the timed
 * operations.
 */
static int ml_bench_round(struct ml_bench *b, enum ml_bench_path p, u64 n)
{
	bool counted = p != ML_PATH_RAW;
	struct ml_tally tally;
	u64 i, made;
	int err = 0;

	ml_tally_init(&tally, BIT(b->strategy));
	if (counted) {
		err = ml_stats_reserve_in(&b->stats, b->per * n);
		if (err)
			return err;
	}
	for (made = 0; made < n; made++) {
		err = ml_bench_alloc_one(b, p, &b->objs[made], &tally);
		if (err)
			break;
		if (n > 1) {
			if (ml_bench_interrupted()) {
				made++;
				err = -EINTR;
				break;
			}
			cond_resched();
		}
	}
	if (counted) {
		ml_tally_allocs(&tally, b->strategy, made, b->size, ml_bench_bytes_alloc(b, made));
		ml_tally_mark_peak(&tally);
		ml_stats_fold_in(&b->stats, &tally, b->per * n);
		ml_tally_init(&tally, BIT(b->strategy));
	}
	for (i = 0; i < made; i++) {
		ml_bench_free_one(b, p, &b->objs[i], &tally);
		if (counted && (i % ML_FREE_BATCH == ML_FREE_BATCH - 1 || i == made - 1)) {
			ml_stats_fold_in(&b->stats, &tally, 0);
			ml_tally_init(&tally, BIT(b->strategy));
		}
		if (n > 1)
			cond_resched();
	}
	return err;
}

/* @iters iterations, in rounds of a batch; the paths take turns going first. */
static int ml_bench_loop(struct ml_bench *b, u64 iters)
{
	unsigned int first, i;
	u64 done = 0, n;
	int err;

	while (done < iters) {
		n = min(iters - done, b->batch);
		first = b->rounds++ % ML_NR_PATHS;
		for (i = 0; i < ML_NR_PATHS; i++) {
			err = ml_bench_round(b, (first + i) % ML_NR_PATHS, n);
			if (err)
				return err;
		}
		done += n;
		if (ml_bench_interrupted())
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/*
 * What the pieces of the counted path cost, timed alone: the empty timed
 * region (the timer's own cost, included in every figure); the latency
 * clock, two ml_lat_clock() reads; one latency record, with the conversion
 * of the difference to ns; one fold of a command's tally into the counters.
 */
static void ml_bench_cal_piece(struct ml_bench *b, enum ml_bench_cal piece)
{
	struct ml_hist *h = b->clock_hist;
	struct ml_tally tally;
	struct ml_tick t;
	unsigned int i;

	ml_tally_init(&tally, BIT(b->strategy));
	tally.s[b->strategy].allocs = 1;
	tally.s[b->strategy].frees = 1;
	tally.s[b->strategy].peak = b->per;
	ml_hist_init(&h[ML_UNIT_NS]);
	ml_hist_init(&h[ML_UNIT_CYCLES]);
	for (i = 0; i < ML_BENCH_CLOCK_SAMPLES; i++) {
		ml_tick_start(&t);
		switch (piece) {
		case ML_CAL_CLOCK:
			ml_lat_clock();
			ml_lat_clock();
			break;
		case ML_CAL_LATENCY:
			ml_latency_record_to(b->latency, b->strategy, ml_lat_ns(i));
			break;
		case ML_CAL_FOLD:
			ml_stats_fold_in(&b->stats, &tally, 0);
			break;
		default:
			break;
		}
		ml_tick_stop(&t, h);
	}
}

static void ml_bench_calibrate(struct ml_bench *b, struct ml_bench_result *res)
{
	u64 timer, v;
	int c, u;

	for (c = 0; c < ML_NR_TIMED_CAL; c++) {
		ml_bench_cal_piece(b, c);
		for (u = 0; u < ML_NR_UNITS; u++) {
			/* The pieces net of the timer's own cost, the timer as is. */
			v = ml_hist_pct(&b->clock_hist[u], 50);
			timer = c == ML_CAL_TIMER ? 0 : res->cost[ML_CAL_TIMER][u];
			res->cost[c][u] = v > timer ? v - timer : 0;
		}
	}
	/*
	 * A round of n objects is folded 1 + ceil(n / ML_FREE_BATCH) times, as
	 * an "alloc" command of n and the "free" that gives them back are.
	 */
	res->folds_per_round = 1 + DIV_ROUND_UP_ULL(b->batch, ML_FREE_BATCH);
	for (u = 0; u < ML_NR_UNITS; u++)
		res->cost[ML_CAL_FOLD_OBJ][u] =
			div64_u64(res->cost[ML_CAL_FOLD][u] * res->folds_per_round, b->batch);
}

static void ml_bench_results(struct ml_bench *b, struct ml_bench_result *res)
{
	u64 ns = 0, cycles = 0;
	int p, op, u;

	for (p = 0; p < ML_NR_PATHS; p++) {
		for (op = 0; op < ML_NR_BOPS; op++) {
			for (u = 0; u < ML_NR_UNITS; u++)
				ml_hist_fig(&b->hist[p][op][u], &res->fig[p][op][u]);
			ns += res->fig[p][op][ML_UNIT_NS].p50;
			cycles += res->fig[p][op][ML_UNIT_CYCLES].p50;
		}
	}
	/* Cycles per microsecond, from the medians (sums would follow outliers). */
	res->cpu_mhz = ns ? div64_u64(cycles * NSEC_PER_USEC, ns) : 0;
}

static int ml_bench_execute(struct ml_bench *b, struct ml_bench_result *res)
{
	u64 t0 = ktime_get_ns();
	int p, op, u, err;

	ml_bench_calibrate(b, res);
	for (p = 0; p < ML_NR_PATHS; p++)
		for (op = 0; op < ML_NR_BOPS; op++)
			for (u = 0; u < ML_NR_UNITS; u++)
				ml_hist_init(&b->hist[p][op][u]);

	b->record = false;
	err = ml_bench_loop(b, res->warmup);
	if (err)
		return err;
	b->record = true;
	err = ml_bench_loop(b, res->iterations);
	if (err)
		return err;
	res->elapsed_ns = ktime_get_ns() - t0;
	ml_bench_results(b, res);
	return 0;
}

static struct ml_bench *ml_bench_create(const struct ml_cmd *cmd, struct ml_pool *pool,
					u64 per, u64 batch)
{
	struct ml_bench *b;
	u64 i;

	b = kvzalloc(struct_size(b, objs, batch), GFP_KERNEL);
	if (!b)
		return NULL;
	b->latency = ml_latency_alloc();
	if (!b->latency) {
		kvfree(b);
		return NULL;
	}
	b->strategy = cmd->strategy;
	b->ops = ml_ops(cmd->strategy);
	b->pool = pool;
	b->size = cmd->size;
	b->per = per;
	b->order = get_order(cmd->size);
	b->gfp = GFP_KERNEL | __GFP_NOWARN;	/* as track.c in process context */
	b->batch = batch;
	/* The private counters' cap: what the bench reserved against memlab's. */
	ml_stats_init_in(&b->stats, per * batch);
	for (i = 0; i < batch; i++) {
		b->objs[i].strategy = cmd->strategy;
		b->objs[i].context = ML_CTX_PROCESS;
		b->objs[i].bytes_req = cmd->size;
		b->objs[i].bytes_alloc = ml_bytes_preset(b->ops, per);
		b->objs[i].pool = pool;
	}
	return b;
}

static void ml_bench_destroy(struct ml_bench *b)
{
	ml_latency_free(b->latency);
	kvfree(b);
}

static void ml_bench_publish(struct ml_bench_result *res, bool running)
{
	mutex_lock(&ml_bench_res_lock);
	if (running) {
		ml_bench_now = *res;
		ml_bench_now.state = ML_BS_RUNNING;
	} else if (res) {
		ml_bench_last = *res;
		ml_bench_last.state = ML_BS_DONE;
	}
	ml_bench_running = running;
	mutex_unlock(&ml_bench_res_lock);
}

int ml_bench_run(const struct ml_cmd *cmd)
{
	const struct ml_strategy_ops *ops = ml_ops(cmd->strategy);
	struct ml_bench_result *res;
	struct ml_pool *pool = NULL;
	struct ml_bench *b;
	u64 per, batch, need;
	int err;

	if (mutex_lock_interruptible(&ml_bench_lock))
		return -EINTR;
	if (READ_ONCE(ml_bench_stopping)) {
		err = -EINTR;
		goto out_unlock;
	}
	res = kzalloc(sizeof(*res), GFP_KERNEL);
	if (!res) {
		err = -ENOMEM;
		goto out_unlock;
	}
	res->strategy = cmd->strategy;
	res->pattern = cmd->pattern;
	res->size = cmd->size;
	res->iterations = cmd->count;
	res->warmup = max(div_u64(cmd->count, 10), min_t(u64, cmd->count, ML_BENCH_WARMUP_MIN));
	batch = cmd->pattern == ML_BENCH_BATCH ? min_t(u64, cmd->count, ML_BENCH_BATCH_MAX) : 1;
	res->batch = batch;

	if (ops->has_pool) {
		pool = ml_pool_get(cmd->strategy, cmd->size);
		if (IS_ERR(pool)) {
			ml_stats_failure(cmd->strategy);
			err = PTR_ERR(pool);
			goto out_free_res;
		}
	}
	per = ops->max_bytes(cmd->size, pool);
	res->per = per;
	if (check_mul_overflow(per, batch, &need)) {
		err = -ENOSPC;
		goto out_put_pool;
	}
	err = ml_stats_reserve(need);
	if (err)
		goto out_put_pool;
	b = ml_bench_create(cmd, pool, per, batch);
	if (!b) {
		err = -ENOMEM;
		goto out_unreserve;
	}

	ml_bench_publish(res, true);
	err = ml_bench_execute(b, res);
	ml_bench_publish(err ? NULL : res, false);
	/* The allocator said no: counted in failures, as for alloc. */
	if (err == -ENOMEM)
		ml_stats_failure(cmd->strategy);

	ml_bench_destroy(b);
out_unreserve:
	ml_stats_unreserve(need);
out_put_pool:
	if (pool)
		ml_pool_put(pool);
out_free_res:
	kfree(res);
out_unlock:
	mutex_unlock(&ml_bench_lock);
	return err;
}

/* Ask a running bench to stop, and wait for it (module exit). */
void ml_bench_stop(void)
{
	WRITE_ONCE(ml_bench_stopping, true);
	mutex_lock(&ml_bench_lock);
	mutex_unlock(&ml_bench_lock);
}

/* debugfs "bench" */

/* (@counted - @raw) / (@raw - @timer), in percent with one decimal, signed. */
static void ml_bench_show_pct(struct seq_file *m, const char *key, u64 counted, u64 raw,
			      u64 timer)
{
	s64 tenths;
	u64 a;

	if (raw <= timer) {
		seq_printf(m, "%s nan\n", key);
		return;
	}
	tenths = div64_s64(((s64)counted - (s64)raw) * 1000, (s64)(raw - timer));
	a = tenths < 0 ? -tenths : tenths;
	seq_printf(m, "%s %s%llu.%llu\n", key, tenths < 0 ? "-" : "", a / 10, a % 10);
}

static void ml_bench_show_head(struct seq_file *m, const struct ml_bench_result *r)
{
	seq_printf(m, "strategy %s\n", ml_strategy_name(r->strategy));
	seq_printf(m, "size %llu\n", r->size);
	seq_printf(m, "pattern %s\n", ml_pattern_names[r->pattern]);
	seq_printf(m, "iterations %llu\n", r->iterations);
	seq_printf(m, "warmup %llu\n", r->warmup);
	seq_printf(m, "batch %llu\n", r->batch);
	seq_printf(m, "bytes_per_object %llu\n", r->per);
}

static void ml_bench_show_done(struct seq_file *m, const struct ml_bench_result *r)
{
	const struct ml_bench_fig *f;
	u64 raw_a, raw_f, cnt_a, cnt_f, nol_a, nol_f, timer, fold;
	int p, op, u, c;

	seq_printf(m, "elapsed_ms %llu\n", div_u64(r->elapsed_ns, NSEC_PER_MSEC));
	seq_printf(m, "cpu_mhz_estimate %llu\n", r->cpu_mhz);
	seq_printf(m, "folds_per_round %llu\n", r->folds_per_round);
	seq_printf(m, "latency_clock_source %s\n", ml_latency_clock_name());
	seq_puts(m, "# cost piece p50_ns p50_cycles: timed alone, net of the timer's own cost\n");
	for (c = 0; c < ML_NR_CAL; c++)
		seq_printf(m, "cost %s %llu %llu\n", ml_cal_names[c],
			   r->cost[c][ML_UNIT_NS], r->cost[c][ML_UNIT_CYCLES]);
	seq_puts(m, "# path op unit min p50 p99 max\n");
	for (p = 0; p < ML_NR_PATHS; p++) {
		for (op = 0; op < ML_NR_BOPS; op++) {
			for (u = 0; u < ML_NR_UNITS; u++) {
				f = &r->fig[p][op][u];
				seq_printf(m, "%s %s %s %llu %llu %llu %llu\n", ml_path_names[p],
					   ml_op_names[op], ml_unit_names[u],
					   f->min, f->p50, f->p99, f->max);
			}
		}
	}
	raw_a = r->fig[ML_PATH_RAW][ML_BOP_ALLOC][ML_UNIT_NS].p50;
	raw_f = r->fig[ML_PATH_RAW][ML_BOP_FREE][ML_UNIT_NS].p50;
	cnt_a = r->fig[ML_PATH_COUNTED][ML_BOP_ALLOC][ML_UNIT_NS].p50;
	cnt_f = r->fig[ML_PATH_COUNTED][ML_BOP_FREE][ML_UNIT_NS].p50;
	nol_a = r->fig[ML_PATH_NOLAT][ML_BOP_ALLOC][ML_UNIT_NS].p50;
	nol_f = r->fig[ML_PATH_NOLAT][ML_BOP_FREE][ML_UNIT_NS].p50;
	timer = r->cost[ML_CAL_TIMER][ML_UNIT_NS];
	fold = r->cost[ML_CAL_FOLD_OBJ][ML_UNIT_NS];
	seq_puts(m, "# (counted p50 - raw p50) / (raw p50 - timer), ns; overhead_pct: alloc + free\n");
	ml_bench_show_pct(m, "overhead_alloc_pct", cnt_a, raw_a, timer);
	ml_bench_show_pct(m, "overhead_free_pct", cnt_f, raw_f, timer);
	ml_bench_show_pct(m, "overhead_pct", cnt_a + cnt_f, raw_a + raw_f, 2 * timer);
	seq_puts(m, "# the same without the latency histogram (nolatency), and with the folds\n");
	ml_bench_show_pct(m, "overhead_nolatency_pct", nol_a + nol_f, raw_a + raw_f, 2 * timer);
	ml_bench_show_pct(m, "overhead_with_fold_pct", cnt_a + cnt_f + fold, raw_a + raw_f,
			  2 * timer);
}

static int ml_bench_show(struct seq_file *m, void *v)
{
	mutex_lock(&ml_bench_res_lock);
	if (ml_bench_running) {
		seq_puts(m, "# memlab bench: a run is under way\n");
		seq_puts(m, "state running\n");
		ml_bench_show_head(m, &ml_bench_now);
	} else if (ml_bench_last.state == ML_BS_DONE) {
		seq_puts(m, "# memlab bench: the last completed run\n");
		seq_puts(m, "state done\n");
		ml_bench_show_head(m, &ml_bench_last);
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

int ml_bench_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("bench", 0400, dir, NULL, &ml_bench_fops);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memlab: see how the kernel allocates memory.
 *
 * The files, in the order a command goes through them:
 *
 *   main.c      the module parameters, load (init) and unload (exit)
 *   control.c   debugfs "control": one write, one command
 *   parse.c     the command's words into a struct ml_cmd (pure C: the
 *               host's unit tests and fuzzer build the same file)
 *   track.c     the one path of every allocation and free: cap reservation,
 *               records in an xarray, the strategy's alloc/free, the charge,
 *               and debugfs "allocations"
 *   strategy.c  the table of strategies, and strat_<name>.c, one strategy
 *               each: its token, limit, bytes, alloc and free
 *   pool.c      the per-size kmem_caches and mempools
 *   stats.c     the counters and the cap, /proc/memlab/stats
 *   latency.c   the latency histogram, debugfs "latency"
 *   bench.c     the bench command, debugfs "bench"
 *   demo.c      the load-time demonstration
 *   pagetable.c debugfs "pagetable": how each live allocation is mapped
 *   compat.h    every difference between kernel versions
 *
 * So "alloc kmalloc 64 3" is: ml_control_write() -> ml_control_exec() ->
 * ml_parse() -> ml_alloc() -> ml_stats_reserve(), then for each allocation
 * ml_kmalloc_ops.alloc(), then ml_stats_charge() and the records stored.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/sizes.h>

#include "compat.h"
#include "memlab.h"

#define ML_MAX_BYTES_MIN	((unsigned long)SZ_1M)

static bool demo = true;

#define ML_MAX_BYTES_DEFAULT	((unsigned long)SZ_64M)

unsigned long ml_max_bytes = ML_MAX_BYTES_DEFAULT;
static bool ml_max_bytes_set;
unsigned int ml_mempool_min = 4;
unsigned int ml_demo_order = 3;

static struct proc_dir_entry *ml_proc_dir;
static struct dentry *ml_debug_dir;

/*
 * A bad parameter value is reported by its set() with one line, and refused
 * by init with EINVAL. (Failing set() itself would add the kernel's own
 * "invalid for parameter" line.)
 */
static bool ml_param_bad;

static int ml_param_refused(void)
{
	ml_param_bad = true;
	return 0;
}

/*
 * Every parameter's ops take a bare name too (KERNEL_PARAM_OPS_FL_NOARG),
 * so that memlab, not the kernel's generic message, says what is wrong:
 * set() then gets a NULL value.
 */
static bool ml_param_no_value(const char *val, const struct kernel_param *kp)
{
	if (val)
		return false;
	pr_err("invalid parameter %s: it needs a value (%s=...)\n", kp->name, kp->name);
	return true;
}

/*
 * A yes/no parameter: 0 or 1 (kstrtobool() also takes n, y, off, on); a
 * bare name means yes, as with the kernel's own bool parameters.
 */
static int ml_param_set_bool(const char *val, const struct kernel_param *kp)
{
	if (!val)
		val = "1";
	if (kstrtobool(val, kp->arg)) {
		pr_err("invalid parameter %s=%s: must be 0 or 1\n", kp->name, val);
		return ml_param_refused();
	}
	return 0;
}

static const struct kernel_param_ops ml_bool_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = ml_param_set_bool,
	.get = param_get_bool,
};

module_param_cb(demo, &ml_bool_ops, &demo, 0444);
MODULE_PARM_DESC(demo, "Run the demonstration of every strategy at load, keep it live until unload (default 1)");

/*
 * Under QEMU's -icount shift=0, the guest's clocks advance one ns per guest
 * instruction: the bench's "ns" are then instructions, and it says so.
 */
bool ml_icount;
module_param_cb(icount, &ml_bool_ops, &ml_icount, 0444);
MODULE_PARM_DESC(icount, "The machine counts instructions as time (QEMU -icount shift=0): the bench reports unit insn in place of ns (default 0)");

static unsigned long ml_half_of_ram(void)
{
	return (totalram_pages() << PAGE_SHIFT) / 2;
}

/* max_bytes: bytes with an optional K, M or G suffix, 1 MiB .. half of RAM. */
static int ml_param_set_max_bytes(const char *val, const struct kernel_param *kp)
{
	unsigned long half = ml_half_of_ram();
	unsigned long long bytes;
	char *end;

	if (ml_param_no_value(val, kp))
		return ml_param_refused();
	bytes = memparse(val, &end);
	if (end == val || (*end && *end != '\n')) {
		pr_err("invalid parameter max_bytes=%s: not a number of bytes (K, M, G allowed)\n",
		       val);
		return ml_param_refused();
	}
	if (bytes < ML_MAX_BYTES_MIN || bytes > half) {
		pr_err("invalid parameter max_bytes=%s: must be between %lu and %lu (half of RAM)\n",
		       val, ML_MAX_BYTES_MIN, half);
		return ml_param_refused();
	}
	*(unsigned long *)kp->arg = bytes;
	ml_max_bytes_set = true;
	return 0;
}

static const struct kernel_param_ops ml_max_bytes_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = ml_param_set_max_bytes,
	.get = param_get_ulong,
};

module_param_cb(max_bytes, &ml_max_bytes_ops, &ml_max_bytes, 0444);
MODULE_PARM_DESC(max_bytes, "Cap on all that memlab holds (used_bytes + overhead_bytes): 1M .. half of RAM (default 64M, or half of RAM if less)");

/* A decimal unsigned int parameter within [min, max], refused with one line. */
static int ml_param_set_uint_range(const char *val, const struct kernel_param *kp,
				   unsigned int min, unsigned int max)
{
	unsigned int v;

	if (ml_param_no_value(val, kp))
		return ml_param_refused();
	if (kstrtouint(val, 10, &v) || v < min || v > max) {
		pr_err("invalid parameter %s=%s: must be an integer from %u to %u\n",
		       kp->name, val, min, max);
		return ml_param_refused();
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static int ml_param_set_mempool_min(const char *val, const struct kernel_param *kp)
{
	return ml_param_set_uint_range(val, kp, 1, 1024);
}

static int ml_param_set_demo_order(const char *val, const struct kernel_param *kp)
{
	return ml_param_set_uint_range(val, kp, 0, ML_MAX_PAGE_ORDER);
}

static const struct kernel_param_ops ml_mempool_min_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = ml_param_set_mempool_min,
	.get = param_get_uint,
};

static const struct kernel_param_ops ml_demo_order_ops = {
	.flags = KERNEL_PARAM_OPS_FL_NOARG,
	.set = ml_param_set_demo_order,
	.get = param_get_uint,
};

module_param_cb(mempool_min, &ml_mempool_min_ops, &ml_mempool_min, 0444);
MODULE_PARM_DESC(mempool_min, "Elements each memlab mempool keeps in reserve: 1 .. 1024 (default 4)");
module_param_cb(demo_order, &ml_demo_order_ops, &ml_demo_order, 0444);
MODULE_PARM_DESC(demo_order, "Page order of the demonstration's alloc_pages: 0 .. the largest order (default 3)");

static int ml_debugfs_init(void)
{
	ml_debug_dir = debugfs_create_dir("memlab", NULL);
	if (IS_ERR(ml_debug_dir))
		return PTR_ERR(ml_debug_dir);
	ml_control_debugfs_init(ml_debug_dir);
	ml_allocations_debugfs_init(ml_debug_dir);
	ml_bench_debugfs_init(ml_debug_dir);
	ml_pools_debugfs_init(ml_debug_dir);
	ml_latency_debugfs_init(ml_debug_dir);
	ml_pagetable_debugfs_init(ml_debug_dir);
	ml_index_debugfs_init(ml_debug_dir);
	return 0;
}

/* The default cap, on a machine with less than twice as much RAM, is half of it. */
static void ml_max_bytes_default(void)
{
	unsigned long half = ml_half_of_ram();

	if (ml_max_bytes_set || ml_max_bytes <= half)
		return;
	ml_max_bytes = max(half, ML_MAX_BYTES_MIN);
	pr_info("max_bytes lowered from its default %lu to %lu, half of this machine's RAM\n",
		ML_MAX_BYTES_DEFAULT, ml_max_bytes);
}

static int __init memlab_init(void)
{
	int err;

	if (ml_param_bad)
		return -EINVAL;
	ml_max_bytes_default();
	ml_stats_init(ml_max_bytes);
	err = ml_track_init();
	if (err)
		return err;

	ml_proc_dir = proc_mkdir("memlab", NULL);
	if (!ml_proc_dir) {
		err = -ENOMEM;
		goto err_track_exit;
	}
	err = ml_stats_proc_init(ml_proc_dir);
	if (err)
		goto err_remove_proc;
	err = ml_shrinker_init();
	if (err)
		goto err_remove_proc;

	pr_info("loaded: version %s, max_bytes %lu, demo %d\n", MEMLAB_VERSION,
		ml_max_bytes, demo);
	if (demo)
		ml_demo_run();

	err = ml_debugfs_init();
	if (err)
		goto err_reclaim;
	return 0;

err_reclaim:
	ml_free_strategy(-1, 0, NULL);
	ml_shrinker_exit();
err_remove_proc:
	proc_remove(ml_proc_dir);
err_track_exit:
	ml_track_exit();
	return err;
}

static void __exit memlab_exit(void)
{
	u64 count, bytes = 0;

	ml_shrinker_exit();
	debugfs_remove_recursive(ml_debug_dir);
	ml_bench_stop();
	proc_remove(ml_proc_dir);
	count = ml_free_strategy(-1, 0, &bytes);
	ml_track_exit();
	pr_info("unloaded: reclaimed %llu allocations, %llu bytes\n", count, bytes);
}

module_init(memlab_init);
module_exit(memlab_exit);

MODULE_DESCRIPTION("memlab: see how the kernel allocates memory");
MODULE_LICENSE("GPL");
MODULE_VERSION(MEMLAB_VERSION);
MODULE_AUTHOR("memlab developers");

// SPDX-License-Identifier: GPL-2.0
/*
 * membugs: make one classic memory bug on purpose, for the kernel's memory
 * error detectors to report.
 *
 *	insmod membugs.ko bug=oob		write one byte past a kmalloc'd object
 *	insmod membugs.ko bug=uaf		use an object after kfree()
 *	insmod membugs.ko bug=double_free	kfree() the same object twice
 *	insmod membugs.ko bug=leak		lose the only pointer to an object
 *
 * It makes the bug where a tool of the running kernel reports it, the first
 * of these that it finds:
 *
 * - KASAN (CONFIG_KASAN, a debug kernel) reports the first three at once,
 *   "BUG: KASAN: slab-out-of-bounds in membugs_oob+0x...". It reports only
 *   the first bug of a boot unless the kernel was booted with
 *   kasan_multi_shot.
 * - KFENCE (CONFIG_KFENCE, in Debian's kernels from 6.12, off until booted
 *   with kfence.sample_interval=<ms>) guards one allocation per interval
 *   with pages of its own: membugs allocates until KFENCE takes one of its
 *   objects, and makes the bug on that object. "BUG: KFENCE: ...".
 * - SLUB debugging (CONFIG_SLUB_DEBUG, every Debian kernel, off until
 *   booted with slub_debug=FZPU) checks the kmalloc cache's red zones,
 *   poison and free list: "BUG kmalloc-16 (...): Right Redzone overwritten".
 * - kmemleak (CONFIG_DEBUG_KMEMLEAK, a debug kernel) alone finds the leak,
 *   when it scans memory for pointers and none points to the object:
 *
 *	echo scan > /sys/kernel/debug/kmemleak	(twice, 5 s or more apart)
 *	cat /sys/kernel/debug/kmemleak
 *
 * Where nothing would report the bug, membugs refuses to load (EOPNOTSUPP)
 * and says which boot option would: a bug that nothing reports teaches
 * nothing. Each bug stays within its own object and its red zone, and each
 * tool keeps the allocator from acting on a bad kfree(). So the module
 * loads as usual after its bug, and unloads: rmmod membugs.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/kasan.h>
#include <linux/kfence.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../include/compat.h"

static char *bug;
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "the bug to make at load: oob, uaf, double_free or leak");

/*
 * KASAN keeps one shadow byte for every 8 bytes of memory, saying how many
 * of them may be used. 13 is not a multiple of 8, so the byte right after
 * the object, p[13], lies in a partly usable 8-byte granule: KASAN still
 * catches it, although it is inside the 16 bytes that kmalloc rounds up to.
 * KFENCE fills the rest of the object's page with canary bytes, p[13] too.
 */
#define MEMBUGS_SIZE 13

/*
 * How long to wait for KFENCE to take one of membugs' allocations: it takes
 * the first allocation of the whole machine after each sample interval, so
 * membugs' chance comes once an interval. A few dozen intervals, never more
 * than half a minute.
 */
#define MEMBUGS_KFENCE_INTERVALS 50
#define MEMBUGS_KFENCE_MAX_MS 30000

enum membugs_tool { MEMBUGS_KASAN, MEMBUGS_KFENCE, MEMBUGS_SLUB, MEMBUGS_KMEMLEAK };

/* The tool that will report this load's bug, and the kmalloc cache's name. */
static enum membugs_tool membugs_tool;
static char membugs_cache[32];

static unsigned long membugs_kfence_interval(void)
{
#ifdef CONFIG_KFENCE
	return READ_ONCE(kfence_sample_interval);
#else
	return 0;
#endif
}

/*
 * membugs_slab_file() - open one of SLUB's files of the kmalloc cache
 * @attr: the file in /sys/kernel/slab/<cache>/
 * @mode: O_RDONLY or O_WRONLY
 *
 * A module cannot read a cache's flags: struct kmem_cache is private to
 * mm/ since 6.8. SLUB publishes them, as 0 or 1, in sysfs only, where
 * slub_debug= sets them at boot: membugs reads them there, as a learner
 * would with cat.
 */
static struct file *membugs_slab_file(const char *attr, int mode)
{
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/%s", membugs_cache, attr);
	return filp_open(path, mode, 0);
}

static bool membugs_slab_flag(const char *attr)
{
	struct file *f = membugs_slab_file(attr, O_RDONLY);
	char buf[4] = "";
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return false;
	n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
	filp_close(f, NULL);
	return n > 0 && buf[0] == '1';
}

/*
 * SLUB catches the three bugs if the kmalloc cache of membugs' object has
 * consistency checks (F: a free is checked, a double free refused; without
 * them a double free corrupts the free list), red zones (Z) and poison (P).
 */
static bool membugs_slub_debugged(void)
{
	if (!IS_ENABLED(CONFIG_SLUB_DEBUG))
		return false;
	return membugs_slab_flag("sanity_checks") && membugs_slab_flag("red_zone") &&
	       membugs_slab_flag("poison");
}

static char *membugs_nomem(void)
{
	pr_err("bug=%s not made: cannot allocate %d bytes\n", bug, MEMBUGS_SIZE);
	return ERR_PTR(-ENOMEM);
}

/*
 * An object from the ordinary slab, which KASAN and SLUB debugging watch:
 * KFENCE, when it samples, takes one allocation now and then into its own
 * pool and reports bugs on it itself. KFENCE samples at most one
 * allocation per interval (100 ms by default), so the second try is never
 * sampled.
 */
static char *membugs_alloc_slab(void)
{
	char *p = kmalloc(MEMBUGS_SIZE, GFP_KERNEL);

	if (p && is_kfence_address(p)) {
		char *q = kmalloc(MEMBUGS_SIZE, GFP_KERNEL);

		kfree(p);
		p = q;
	}
	return p ?: membugs_nomem();
}

/*
 * An object that KFENCE guards: allocate, with a short sleep between
 * tries, until KFENCE has taken one; free the others at once.
 */
static char *membugs_alloc_kfence(void)
{
	unsigned long ms = min(membugs_kfence_interval() * MEMBUGS_KFENCE_INTERVALS,
			       (unsigned long)MEMBUGS_KFENCE_MAX_MS);
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);
	unsigned int tries = 0;
	char *p;

	do {
		p = kmalloc(MEMBUGS_SIZE, GFP_KERNEL);
		if (!p)
			return membugs_nomem();
		tries++;
		if (is_kfence_address(p))
			return p;
		kfree(p);
		if (fatal_signal_pending(current)) {
			pr_err("bug=%s not made: interrupted while waiting for KFENCE\n", bug);
			return ERR_PTR(-EINTR);
		}
		usleep_range(100, 200);
	} while (time_before(jiffies, deadline));
	pr_err("bug=%s not made: KFENCE took none of %u allocations in %lu ms (kfence.sample_interval=%lu): try again\n",
	       bug, tries, ms, membugs_kfence_interval());
	return ERR_PTR(-EAGAIN);
}

static char *membugs_alloc(void)
{
	if (membugs_tool == MEMBUGS_KFENCE)
		return membugs_alloc_kfence();
	return membugs_alloc_slab();
}

/*
 * The bugs are noinline functions outside __init, so that their names show
 * in the reports' stack traces, kmemleak's too, which are printed after
 * the module's init code has been freed.
 */
static noinline int membugs_oob(void)
{
	char *p = membugs_alloc();
	size_t at = MEMBUGS_SIZE;

	if (IS_ERR(p))
		return PTR_ERR(p);
	/*
	 * SLUB's red zone begins after the whole slot that kmalloc rounded
	 * the object up to, ksize() bytes: the byte right after it is the
	 * first of the red zone, which kfree() checks.
	 */
	if (membugs_tool == MEMBUGS_SLUB)
		at = ksize(p);
	/*
	 * Hide from the compiler where p comes from, or it might see the
	 * overflow below and warn, or drop the store.
	 */
	OPTIMIZER_HIDE_VAR(p);
	p[at] = 'x';		/* the bug: one byte past the end */
	kfree(p);
	return 0;
}

/*
 * SLUB poisons a freed object and checks the poison when it hands the
 * object out again, or when asked to: writing 1 to the cache's validate
 * file checks every object of the cache at once. The file is opened before
 * the object is freed: opening it allocates (kernfs), from kmalloc-128
 * too, and would take the freed object back first (seen on 6.1-arm64,
 * whose smallest kmalloc cache that is).
 */
static noinline int membugs_uaf(void)
{
	struct file *validate = NULL;
	char *p = membugs_alloc();
	loff_t pos = 0;

	if (IS_ERR(p))
		return PTR_ERR(p);
	if (membugs_tool == MEMBUGS_SLUB)
		validate = membugs_slab_file("validate", O_WRONLY);
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	if (membugs_tool == MEMBUGS_SLUB) {
		/*
		 * The bug: a write to freed memory. SLUB does not see reads;
		 * it finds its poison overwritten when it checks the object.
		 */
		WRITE_ONCE(p[0], 'x');
		if (!IS_ERR(validate)) {
			kernel_write(validate, "1", 1, &pos);
			filp_close(validate, NULL);
		}
		return 0;
	}
	/*
	 * The bug: a read of freed memory. KASAN keeps freed objects out of
	 * use for a while (its quarantine), KFENCE keeps the freed object's
	 * page inaccessible, to catch it; READ_ONCE() makes sure the compiler
	 * emits the read although its value is not used.
	 */
	(void)READ_ONCE(p[0]);
	return 0;
}

static noinline int membugs_double_free(void)
{
	char *p = membugs_alloc();

	if (IS_ERR(p))
		return PTR_ERR(p);
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	/*
	 * The bug: the object is freed again. The tool sees that it is
	 * already free and keeps the allocator from putting it on its free
	 * list a second time, which would hand it out to two users later.
	 */
	kfree(p);
	return 0;
}

static noinline int membugs_leak(void)
{
	char *p = membugs_alloc();

	if (IS_ERR(p))
		return PTR_ERR(p);
	/* Something for kmemleak's hex dump of the object to show. */
	strscpy(p, "membugs leak", MEMBUGS_SIZE);
	/*
	 * The bug: return without kfree() and without keeping p anywhere.
	 * Nothing can free the object any more, not even rmmod.
	 */
	return 0;
}

static const struct {
	const char *name;
	int (*make)(void);
	const char *what;
	const char *what_slub;	/* where SLUB debugging reports it */
} membugs[] = {
	{ "oob", membugs_oob, "wrote one byte past a 13-byte kmalloc object",
	  "wrote one byte past the slot of a 13-byte kmalloc object, into its red zone" },
	{ "uaf", membugs_uaf, "read a kmalloc object after freeing it",
	  "wrote into a freed kmalloc object and had SLUB check its cache" },
	{ "double_free", membugs_double_free, "freed a kmalloc object twice", NULL },
	{ "leak", membugs_leak, "lost the only pointer to a 13-byte kmalloc object", NULL },
};

/*
 * membugs_choose() - the tool that will report bug @i on this kernel
 *
 * Return: 0 with membugs_tool set, or -EOPNOTSUPP after one line saying
 * what would make the bug reportable.
 */
static int membugs_choose(unsigned int i)
{
	if (membugs[i].make == membugs_leak) {
		if (IS_ENABLED(CONFIG_DEBUG_KMEMLEAK)) {
			membugs_tool = MEMBUGS_KMEMLEAK;
			return 0;
		}
		pr_err("bug=leak not made: only kmemleak (CONFIG_DEBUG_KMEMLEAK) reports a leak, and this kernel does not have it: no boot option adds it\n");
		return -EOPNOTSUPP;
	}
	if (kasan_enabled()) {
		membugs_tool = MEMBUGS_KASAN;
		return 0;
	}
	if (IS_ENABLED(CONFIG_KFENCE) && membugs_kfence_interval()) {
		membugs_tool = MEMBUGS_KFENCE;
		return 0;
	}
	if (membugs_slub_debugged()) {
		if (membugs[i].make == membugs_double_free && !ML_SLUB_CATCHES_DOUBLE_FREE) {
			pr_err("bug=double_free not made: this kernel's SLUB debugging sees a double free only after kfree() has cut the slab's free list, and no boot option changes that (KASAN would report it)\n");
			return -EOPNOTSUPP;
		}
		membugs_tool = MEMBUGS_SLUB;
		return 0;
	}
	if (IS_ENABLED(CONFIG_KFENCE) && IS_ENABLED(CONFIG_SLUB_DEBUG))
		pr_err("bug=%s not made: nothing in this kernel would report it: boot it with kfence.sample_interval=100 (KFENCE) or slub_debug=FZPU (SLUB debugging)\n",
		       bug);
	else if (IS_ENABLED(CONFIG_SLUB_DEBUG))
		pr_err("bug=%s not made: nothing in this kernel would report it: boot it with slub_debug=FZPU (SLUB debugging)\n",
		       bug);
	else if (IS_ENABLED(CONFIG_KFENCE))
		pr_err("bug=%s not made: nothing in this kernel would report it: boot it with kfence.sample_interval=100 (KFENCE)\n",
		       bug);
	else
		pr_err("bug=%s not made: this kernel has neither KASAN, KFENCE nor SLUB debugging to report it\n",
		       bug);
	return -EOPNOTSUPP;
}

static int __init membugs_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(membugs); i++)
		if (bug && !strcmp(bug, membugs[i].name))
			break;
	if (i == ARRAY_SIZE(membugs)) {
		pr_err("invalid parameter bug=%s: must be oob, uaf, double_free or leak\n",
		       bug ?: "(missing)");
		return -EINVAL;
	}

	snprintf(membugs_cache, sizeof(membugs_cache), "kmalloc-%zu",
		 kmalloc_size_roundup(MEMBUGS_SIZE));
	/* A bug that no tool reports would only do harm: refuse it. */
	ret = membugs_choose(i);
	if (ret)
		return ret;

	/* On failure, the allocation has said why. */
	ret = membugs[i].make();
	if (ret)
		return ret;
	/*
	 * KASAN and kmemleak say so themselves; a line of membugs' naming
	 * them would look like one of their reports.
	 */
	if (membugs_tool == MEMBUGS_SLUB)
		pr_info("bug=%s made: %s (%s, which SLUB debugs)\n", bug,
			membugs[i].what_slub ?: membugs[i].what, membugs_cache);
	else if (membugs_tool == MEMBUGS_KFENCE)
		pr_info("bug=%s made: %s (one that KFENCE guards)\n", bug, membugs[i].what);
	else
		pr_info("bug=%s made: %s\n", bug, membugs[i].what);
	return 0;
}

static void __exit membugs_exit(void)
{
	pr_info("unloaded\n");
}

module_init(membugs_init);
module_exit(membugs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab example: one classic memory bug at load, for KASAN, KFENCE, SLUB debugging or kmemleak to report");

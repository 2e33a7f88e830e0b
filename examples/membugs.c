// SPDX-License-Identifier: GPL-2.0
/*
 * membugs: make one classic memory bug on purpose, for the kernel's memory
 * error detectors to report.
 *
 *	insmod membugs.ko bug=oob		write one byte past a kmalloc'd object
 *	insmod membugs.ko bug=uaf		read an object after kfree()
 *	insmod membugs.ko bug=double_free	kfree() the same object twice
 *	insmod membugs.ko bug=leak		lose the only pointer to an object
 *
 * KASAN (CONFIG_KASAN) reports the first three at once in the kernel log,
 * "BUG: KASAN: slab-out-of-bounds in membugs_oob+0x...". It reports only the
 * first bug of a boot unless the kernel was booted with kasan_multi_shot.
 * kmemleak (CONFIG_DEBUG_KMEMLEAK) finds the leak when it scans memory for
 * pointers and none points to the object any more:
 *
 *	echo scan > /sys/kernel/debug/kmemleak	(twice, 5 s or more apart)
 *	cat /sys/kernel/debug/kmemleak
 *
 * Debian's kernels have neither detector: there membugs refuses to load,
 * since a bug that nothing reports teaches nothing. Each bug stays within
 * its own object: the stray byte falls in the slack that kmalloc rounds
 * the object up to, the stray read only reads, and KASAN keeps the
 * allocator from acting on the second kfree(). So the module loads as
 * usual after its bug, and unloads: rmmod membugs.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kasan.h>
#include <linux/kfence.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *bug;
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "the bug to make at load: oob, uaf, double_free or leak");

/*
 * KASAN keeps one shadow byte for every 8 bytes of memory, saying how many
 * of them may be used. 13 is not a multiple of 8, so the byte right after
 * the object, p[13], lies in a partly usable 8-byte granule: KASAN still
 * catches it, although it is inside the 16 bytes that kmalloc rounds up to.
 */
#define MEMBUGS_SIZE 13

/*
 * KFENCE, when the kernel has it, takes one allocation now and then into
 * its own pool of guarded pages and reports bugs on it itself; KASAN does
 * not watch those objects. Take the object from the ordinary slab instead,
 * so that the report is always KASAN's. KFENCE samples at most one
 * allocation per interval (100 ms by default), so the second try is never
 * sampled.
 */
static char *membugs_alloc(void)
{
	char *p = kmalloc(MEMBUGS_SIZE, GFP_KERNEL);

	if (p && is_kfence_address(p)) {
		char *q = kmalloc(MEMBUGS_SIZE, GFP_KERNEL);

		kfree(p);
		p = q;
	}
	return p;
}

/*
 * The bugs are noinline functions outside __init, so that their names show
 * in the reports' stack traces, kmemleak's too, which are printed after
 * the module's init code has been freed.
 */
static noinline int membugs_oob(void)
{
	char *p = membugs_alloc();

	if (!p)
		return -ENOMEM;
	/*
	 * Hide from the compiler where p comes from, or it might see the
	 * overflow below and warn, or drop the store.
	 */
	OPTIMIZER_HIDE_VAR(p);
	p[MEMBUGS_SIZE] = 'x';		/* the bug: one byte past the end */
	kfree(p);
	return 0;
}

static noinline int membugs_uaf(void)
{
	char *p = membugs_alloc();

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	/*
	 * The bug: a read of freed memory. KASAN keeps freed objects out of
	 * use for a while (its quarantine) to catch it; READ_ONCE() makes sure
	 * the compiler emits the read although its value is not used.
	 */
	(void)READ_ONCE(p[0]);
	return 0;
}

static noinline int membugs_double_free(void)
{
	char *p = membugs_alloc();

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	/*
	 * The bug: the object is freed again. KASAN sees that it is already
	 * free and keeps the allocator from putting it on its free list a
	 * second time, which would hand it out to two users later.
	 */
	kfree(p);
	return 0;
}

static noinline int membugs_leak(void)
{
	char *p = membugs_alloc();

	if (!p)
		return -ENOMEM;
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
	bool needs_kasan;	/* else it needs kmemleak */
	const char *what;
} membugs[] = {
	{ "oob", membugs_oob, true, "wrote one byte past a 13-byte kmalloc object" },
	{ "uaf", membugs_uaf, true, "read a kmalloc object after freeing it" },
	{ "double_free", membugs_double_free, true, "freed a kmalloc object twice" },
	{ "leak", membugs_leak, false, "lost the only pointer to a 13-byte kmalloc object" },
};

static int __init membugs_init(void)
{
	bool kasan = kasan_enabled();
	bool kmemleak = IS_ENABLED(CONFIG_DEBUG_KMEMLEAK);
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

	/* A bug that no detector reports would only do harm: refuse it. */
	if (!kasan && !kmemleak) {
		pr_err("bug=%s not made: this kernel has neither KASAN (CONFIG_KASAN) nor kmemleak (CONFIG_DEBUG_KMEMLEAK) to report it\n",
		       bug);
		return -EOPNOTSUPP;
	}
	if (membugs[i].needs_kasan && !kasan) {
		pr_err("bug=%s not made: it needs KASAN (CONFIG_KASAN), which this kernel does not have\n",
		       bug);
		return -EOPNOTSUPP;
	}
	if (!membugs[i].needs_kasan && !kmemleak) {
		pr_err("bug=%s not made: it needs kmemleak (CONFIG_DEBUG_KMEMLEAK), which this kernel does not have\n",
		       bug);
		return -EOPNOTSUPP;
	}

	ret = membugs[i].make();
	if (ret) {
		pr_err("bug=%s not made: cannot allocate %d bytes\n", bug,
		       MEMBUGS_SIZE);
		return ret;
	}
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
MODULE_DESCRIPTION("memlab example: one classic memory bug at load, for KASAN or kmemleak to report");

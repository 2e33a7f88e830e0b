// SPDX-License-Identifier: GPL-2.0
/*
 * ex06_start: exercise 06, the starting module. It is memalloc.c with one
 * line deleted: the kfree(). The int it allocates is never given back,
 * and once the init function returns no pointer to it is left anywhere:
 * a leak. Nothing fails and nothing is printed; only a tool that looks for
 * unreferenced memory, kmemleak (CONFIG_DEBUG_KMEMLEAK), can find it:
 *
 *	echo scan > /sys/kernel/debug/kmemleak	(twice, 5 s or more apart)
 *	cat /sys/kernel/debug/kmemleak
 *
 * The task (README.md): predict what kmemleak reports (the object's size,
 * its bytes, the function that allocated it), then put the kfree() back
 * (ex06_solution.c) and see the report stay empty.
 *
 * On a kernel without kmemleak nothing would ever report the leak, so this
 * module refuses to load there (EOPNOTSUPP) rather than leak in silence.
 */

/* Every pr_info() line below starts with "ex06_start: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/kconfig.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>

/*
 * No __init, unlike memalloc_init(): kmemleak prints the backtrace of the
 * allocation when you read its report, and by then the kernel has freed a
 * module's __init code and forgotten its names.
 */
static int ex06_start_init(void)
{
	int *value;

	if (!IS_ENABLED(CONFIG_DEBUG_KMEMLEAK)) {
		pr_info("no leak made: this kernel has no leak detector (CONFIG_DEBUG_KMEMLEAK) to report it\n");
		return -EOPNOTSUPP;
	}

	value = kmalloc(sizeof(*value), GFP_KERNEL);
	if (!value)
		return -ENOMEM;

	*value = 42;
	pr_info("allocated an int at %p, it holds %d\n", value, *value);

	/* memalloc.c has kfree(value) here: deleted, the int leaks. */
	return 0;
}

static void __exit ex06_start_exit(void)
{
	pr_info("goodbye\n");
}

module_init(ex06_start_init);
module_exit(ex06_start_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 06 (start): an int that is never freed, for kmemleak");

// SPDX-License-Identifier: GPL-2.0
/*
 * ex07_start: exercise 07, the starting module. It publishes a newly
 * allocated int through a pointer that a spinlock protects, and it makes
 * the allocation with the lock held, with GFP_KERNEL. That is a bug:
 * holding a spinlock, the CPU must not sleep, and GFP_KERNEL allows the
 * allocator to sleep (to reclaim memory) when memory is short. It rarely
 * does for 4 bytes, so the bug can sit unnoticed for years; a kernel built
 * with CONFIG_DEBUG_ATOMIC_SLEEP checks every allocation that may sleep
 * and reports this one at once, with a stack trace:
 *
 *	BUG: sleeping function called from invalid context at ...
 *
 * The task (README.md): predict the report, then fix the module
 * (ex07_solution.c) and see it gone.
 *
 * On a kernel without CONFIG_DEBUG_ATOMIC_SLEEP nothing would report the
 * bug, so this module refuses to load there (EOPNOTSUPP) rather than make
 * it in silence.
 */

/* Every pr_info() line below starts with "ex07_start: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kconfig.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

/* The shared pointer, and the lock that protects it. */
static DEFINE_SPINLOCK(ex07_lock);
static int *ex07_value;

static int __init ex07_start_init(void)
{
	int *value;

	if (!IS_ENABLED(CONFIG_DEBUG_ATOMIC_SLEEP)) {
		pr_info("no bug made: this kernel has no CONFIG_DEBUG_ATOMIC_SLEEP to report it\n");
		return -EOPNOTSUPP;
	}

	spin_lock(&ex07_lock);
	/* The bug: an allocation that may sleep, under a spinlock. */
	value = kmalloc(sizeof(*value), GFP_KERNEL);
	if (value) {
		*value = 42;
		ex07_value = value;
	}
	spin_unlock(&ex07_lock);

	if (!value)
		return -ENOMEM;
	pr_info("published an int that holds %d\n", *value);
	return 0;
}

static void __exit ex07_start_exit(void)
{
	int *value;

	/* Take the pointer under the lock; kfree() outside it. */
	spin_lock(&ex07_lock);
	value = ex07_value;
	ex07_value = NULL;
	spin_unlock(&ex07_lock);
	kfree(value);
	pr_info("goodbye\n");
}

module_init(ex07_start_init);
module_exit(ex07_start_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 07 (start): a GFP_KERNEL allocation under a spinlock");

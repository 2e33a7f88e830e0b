// SPDX-License-Identifier: GPL-2.0
/*
 * ex07_solution: exercise 07, solved. The allocation moves out of the
 * locked section: allocate first, with GFP_KERNEL, where sleeping is
 * allowed; then take the lock only to publish the pointer. Nothing under
 * the lock can sleep, and CONFIG_DEBUG_ATOMIC_SLEEP has nothing to report.
 *
 * The other fix keeps the allocation under the lock and makes it with
 * GFP_ATOMIC, which never sleeps: it may dip into the memory reserves and
 * fails sooner when memory is short, so allocating before the lock is the
 * better choice wherever the code allows it.
 */

/* Every pr_info() line below starts with "ex07_solution: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

/* The shared pointer, and the lock that protects it. */
static DEFINE_SPINLOCK(ex07_lock);
static int *ex07_value;

static int __init ex07_solution_init(void)
{
	int *value;

	/* The fix: allocate before taking the lock, where we may sleep. */
	value = kmalloc(sizeof(*value), GFP_KERNEL);
	if (!value)
		return -ENOMEM;
	*value = 42;

	spin_lock(&ex07_lock);
	ex07_value = value;
	spin_unlock(&ex07_lock);

	pr_info("published an int that holds %d\n", *value);
	return 0;
}

static void __exit ex07_solution_exit(void)
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

module_init(ex07_solution_init);
module_exit(ex07_solution_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 07 (solution): allocate before taking the spinlock");

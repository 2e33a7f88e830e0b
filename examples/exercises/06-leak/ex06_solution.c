// SPDX-License-Identifier: GPL-2.0
/*
 * ex06_solution: exercise 06, solved. ex06_start.c with its kfree() back:
 * the int is given back before the init function returns, so kmemleak has
 * nothing to report. It loads on every kernel, with kmemleak or not.
 */

/* Every pr_info() line below starts with "ex06_solution: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>

/* No __init, as in ex06_start.c, so that the two differ by the fix only. */
static int ex06_solution_init(void)
{
	int *value;

	value = kmalloc(sizeof(*value), GFP_KERNEL);
	if (!value)
		return -ENOMEM;

	*value = 42;
	pr_info("allocated an int at %p, it holds %d\n", value, *value);

	/* The fix: free what we took, exactly once. */
	kfree(value);
	return 0;
}

static void __exit ex06_solution_exit(void)
{
	pr_info("goodbye\n");
}

module_init(ex06_solution_init);
module_exit(ex06_solution_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 06 (solution): the int freed, kmemleak quiet");

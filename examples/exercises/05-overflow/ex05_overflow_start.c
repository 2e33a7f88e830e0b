// SPDX-License-Identifier: GPL-2.0
/*
 * ex05_overflow_start: exercise 05 (overflow), the starting module. It sizes
 * a table of nr_items items with a plain multiplication, the way a driver
 * might size a buffer from a count that a user gave it. nr_items is
 * chosen so that the product does not fit in a size_t: it wraps around to
 * a small number, kmalloc() gladly returns that little, and code that
 * then wrote nr_items items would run far past the end of the object.
 * (This module only prints what it got: it writes nothing.)
 *
 * The task (README.md): predict the size that kmalloc() is asked for, then
 * size the allocation with kmalloc_array() and struct_size() instead
 * (ex05_overflow_solution.c), and predict what they return.
 */

/* Every pr_info() line below starts with "ex05_overflow_start: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/limits.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/types.h>

/* One item of the table: 16 bytes. */
struct ex05_item {
	u64 key;
	u64 value;
};

/*
 * The smallest count whose size overflows: SIZE_MAX / 16 + 2 items of 16
 * bytes are SIZE_MAX + 1 + 16 bytes, which wraps around to 16. A module
 * parameter, so that the compiler cannot work the product out in advance
 * (and so that you can try other counts: insmod ... nr_items=N).
 */
static unsigned long nr_items = SIZE_MAX / sizeof(struct ex05_item) + 2;
module_param(nr_items, ulong, 0444);
MODULE_PARM_DESC(nr_items, "how many 16-byte items to make room for");

/*
 * No __init, so that the kmem:kmalloc tracepoint can still name this
 * function when you read the trace after the load.
 */
static int ex05_overflow_start_init(void)
{
	struct ex05_item *items;
	size_t bytes;

	/* The bug: nothing checks that the product fits in a size_t. */
	bytes = nr_items * sizeof(*items);
	items = kmalloc(bytes, GFP_KERNEL);
	pr_info("%lu items of %zu bytes: plain multiplication gives %zu bytes, kmalloc %s\n",
		nr_items, sizeof(*items), bytes,
		items ? "returned an object" : "returned NULL");

	/* We never use it: give it back. */
	kfree(items);
	return 0;
}

static void __exit ex05_overflow_start_exit(void)
{
	pr_info("goodbye\n");
}

module_init(ex05_overflow_start_init);
module_exit(ex05_overflow_start_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 05 (start): an array size that overflows, by plain multiplication");

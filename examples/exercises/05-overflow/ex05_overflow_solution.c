// SPDX-License-Identifier: GPL-2.0
/*
 * ex05_overflow_solution: exercise 05 (overflow), solved. The same count as
 * ex05_overflow_start.c, sized the two ways the kernel offers for it:
 *
 *   kmalloc_array(n, size, gfp)	checks n * size for overflow and returns
 *					NULL without allocating if it overflows;
 *   struct_size(p, member, n)	the size of a structure that ends in a
 *					flexible array of n members; on overflow
 *					it gives SIZE_MAX, which no allocator can
 *					satisfy, so kmalloc() returns NULL.
 *
 * Both refuse where the plain multiplication wrapped around to 16 bytes.
 */

/* Every pr_info() line below starts with "ex05_overflow_solution: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/limits.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/types.h>

/* One item of the table: 16 bytes. */
struct ex05_item {
	u64 key;
	u64 value;
};

/* A table that knows its length: a header, then the items. */
struct ex05_table {
	size_t nr;
	struct ex05_item items[];
};

/* The same count as in ex05_overflow_start.c: its size overflows. */
static unsigned long nr_items = SIZE_MAX / sizeof(struct ex05_item) + 2;
module_param(nr_items, ulong, 0444);
MODULE_PARM_DESC(nr_items, "how many 16-byte items to make room for");

/*
 * No __init, so that the kmem:kmalloc tracepoint can still name this
 * function when you read the trace after the load.
 */
static int ex05_overflow_solution_init(void)
{
	struct ex05_item *items;
	struct ex05_table *table;
	size_t bytes;

	/* The multiplication is checked inside: NULL, and nothing allocated. */
	items = kmalloc_array(nr_items, sizeof(*items), GFP_KERNEL);
	pr_info("kmalloc_array(%lu, %zu) %s\n", nr_items, sizeof(*items),
		items ? "returned an object" : "returned NULL");
	kfree(items);

	/*
	 * struct_size() saturates: on overflow it is SIZE_MAX, far above
	 * what kmalloc() can give (KMALLOC_MAX_SIZE), so kmalloc() fails.
	 * __GFP_NOWARN: such a size is refused by the page allocator, which
	 * otherwise prints a WARNING (once per boot) for an order that big.
	 */
	bytes = struct_size(table, items, nr_items);
	table = kmalloc(bytes, GFP_KERNEL | __GFP_NOWARN);
	pr_info("struct_size(table, items, %lu) is %zu%s, kmalloc %s\n",
		nr_items, bytes, bytes == SIZE_MAX ? " (SIZE_MAX)" : "",
		table ? "returned an object" : "returned NULL");
	if (table) {
		table->nr = nr_items;
		kfree(table);
	}
	return 0;
}

static void __exit ex05_overflow_solution_exit(void)
{
	pr_info("goodbye\n");
}

module_init(ex05_overflow_solution_init);
module_exit(ex05_overflow_solution_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 05 (solution): kmalloc_array() and struct_size() refuse an overflowing size");

// SPDX-License-Identifier: GPL-2.0
/*
 * ex05_kvmalloc_start: exercise 05 (kvmalloc), the starting module. It asks
 * kmalloc() for 8 MiB in one piece and says whether it got them.
 *
 * kmalloc() hands out physically contiguous memory: small sizes from its
 * slab caches, bigger ones straight from the page allocator as one block
 * of 2^order pages. The biggest block is KMALLOC_MAX_SIZE, the largest
 * order the page allocator has: 4 MiB with 4 KiB pages (order 10).
 *
 * The task (README.md): predict whether kmalloc() gives 8 MiB on your
 * kernel; then ask kvmalloc() (ex05_kvmalloc_solution.c), and predict
 * where its 8 MiB come from and how /proc/vmallocinfo shows them.
 */

/* Every pr_info() line below starts with "ex05_kvmalloc_start: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sizes.h>

static int __init ex05_kvmalloc_start_init(void)
{
	void *buf;

	/*
	 * __GFP_NOWARN: a request above KMALLOC_MAX_SIZE reaches the page
	 * allocator as an order it does not have; without the flag it
	 * prints a WARNING with a stack trace (once per boot) before it
	 * returns NULL.
	 */
	buf = kmalloc(SZ_8M, GFP_KERNEL | __GFP_NOWARN);
	pr_info("kmalloc(8 MiB) %s (KMALLOC_MAX_SIZE is %lu bytes)\n",
		buf ? "returned an object" : "returned NULL",
		(unsigned long)KMALLOC_MAX_SIZE);

	/* kfree(NULL) does nothing, so this is right either way. */
	kfree(buf);
	return 0;
}

static void __exit ex05_kvmalloc_start_exit(void)
{
	pr_info("goodbye\n");
}

module_init(ex05_kvmalloc_start_init);
module_exit(ex05_kvmalloc_start_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 05 (start): kmalloc 8 MiB");

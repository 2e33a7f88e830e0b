// SPDX-License-Identifier: GPL-2.0
/*
 * ex00_solution: exercise 00, solved. ex00_start.c with EX00_SIZE changed
 * from 4 to 9: kmalloc() has no 9-byte cache, so it serves the request from
 * the smallest of its caches that is at least that big: kmalloc-16 on
 * x86-64, where the 7 bytes beyond the 9 are slack. (A kernel whose
 * smallest kmalloc alignment, KMALLOC_MIN_SIZE, is bigger than 16 has no
 * kmalloc-16 and uses its smallest cache instead: README.md.)
 */

/* Every pr_info() line below starts with "ex00_solution: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

/* The number of bytes to ask kmalloc() for: the line that changed. */
#define EX00_SIZE 9

/*
 * No __init here, unlike memalloc_init(): the kmem:kmalloc tracepoint
 * names the function that called kmalloc() when you read the trace, and
 * by then the kernel has freed a module's __init code and forgotten its
 * names, so the caller would show as a bare address.
 */
static int ex00_solution_init(void)
{
	char *buf;

	buf = kmalloc(EX00_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	/* Use exactly the bytes we asked for, no more. */
	memset(buf, 'x', EX00_SIZE);
	pr_info("asked kmalloc for %d bytes, got them at %p\n", EX00_SIZE, buf);

	/* Whatever the cache rounded the size up to, kfree() gives it all back. */
	kfree(buf);
	return 0;
}

static void __exit ex00_solution_exit(void)
{
	pr_info("goodbye\n");
}

module_init(ex00_solution_init);
module_exit(ex00_solution_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 00 (solution): kmalloc 9 bytes, see which cache serves them");

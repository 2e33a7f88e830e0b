// SPDX-License-Identifier: GPL-2.0
/*
 * ex00_start: exercise 00, the starting module. It is memalloc.c with the
 * size of its allocation in one place, EX00_SIZE: it asks kmalloc() for
 * 4 bytes, uses them and gives them back.
 *
 * The task (README.md): change EX00_SIZE to 9, and predict from which
 * kmalloc cache the 9 bytes come before you load the module.
 */

/* Every pr_info() line below starts with "ex00_start: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

/* The number of bytes to ask kmalloc() for: the line to change. */
#define EX00_SIZE 4

/*
 * No __init here, unlike memalloc_init(): the kmem:kmalloc tracepoint
 * names the function that called kmalloc() when you read the trace, and
 * by then the kernel has freed a module's __init code and forgotten its
 * names, so the caller would show as a bare address.
 */
static int ex00_start_init(void)
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

static void __exit ex00_start_exit(void)
{
	pr_info("goodbye\n");
}

module_init(ex00_start_init);
module_exit(ex00_start_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 00 (start): kmalloc 4 bytes, see which cache serves them");

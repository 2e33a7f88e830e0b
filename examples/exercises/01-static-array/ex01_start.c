// SPDX-License-Identifier: GPL-2.0
/*
 * ex01_start: exercise 01, the starting module. It keeps a small table of
 * counters in a static array, so the array is part of the module itself:
 * the kernel reserves room for it when it loads the module, beside the
 * module's code, and /sys/module/ex01_start/coresize counts it.
 *
 * The task (README.md): make the array 64 KiB, and predict which section
 * of the module it lands in and how much coresize grows.
 */

/* Every pr_info() line below starts with "ex01_start: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sizes.h>

/* The size of the array, in bytes: the line to change (to SZ_64K). */
#define EX01_BYTES 64

/*
 * A static array that starts out all zero: the compiler puts it in .bss,
 * which takes no room in the .ko file; the kernel allocates and zeroes it
 * at load.
 */
static unsigned char ex01_table[EX01_BYTES];

static int __init ex01_start_init(void)
{
	size_t i;

	/* Fill every byte: the table is the module's, from load to unload. */
	for (i = 0; i < sizeof(ex01_table); i++)
		ex01_table[i] = i & 0xff;
	pr_info("filled a static array of %zu bytes\n", sizeof(ex01_table));
	return 0;
}

/*
 * Read it back at unload (which also keeps the compiler from dropping an
 * array that nobody would read). Nothing to free: the array goes away
 * with the module.
 */
static void __exit ex01_start_exit(void)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < sizeof(ex01_table); i++)
		sum += ex01_table[i];
	pr_info("goodbye, the array's bytes sum to %u\n", sum);
}

module_init(ex01_start_init);
module_exit(ex01_start_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 01 (start): a static array of 64 bytes");

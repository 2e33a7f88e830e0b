// SPDX-License-Identifier: GPL-2.0
/*
 * ex01_solution: exercise 01, solved. ex01_start.c with its static array
 * made 64 KiB. The array is zero at start, so it is in the module's .bss
 * section (/sys/module/ex01_solution/sections/.bss), which the .ko file
 * does not store; the kernel allocates it at load, and the module's
 * coresize is about 64 KiB more than ex01_start's, in whole pages.
 */

/* Every pr_info() line below starts with "ex01_solution: ". */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/sizes.h>

/* The size of the array, in bytes: the line that changed (it was 64). */
#define EX01_BYTES SZ_64K

/*
 * A static array that starts out all zero: the compiler puts it in .bss,
 * which takes no room in the .ko file; the kernel allocates and zeroes it
 * at load.
 */
static unsigned char ex01_table[EX01_BYTES];

static int __init ex01_solution_init(void)
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
static void __exit ex01_solution_exit(void)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < sizeof(ex01_table); i++)
		sum += ex01_table[i];
	pr_info("goodbye, the array's bytes sum to %u\n", sum);
}

module_init(ex01_solution_init);
module_exit(ex01_solution_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memlab exercise 01 (solution): a static array of 64 KiB");

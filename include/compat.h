/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference memlab meets, in one place (after
 * WireGuard's compat/). Supported: Debian's 6.1 and 6.12.
 */
#ifndef MEMLAB_COMPAT_H
#define MEMLAB_COMPAT_H

#include <linux/version.h>
#include <linux/mmzone.h>
#include <linux/slab.h>

/*
 * The largest page order the buddy allocator hands out. 6.1's MAX_ORDER is
 * exclusive (orders 0..MAX_ORDER-1); 6.8 renamed the inclusive bound to
 * MAX_PAGE_ORDER.
 */
#ifdef MAX_PAGE_ORDER
#define ML_MAX_PAGE_ORDER	MAX_PAGE_ORDER
#else
#define ML_MAX_PAGE_ORDER	(MAX_ORDER - 1)
#endif

/*
 * A slab cache of memlab's own must not be merged with a look-alike, or it
 * would not show under its name in /proc/slabinfo. SLAB_NO_MERGE exists from
 * 6.5. Before it, a usercopy region keeps a cache unmergeable (slab_common.c
 * neither aliases nor merges into a cache with one); memlab whitelists the
 * whole object, which it never copies to user space anyway. A constructor
 * would keep it unmergeable too, but SLUB then puts its free pointer after
 * the object, and a 4 MiB object would no longer fit in the largest slab.
 */
#ifdef SLAB_NO_MERGE
#define ML_SLAB_NO_MERGE		SLAB_NO_MERGE
#define ML_SLAB_NO_MERGE_USERSIZE(size)	0
#else
#define ML_SLAB_NO_MERGE		0
#define ML_SLAB_NO_MERGE_USERSIZE(size)	(size)
#endif

/*
 * The latency histogram's clock (latency.c): the CPU's cycle counter where
 * it ticks at a rate that the kernel knows and keeps, in kHz; 0 where not,
 * and memlab falls back to sched_clock(). On x86, the TSC at tsc_khz
 * (exported for modules), the rate sched_clock() itself scales it by. That
 * rate holds with constant_tsc (it does not follow the core's frequency);
 * without it, x86's tsc.c rescales sched_clock() and tsc_khz on every
 * cpufreq transition, so the TSC is taken only while no cpufreq driver is
 * registered (a virtual machine whose CPU model does not say constant_tsc,
 * such as QEMU's TCG). Whether the kernel trusts the TSC as a clocksource
 * does not matter: sched_clock() reads it either way, and each latency is
 * a difference of two reads.
 */
#ifdef CONFIG_X86_TSC
#include <linux/cpufreq.h>
#include <asm/cpufeature.h>
#include <asm/tsc.h>

static inline u32 ml_cycles_khz(void)
{
	if (!boot_cpu_has(X86_FEATURE_TSC))
		return 0;
	if (!boot_cpu_has(X86_FEATURE_CONSTANT_TSC) &&
	    IS_ENABLED(CONFIG_CPU_FREQ) && cpufreq_get_current_driver())
		return 0;
	return tsc_khz;
}
#else
static inline u32 ml_cycles_khz(void)
{
	return 0;
}
#endif

#endif /* MEMLAB_COMPAT_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * percpu: one copy of the object for every possible CPU, from the per-CPU
 * allocator's chunks; each CPU reaches its own copy at the same offset.
 */
#include <linux/percpu.h>
#include <linux/cpumask.h>
#include <linux/sizes.h>

#include "memlab.h"

static int ml_percpu_alloc(struct ml_obj *obj, gfp_t gfp)
{
	obj->pcpu = __alloc_percpu_gfp(obj->bytes_req, __alignof__(unsigned long long), gfp);
	if (!obj->pcpu)
		return -ENOMEM;
	obj->bytes_alloc = obj->bytes_req * num_possible_cpus();
	return 0;
}

static u64 ml_percpu_free(struct ml_obj *obj)
{
	free_percpu(obj->pcpu);
	return 0;
}

static u64 ml_percpu_bytes(u64 size, const struct ml_pool *pool)
{
	return size * num_possible_cpus();
}

/* The per-CPU allocator's largest unit is far above; 32 KiB keeps it sane. */
static u64 ml_percpu_limit(void)
{
	return SZ_32K;
}

const struct ml_strategy_ops ml_percpu_ops = {
	.name = "percpu",
	.limit = ml_percpu_limit,
	.accounted = true,	/* memcg-aware chunks: memory.stat's percpu line */
	.bytes = ml_percpu_bytes,
	.alloc = ml_percpu_alloc,
	.free = ml_percpu_free,
};

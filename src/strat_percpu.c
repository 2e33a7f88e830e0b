// SPDX-License-Identifier: GPL-2.0
/*
 * percpu: one copy of the object for every possible CPU, from the percpu
 * allocator's chunks; each CPU reaches its own copy at the same offset.
 */
#include <linux/percpu.h>
#include <linux/cpumask.h>

#include "memlab.h"

#define ML_PERCPU_ALIGN		__alignof__(unsigned long long)
#define ML_PERCPU_MAX		(32 * 1024)

static int ml_percpu_alloc(struct ml_obj *obj, gfp_t gfp)
{
	obj->ptr = (void __force *)__alloc_percpu_gfp(obj->bytes_req, ML_PERCPU_ALIGN, gfp);
	if (!obj->ptr)
		return -ENOMEM;
	obj->bytes_alloc = obj->bytes_req * num_possible_cpus();
	return 0;
}

static void ml_percpu_free(struct ml_obj *obj)
{
	free_percpu((void __percpu __force *)obj->ptr);
}

static u64 ml_percpu_bytes(u64 size, const struct ml_pool *pool)
{
	return size * num_possible_cpus();
}

static u64 ml_percpu_limit(void)
{
	return ML_PERCPU_MAX;
}

const struct ml_strategy_ops ml_percpu_ops = {
	.alloc = ml_percpu_alloc,
	.free = ml_percpu_free,
	.max_bytes = ml_percpu_bytes,
	.limit = ml_percpu_limit,
};

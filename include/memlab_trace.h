/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memlab's tracepoints, memlab:memlab_alloc and memlab:memlab_free: one per
 * allocation memlab makes and per free, beside the kernel's own kmem and
 * percpu events for the same memory. Fired by track.c.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM memlab

#if !defined(MEMLAB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MEMLAB_TRACE_H

#include <linux/tracepoint.h>

#include "memlab.h"

/*
 * The strategy is recorded as its number and printed as its token. Trace
 * tools (perf, trace-cmd: libtraceevent) evaluate the event's print fmt
 * themselves and cannot call a module function, so the tokens are spelled
 * out here, and TRACE_DEFINE_ENUM (below the events) puts the enum's
 * values, not its names, in the format file. t-trace-fmt checks them
 * against the stats' rows.
 */
DECLARE_EVENT_CLASS(memlab_obj,
		    TP_PROTO(const struct ml_obj *obj),
		    TP_ARGS(obj),
		    TP_STRUCT__entry(__field(u32, id)
				     __field(u8, strategy)
				     __field(u64, bytes_req)
				     __field(u64, bytes_alloc)),
		    TP_fast_assign(__entry->id = obj->id;
				   __entry->strategy = obj->strategy;
				   __entry->bytes_req = obj->bytes_req;
				   __entry->bytes_alloc = obj->bytes_alloc;),
		    TP_printk("id=%u strategy=%s bytes_req=%llu bytes_alloc=%llu",
			      __entry->id,
			      __print_symbolic(__entry->strategy,
					       { ML_KMALLOC, "kmalloc" },
					       { ML_KZALLOC, "kzalloc" },
					       { ML_VMALLOC, "vmalloc" },
					       { ML_KVMALLOC, "kvmalloc" },
					       { ML_KMEM_CACHE, "kmem_cache" },
					       { ML_ALLOC_PAGES, "alloc_pages" },
					       { ML_MEMPOOL, "mempool" },
					       { ML_PERCPU, "percpu" }),
			      __entry->bytes_req, __entry->bytes_alloc));

DEFINE_EVENT(memlab_obj, memlab_alloc,
	     TP_PROTO(const struct ml_obj *obj),
	     TP_ARGS(obj));

DEFINE_EVENT(memlab_obj, memlab_free,
	     TP_PROTO(const struct ml_obj *obj),
	     TP_ARGS(obj));

/* The values of print fmt's table, for the format file. */
TRACE_DEFINE_ENUM(ML_KMALLOC);
TRACE_DEFINE_ENUM(ML_KZALLOC);
TRACE_DEFINE_ENUM(ML_VMALLOC);
TRACE_DEFINE_ENUM(ML_KVMALLOC);
TRACE_DEFINE_ENUM(ML_KMEM_CACHE);
TRACE_DEFINE_ENUM(ML_ALLOC_PAGES);
TRACE_DEFINE_ENUM(ML_MEMPOOL);
TRACE_DEFINE_ENUM(ML_PERCPU);

#endif /* MEMLAB_TRACE_H */

/* This part must be outside the include guard. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE memlab_trace
#include <trace/define_trace.h>

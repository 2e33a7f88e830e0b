// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs "index": memlab's own index of its records, the xarray that
 * track.c keeps them in, shown as a learner reads a tree. An xarray is a
 * radix tree of nodes of XA_CHUNK_SIZE (64) slots: a node at shift s holds,
 * in slot i, what covers the ids with bits [s, s + 6) equal to i; the nodes
 * at shift 0 hold the records themselves. The file prints the tree's
 * height, its nodes and entries, then one row per level from the top:
 *
 *	height 2
 *	nodes 3
 *	entries 65
 *	# level shift nodes used
 *	1 6 1 2
 *	2 0 2 65
 *
 * "used" is the slots in use at that level: children, or at the bottom the
 * entries. The nodes come from the radix_tree_node slab cache, so their
 * count follows that cache's in /proc/slabinfo.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/xarray.h>

#include "memlab.h"

/* An unsigned long index has at most this many 6-bit levels. */
#define ML_INDEX_MAX_LEVELS	DIV_ROUND_UP(BITS_PER_LONG, XA_CHUNK_SHIFT)

struct ml_index_shape {
	unsigned int height;
	unsigned long nodes[ML_INDEX_MAX_LEVELS];
	unsigned long used[ML_INDEX_MAX_LEVELS];
	unsigned long entries;
};

/*
 * Count @node and everything below it, @level being its level from the top
 * (0). The recursion is at most ML_INDEX_MAX_LEVELS deep. Under
 * rcu_read_lock(): nodes are freed only after a grace period.
 */
static void ml_index_count(const struct xarray *xa, struct xa_node *node,
			   unsigned int level, struct ml_index_shape *shape)
{
	unsigned int i;

	if (level >= ML_INDEX_MAX_LEVELS)
		return;
	shape->nodes[level]++;
	for (i = 0; i < XA_CHUNK_SIZE; i++) {
		void *entry = xa_entry(xa, node, i);

		if (!entry)
			continue;
		if (xa_is_node(entry)) {
			shape->used[level]++;
			ml_index_count(xa, xa_to_node(entry), level + 1, shape);
		} else if (!xa_is_internal(entry)) {
			/* A record: not a sibling, retry or reserved (zero) entry. */
			shape->used[level]++;
			shape->entries++;
		}
	}
}

static void ml_index_measure(const struct xarray *xa, struct ml_index_shape *shape)
{
	void *head;

	memset(shape, 0, sizeof(*shape));
	rcu_read_lock();
	head = xa_head(xa);
	if (xa_is_node(head)) {
		struct xa_node *top = xa_to_node(head);

		shape->height = top->shift / XA_CHUNK_SHIFT + 1;
		ml_index_count(xa, top, 0, shape);
	} else if (head && !xa_is_internal(head)) {
		/* One record, at id 0, kept in the head itself: no node. */
		shape->entries = 1;
	}
	rcu_read_unlock();
}

static int ml_index_show(struct seq_file *m, void *v)
{
	struct ml_index_shape shape;
	unsigned long nodes = 0;
	unsigned int level;

	ml_index_measure(ml_track_index(), &shape);
	for (level = 0; level < shape.height; level++)
		nodes += shape.nodes[level];
	seq_printf(m, "height %u\nnodes %lu\nentries %lu\n", shape.height, nodes,
		   shape.entries);
	seq_puts(m, "# level shift nodes used\n");
	for (level = 0; level < shape.height; level++)
		seq_printf(m, "%u %u %lu %lu\n", level + 1,
			   (shape.height - 1 - level) * XA_CHUNK_SHIFT,
			   shape.nodes[level], shape.used[level]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(ml_index);

/**
 * ml_index_debugfs_init() - create debugfs "index"
 * @dir: memlab's debugfs directory
 *
 * Return: 0.
 */
int ml_index_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("index", 0400, dir, NULL, &ml_index_fops);
	return 0;
}

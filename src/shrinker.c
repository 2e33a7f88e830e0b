// SPDX-License-Identifier: GPL-2.0
/*
 * memlab's shrinker: under memory pressure (or "echo 2 > drop_caches") the
 * kernel asks every shrinker how much it could give back (count_objects)
 * and then to give back some of it (scan_objects). memlab's answers are its
 * live "reclaimable" allocations, freed oldest first (track.c, ml_reclaim()),
 * each counted as a free. Registered at load, before any allocation can be
 * reclaimable, and unregistered first at unload: once that returns no scan
 * runs any more.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/ratelimit.h>

#include "compat.h"
#include "memlab.h"

static struct shrinker *ml_shrinker;

static unsigned long ml_shrink_count(struct shrinker *s, struct shrink_control *sc)
{
	u64 live, reclaimed;

	ml_stats_reclaim_counts(&live, &reclaimed);
	return live ? live : SHRINK_EMPTY;
}

static unsigned long ml_shrink_scan(struct shrinker *s, struct shrink_control *sc)
{
	unsigned long freed = ml_reclaim(sc->nr_to_scan);
	u64 live, reclaimed;

	ml_stats_reclaim_counts(&live, &reclaimed);
	pr_info_ratelimited("shrinker: asked for %lu, freed %lu; %llu reclaimable left, %llu reclaimed since load\n",
			    sc->nr_to_scan, freed, live, reclaimed);
	return freed ? freed : SHRINK_STOP;
}

/** ml_shrinker_init() - register the shrinker "memlab" */
int ml_shrinker_init(void)
{
	ml_shrinker = ml_shrinker_create(ml_shrink_count, ml_shrink_scan, "memlab");
	return ml_shrinker ? 0 : -ENOMEM;
}

/** ml_shrinker_exit() - unregister it; no scan runs after this returns */
void ml_shrinker_exit(void)
{
	ml_shrinker_destroy(ml_shrinker);
}

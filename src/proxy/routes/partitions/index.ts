/** The partition endpoints. */
import type { RouteDef } from '../../route.ts';
import { createPartitionRoute } from './create.ts';
import { dropPartitionRoute } from './drop.ts';
import { getPartitionStatsRoute } from './get-stats.ts';
import { hasPartitionRoute } from './has.ts';
import { listPartitionsRoute } from './list.ts';
import { loadPartitionsRoute } from './load.ts';
import { releasePartitionsRoute } from './release.ts';

/** Every /partitions/ route. */
export const partitionRoutes = [
  createPartitionRoute, dropPartitionRoute, hasPartitionRoute, listPartitionsRoute, getPartitionStatsRoute,
  loadPartitionsRoute, releasePartitionsRoute,
] as RouteDef[];

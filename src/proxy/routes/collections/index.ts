/** The collection endpoints. */
import type { RouteDef } from '../../route.ts';
import { alterCollectionPropertiesRoute } from './alter-properties.ts';
import { compactCollectionRoute } from './compact.ts';
import { createCollectionRoute } from './create.ts';
import { describeCollectionRoute } from './describe.ts';
import { dropCollectionRoute } from './drop.ts';
import { dropCollectionPropertiesRoute } from './drop-properties.ts';
import { flushCollectionRoute } from './flush.ts';
import { getCompactionStateRoute } from './get-compaction-state.ts';
import { getLoadStateRoute } from './get-load-state.ts';
import { getCollectionStatsRoute } from './get-stats.ts';
import { hasCollectionRoute } from './has.ts';
import { listCollectionsRoute } from './list.ts';
import { loadCollectionRoute } from './load.ts';
import { refreshLoadRoute } from './refresh-load.ts';
import { releaseCollectionRoute } from './release.ts';
import { renameCollectionRoute } from './rename.ts';

/** Every /collections/ route. */
export const collectionRoutes = [
  createCollectionRoute, describeCollectionRoute, listCollectionsRoute, hasCollectionRoute, dropCollectionRoute,
  renameCollectionRoute, getCollectionStatsRoute, loadCollectionRoute, releaseCollectionRoute, getLoadStateRoute,
  refreshLoadRoute, alterCollectionPropertiesRoute, dropCollectionPropertiesRoute, flushCollectionRoute,
  compactCollectionRoute, getCompactionStateRoute,
] as RouteDef[];

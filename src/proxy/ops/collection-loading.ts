/**
 * Load and release. The catalog's `loaded` flag is the intent every proxy follows; the read tier
 * of this proxy is what actually serves. A load is refused, as in Milvus, while a vector field
 * has no index.
 */
import { ErrorCode, QuiverError } from '../../shared/errors.ts';
import type { CollectionInfo } from '../../shared/schema/types.ts';
import type { LoadState } from '../read/read-tier.ts';
import type { ProxyServices } from '../services.ts';
import { unindexedVectorFields } from './index-ops.ts';

/** Marks the collection loaded and starts serving it here. Idempotent. */
export async function loadCollection(s: ProxyServices, c: CollectionInfo): Promise<CollectionInfo> {
  const missing = unindexedVectorFields(c);
  if (missing.length > 0) {
    throw new QuiverError(
      ErrorCode.IndexNotFound,
      `there is no vector index on field: [${missing.join(', ')}], please create index firstly: index not found[collection=${c.name}]`,
    );
  }
  const updated = c.loaded ? c : await s.catalog.updateCollection(c.dbName, c.name, (cur) => ({ ...cur, loaded: true }));
  await s.reader.load(updated);
  return updated;
}

/** Stops serving the collection here and marks it released. Idempotent. */
export async function releaseCollection(s: ProxyServices, c: CollectionInfo): Promise<void> {
  await s.reader.release(c.id);
  if (c.loaded) await s.catalog.updateCollection(c.dbName, c.name, (cur) => ({ ...cur, loaded: false }));
}

/**
 * The load state to report. The read tier's state, except that a collection the catalog marks
 * loaded but this proxy does not serve yet (loaded through another proxy) is "Loading", and one
 * released through another proxy is "NotLoad". With `reconcile`, this proxy also starts loading
 * or releasing in the background to follow the catalog.
 */
export function effectiveLoadState(s: ProxyServices, c: CollectionInfo, reconcile = false): LoadState {
  const here = s.reader.loadState(c.id);
  if (c.loaded && here === 'LoadStateNotLoad') {
    if (reconcile) void s.reader.load(c).catch(() => undefined);
    return 'LoadStateLoading';
  }
  if (!c.loaded && here !== 'LoadStateNotLoad') {
    if (reconcile) void s.reader.release(c.id).catch(() => undefined);
    return 'LoadStateNotLoad';
  }
  return here;
}

/** get_load_state's data: the state, plus loadProgress unless not loaded. */
export function loadStateAnswer(state: LoadState): { loadState: LoadState; loadProgress?: number } {
  if (state === 'LoadStateNotLoad') return { loadState: state };
  return { loadState: state, loadProgress: state === 'LoadStateLoaded' ? 100 : 0 };
}

/** 101 "collection not loaded", as Milvus answers refresh_load on a released collection. */
export function collectionNotLoaded(name: string): QuiverError {
  return new QuiverError(101, `collection not loaded[collection=${name}]`);
}

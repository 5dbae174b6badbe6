/**
 * S3 adapter of the ObjectStore port over fetch + SigV4, for runtimes without Node (Workers).
 * See fetch-object-store.ts for the guarantees.
 */
export { openFetchS3ObjectStore, type FetchS3Options } from './fetch-object-store.ts';

/**
 * Entry file of the index-build worker thread. Node 20 does not apply the TypeScript loader the
 * process was started with (`--import tsx`) to worker threads, so this plain-JavaScript entry
 * registers tsx in the worker before importing the TypeScript body. Where the loader is inherited
 * (newer Node versions), registering it again is harmless.
 */
import { register } from 'tsx/esm/api';

register();
await import('./hnsw-worker.ts');

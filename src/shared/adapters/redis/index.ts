/**
 * Redis adapter of the Coordinator port, for the cluster shape.
 * See redis-coordinator.ts for the guarantees and keys.ts for the key layout.
 */

export { openRedisCoordinator, type RedisCoordinatorOptions } from './redis-coordinator.ts';

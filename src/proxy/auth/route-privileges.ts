/**
 * What each endpoint requires, in Milvus's privilege names (for the denial message) and quiver's
 * levels (for the check). A path missing here requires cluster admin, so an endpoint added
 * without an entry is closed rather than open; a unit test checks every route has one.
 */
import type { Level } from './privileges.ts';

export interface Requirement {
  /** The Milvus privilege the call needs, named in the 403 message. */
  privilege: string;
  /** The level needed; collection levels apply to the body's collection (or all, when none). */
  level: Level;
  /**
   * Listing and describing inside a database: any grant in that database is enough (the names
   * of its collections and aliases are visible to whoever may use one of them).
   */
  anyInDatabase?: boolean;
  /** Collection levels only: the grant must cover every collection of the database ("*"). */
  allCollections?: boolean;
  /** Body key naming a second database the caller needs the same level on (rename's target). */
  otherDatabaseField?: string;
  /** Body key naming a user: the call is also allowed for that user, signed in with a password. */
  selfField?: string;
}

const V = '/v2/vectordb';
const r = (privilege: string, level: Level, more: Partial<Requirement> = {}): Requirement => ({ privilege, level, ...more });
const listing = (privilege: string): Requirement => r(privilege, 'database.read', { anyInDatabase: true });

const TABLE: Record<string, Requirement> = {
  [`${V}/collections/list`]: listing('ShowCollections'),
  [`${V}/collections/has`]: r('DescribeCollection', 'collection.read'),
  [`${V}/collections/describe`]: r('DescribeCollection', 'collection.read'),
  [`${V}/collections/get_stats`]: r('GetStatistics', 'collection.read'),
  [`${V}/collections/get_load_state`]: r('GetLoadState', 'collection.read'),
  [`${V}/collections/get_compaction_state`]: r('GetStatistics', 'collection.read'),
  [`${V}/collections/create`]: r('CreateCollection', 'database.admin'),
  [`${V}/collections/drop`]: r('DropCollection', 'database.admin'),
  [`${V}/collections/rename`]: r('RenameCollection', 'database.admin', { otherDatabaseField: 'newDbName' }),
  [`${V}/collections/load`]: r('Load', 'collection.write'),
  [`${V}/collections/refresh_load`]: r('Load', 'collection.write'),
  [`${V}/collections/release`]: r('Release', 'collection.write'),
  [`${V}/collections/flush`]: r('Flush', 'collection.write'),
  [`${V}/collections/compact`]: r('Compaction', 'collection.write'),
  [`${V}/collections/alter_properties`]: r('AlterCollection', 'collection.admin'),
  [`${V}/collections/drop_properties`]: r('AlterCollection', 'collection.admin'),

  [`${V}/partitions/list`]: r('ShowPartitions', 'collection.read'),
  [`${V}/partitions/has`]: r('HasPartition', 'collection.read'),
  [`${V}/partitions/get_stats`]: r('GetStatistics', 'collection.read'),
  [`${V}/partitions/create`]: r('CreatePartition', 'collection.write'),
  [`${V}/partitions/drop`]: r('DropPartition', 'collection.write'),
  [`${V}/partitions/load`]: r('Load', 'collection.write'),
  [`${V}/partitions/release`]: r('Release', 'collection.write'),

  [`${V}/indexes/list`]: r('IndexDetail', 'collection.read'),
  [`${V}/indexes/describe`]: r('IndexDetail', 'collection.read'),
  [`${V}/indexes/create`]: r('CreateIndex', 'collection.write'),
  [`${V}/indexes/drop`]: r('DropIndex', 'collection.write'),
  [`${V}/indexes/alter_properties`]: r('CreateIndex', 'collection.write'),
  [`${V}/indexes/drop_properties`]: r('CreateIndex', 'collection.write'),

  [`${V}/aliases/list`]: listing('ListAliases'),
  [`${V}/aliases/describe`]: listing('DescribeAlias'),
  [`${V}/aliases/create`]: r('CreateAlias', 'collection.admin'),
  [`${V}/aliases/alter`]: r('CreateAlias', 'collection.admin'),
  // Names only the alias: needs the tier on every collection of the database.
  [`${V}/aliases/drop`]: r('DropAlias', 'collection.admin', { allCollections: true }),

  [`${V}/databases/list`]: r('ListDatabases', 'cluster.read'),
  [`${V}/databases/describe`]: listing('DescribeDatabase'),
  [`${V}/databases/create`]: r('CreateDatabase', 'cluster.admin'),
  [`${V}/databases/drop`]: r('DropDatabase', 'cluster.admin'),
  [`${V}/databases/alter`]: r('AlterDatabase', 'database.write'),
  [`${V}/databases/alter_properties`]: r('AlterDatabase', 'database.write'),
  [`${V}/databases/drop_properties`]: r('AlterDatabase', 'database.write'),

  [`${V}/entities/search`]: r('Search', 'collection.read'),
  [`${V}/entities/hybrid_search`]: r('Search', 'collection.read'),
  [`${V}/entities/advanced_search`]: r('Search', 'collection.read'),
  [`${V}/entities/query`]: r('Query', 'collection.read'),
  [`${V}/entities/get`]: r('Query', 'collection.read'),
  [`${V}/entities/insert`]: r('Insert', 'collection.write'),
  [`${V}/entities/upsert`]: r('Upsert', 'collection.write'),
  [`${V}/entities/delete`]: r('Delete', 'collection.write'),

  [`${V}/users/list`]: r('SelectUser', 'cluster.read'),
  [`${V}/users/describe`]: r('SelectUser', 'cluster.read', { selfField: 'userName' }),
  [`${V}/users/create`]: r('CreateOwnership', 'cluster.admin'),
  [`${V}/users/drop`]: r('DropOwnership', 'cluster.admin'),
  [`${V}/users/update_password`]: r('UpdateUser', 'cluster.admin', { selfField: 'userName' }),
  [`${V}/users/grant_role`]: r('ManageOwnership', 'cluster.admin'),
  [`${V}/users/revoke_role`]: r('ManageOwnership', 'cluster.admin'),
  [`${V}/users/create_api_key`]: r('UpdateUser', 'cluster.admin', { selfField: 'userName' }),
  [`${V}/users/list_api_keys`]: r('SelectUser', 'cluster.read', { selfField: 'userName' }),
  [`${V}/users/revoke_api_key`]: r('UpdateUser', 'cluster.admin', { selfField: 'userName' }),

  [`${V}/roles/list`]: r('SelectRole', 'cluster.read'),
  [`${V}/roles/describe`]: r('SelectRole', 'cluster.read'),
  [`${V}/roles/create`]: r('CreateOwnership', 'cluster.admin'),
  [`${V}/roles/drop`]: r('DropOwnership', 'cluster.admin'),
  [`${V}/roles/grant_privilege`]: r('ManageOwnership', 'cluster.admin'),
  [`${V}/roles/revoke_privilege`]: r('ManageOwnership', 'cluster.admin'),
  [`${V}/roles/grant_privilege_v2`]: r('ManageOwnership', 'cluster.admin'),
  [`${V}/roles/revoke_privilege_v2`]: r('ManageOwnership', 'cluster.admin'),

  // Every database's collections, segments and the process list: cluster-wide read-only, so
  // Milvus's ClusterReadOnly group (or any cluster read privilege) admits it.
  '/v2/quiver/status': r('ClusterReadOnly', 'cluster.read'),
};

const CLOSED: Requirement = { privilege: 'All', level: 'cluster.admin' };

/** The requirement of the endpoint at `path` (cluster admin for an unknown path). */
export function requirementOf(path: string): Requirement {
  return Object.hasOwn(TABLE, path) ? TABLE[path] : CLOSED;
}

/** True when `path` has its own entry (for the test that every route is covered). */
export function hasRequirement(path: string): boolean {
  return Object.hasOwn(TABLE, path);
}

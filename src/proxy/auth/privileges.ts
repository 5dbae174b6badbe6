/**
 * Milvus privileges and privilege groups mapped onto the levels quiver checks.
 *
 * Milvus sorts its privileges into three tiers (ReadOnly ⊂ ReadWrite ⊂ Admin) at three scopes
 * (Collection, Database, Cluster) — its built-in privilege groups. quiver keeps that structure
 * and checks levels, not single privileges: a grant of one privilege gives its tier at its scope
 * (granting Search also allows Query and describe calls on that collection, but not Insert), and
 * a group gives its tier and the tiers below it, as Milvus's groups contain the smaller ones.
 * Grants are kept as given, so roles/describe shows them as Milvus would.
 */

/** Where a level applies: one collection (or all of a database's), one database, or the cluster. */
export type Scope = 'collection' | 'database' | 'cluster';
export type Tier = 'read' | 'write' | 'admin';
/** A tier at a scope, e.g. "collection.write". */
export type Level = `${Scope}.${Tier}`;

const TIERS: readonly Tier[] = ['read', 'write', 'admin'];
const SCOPES: readonly Scope[] = ['collection', 'database', 'cluster'];

/** Every level. */
export const ALL_LEVELS: readonly Level[] = SCOPES.flatMap((s) => TIERS.map((t): Level => `${s}.${t}`));

/** Milvus's privileges by the tier of the smallest built-in group holding them. */
const PRIVILEGES: Record<Scope, Record<Tier, readonly string[]>> = {
  collection: {
    read: [
      'Query', 'Search', 'IndexDetail', 'GetFlushState', 'GetLoadState', 'GetLoadingProgress', 'HasPartition',
      'ShowPartitions', 'DescribeCollection', 'DescribeAlias', 'GetStatistics', 'ListAliases',
    ],
    write: [
      'Load', 'Release', 'Insert', 'Delete', 'Upsert', 'Import', 'Flush', 'Compaction', 'LoadBalance',
      'CreateIndex', 'DropIndex', 'CreatePartition', 'DropPartition', 'AddCollectionField',
    ],
    admin: ['CreateAlias', 'DropAlias'],
  },
  database: {
    read: ['ShowCollections', 'DescribeDatabase'],
    write: ['AlterDatabase'],
    admin: ['CreateCollection', 'DropCollection'],
  },
  cluster: {
    read: ['ListDatabases', 'SelectRole', 'SelectUser', 'DescribeResourceGroup', 'ListResourceGroups', 'ListPrivilegeGroups'],
    write: ['FlushAll', 'TransferNode', 'TransferReplica', 'UpdateResourceGroups'],
    admin: [
      'BackupRBAC', 'RestoreRBAC', 'CreateDatabase', 'DropDatabase', 'CreateOwnership', 'DropOwnership',
      'ManageOwnership', 'CreateResourceGroup', 'DropResourceGroup', 'UpdateUser', 'RenameCollection',
      'CreatePrivilegeGroup', 'DropPrivilegeGroup', 'OperatePrivilegeGroup',
    ],
  },
};

const GROUP_SCOPE: Record<string, Scope> = { Collection: 'collection', Database: 'database', Cluster: 'cluster' };
const GROUP_TIER: Record<string, Tier> = { ReadOnly: 'read', ReadWrite: 'write', Admin: 'admin' };

function tiersUpTo(tier: Tier): Tier[] {
  return TIERS.slice(0, TIERS.indexOf(tier) + 1);
}

/** Privilege name → the one level it belongs to. */
const PRIVILEGE_LEVEL: ReadonlyMap<string, Level> = new Map(
  SCOPES.flatMap((scope) => TIERS.flatMap((tier) => PRIVILEGES[scope][tier].map((p): [string, Level] => [p, `${scope}.${tier}`]))),
);

/**
 * The levels a grant of `privilege` gives: a privilege's own level; a built-in group's tier and
 * the tiers below it at its scope; every level for "*" or "All". Null for an unknown name.
 */
export function levelsOf(privilege: string): readonly Level[] | null {
  if (privilege === '*' || privilege === 'All') return ALL_LEVELS;
  // One privilege is one tier only, so a key granted Insert alone can write but not read.
  const single = PRIVILEGE_LEVEL.get(privilege);
  if (single) return [single];
  const m = /^(Collection|Database|Cluster)(ReadOnly|ReadWrite|Admin)$/.exec(privilege);
  if (!m) return null;
  const scope = GROUP_SCOPE[m[1]];
  return tiersUpTo(GROUP_TIER[m[2]]).map((t): Level => `${scope}.${t}`);
}

/** True for a privilege or group name quiver knows. */
export function isKnownPrivilege(privilege: string): boolean {
  return levelsOf(privilege) !== null;
}

/** The scope a grant of `privilege` applies at ("cluster" for "*" / "All"). */
export function scopeOf(privilege: string): Scope {
  const levels = levelsOf(privilege);
  if (!levels || levels === ALL_LEVELS) return 'cluster';
  return levels[0].split('.')[0] as Scope;
}

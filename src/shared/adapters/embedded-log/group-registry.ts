/**
 * Consumer-group membership for the consumers of one embedded log (one process). Two notions
 * per partition, as in Kafka's cooperative rebalancing:
 *  - target: which member the assignor wants to own it (recomputed on every membership or topic
 *    change);
 *  - owner: which member currently holds it. A member hands a partition over only after its
 *    onRevoke finished (inside its own poll or close), and the new target acquires it only then,
 *    so one partition is never consumed by two members of a group at the same time.
 * A member that stops polling without closing would block hand-overs forever; after
 * maxPollIntervalMs without a poll its partitions may be taken (Kafka's max.poll.interval.ms).
 */
import { assignRoundRobin, type AssignableMember, type GroupPartition, type TopicDescriptor } from './assignment.ts';

/** The registry's view of a consumer. The consumer owns the object; the registry sets `target`. */
export interface GroupMember extends AssignableMember {
  readonly groupId: string;
  /** Partitions the assignor wants this member to own, by partitionKey. */
  target: Map<string, GroupPartition>;
  /** Milliseconds since the epoch of the last sign of life (poll activity). */
  lastSeen: number;
  /** True while the member is inside poll (alive even when waiting long). */
  polling: boolean;
}

interface GroupState {
  members: Set<GroupMember>;
  owners: Map<string, GroupMember>;
}

export class GroupRegistry {
  private readonly groups = new Map<string, GroupState>();
  private nextJoinSeq = 1;

  /**
   * @param topics current topics (read on every rebalance)
   * @param changed called after targets or ownership changed, to wake waiting polls
   * @param maxPollIntervalMs idle time (ms) after which a member's partitions may be taken
   */
  constructor(
    private readonly topics: () => TopicDescriptor[],
    private readonly changed: () => void,
    private readonly maxPollIntervalMs: number,
  ) {}

  /** A sequence number for a new member's joinSeq; earlier joiners come first in assignment. */
  takeJoinSeq(): number {
    return this.nextJoinSeq++;
  }

  join(member: GroupMember): void {
    let group = this.groups.get(member.groupId);
    if (group === undefined) {
      group = { members: new Set(), owners: new Map() };
      this.groups.set(member.groupId, group);
    }
    group.members.add(member);
    this.rebalance();
  }

  /** Removes the member and frees everything it still owns. */
  leave(member: GroupMember): void {
    const group = this.groups.get(member.groupId);
    if (group === undefined || !group.members.delete(member)) return;
    for (const [key, owner] of group.owners) if (owner === member) group.owners.delete(key);
    member.target = new Map();
    if (group.members.size === 0) this.groups.delete(member.groupId);
    this.rebalance();
  }

  /** Recomputes every group's targets from the current topics; call after topic changes. */
  rebalance(): void {
    const topics = this.topics();
    for (const group of this.groups.values()) {
      const targets = assignRoundRobin([...group.members], topics);
      for (const [member, target] of targets) member.target = target;
    }
    this.changed();
  }

  /** True when `member` currently owns the partition. */
  owns(member: GroupMember, key: string): boolean {
    return this.groups.get(member.groupId)?.owners.get(key) === member;
  }

  /**
   * Takes ownership of a partition for `member` when it is free, already the member's, or held
   * by a member that has been idle longer than maxPollIntervalMs. Answers whether it now owns it.
   */
  tryAcquire(member: GroupMember, key: string, now: number): boolean {
    const group = this.groups.get(member.groupId);
    if (group === undefined || !group.members.has(member)) return false;
    const owner = group.owners.get(key);
    if (owner === member) return true;
    if (owner !== undefined && (owner.polling || now - owner.lastSeen <= this.maxPollIntervalMs)) return false;
    group.owners.set(key, member);
    return true;
  }

  /** Gives up ownership of partitions (after their onRevoke ran) and wakes the new targets. */
  release(member: GroupMember, keys: readonly string[]): void {
    const group = this.groups.get(member.groupId);
    if (group === undefined) return;
    let freed = false;
    for (const key of keys) {
      if (group.owners.get(key) === member) {
        group.owners.delete(key);
        freed = true;
      }
    }
    if (freed) this.changed();
  }
}

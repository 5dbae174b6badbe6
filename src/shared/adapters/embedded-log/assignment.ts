/**
 * How a consumer group splits partitions among its members: round-robin over the partitions of
 * all topics sorted by (topic name, partition), each partition going to the next member (in join
 * order) among those whose topic pattern matches the topic. Deterministic, so every recomputation
 * with the same members and topics yields the same split; a member joining or leaving moves only
 * what round-robin moves (no stickiness: simple beats optimal at in-process scale).
 */

/** One partition of a topic incarnation, as the group sees it. */
export interface GroupPartition {
  topic: string;
  topicId: number;
  partition: number;
}

/** What the assignor needs to know about a member. */
export interface AssignableMember {
  /** Order of joining; lower first. */
  readonly joinSeq: number;
  matches(topic: string): boolean;
}

export interface TopicDescriptor {
  name: string;
  id: number;
  partitions: number;
}

/** Key identifying a partition of one topic incarnation; stable across rebalances. */
export function partitionKey(topicId: number, partition: number): string {
  return `${topicId}:${partition}`;
}

/**
 * Splits the partitions of `topics` among `members`. Answers, per member, the partitions it
 * should own, keyed by partitionKey. Members that match no topic get an empty map.
 */
export function assignRoundRobin<M extends AssignableMember>(
  members: readonly M[],
  topics: readonly TopicDescriptor[],
): Map<M, Map<string, GroupPartition>> {
  const ordered = [...members].sort((a, b) => a.joinSeq - b.joinSeq);
  const result = new Map<M, Map<string, GroupPartition>>(ordered.map((m) => [m, new Map()]));
  const sortedTopics = [...topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // One cursor across topics, so many one-partition topics spread over members too.
  let cursor = 0;
  for (const topic of sortedTopics) {
    const candidates = ordered.filter((m) => m.matches(topic.name));
    if (candidates.length === 0) continue;
    for (let partition = 0; partition < topic.partitions; partition++) {
      const member = candidates[cursor % candidates.length];
      cursor++;
      result.get(member)!.set(partitionKey(topic.id, partition), {
        topic: topic.name,
        topicId: topic.id,
        partition,
      });
    }
  }
  return result;
}

/**
 * Fault switches, so higher layers can test how they handle a log outage without a broker to
 * stop. They only make sends fail before anything is written: an injected failure never leaves a
 * partially written batch behind, like a producer whose request never reached the broker.
 */
import { LogError } from '../../ports/log.ts';

/** The kinds of failure a send can be made to reject with. */
export type InjectedFailureKind = LogError['kind'];

export class LogFaults {
  /** While not null, every send rejects with a LogError of this kind (an ongoing outage). */
  sendFailure: InjectedFailureKind | null = null;

  private pending: InjectedFailureKind[] = [];

  /** The next `count` sends reject with a LogError of `kind` (default 'unavailable'), then heal. */
  failNextSends(count: number, kind: InjectedFailureKind = 'unavailable'): void {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`invalid count ${count}`);
    for (let i = 0; i < count; i++) this.pending.push(kind);
  }

  /** Clears every switch. */
  reset(): void {
    this.sendFailure = null;
    this.pending = [];
  }

  /** Throws the injected failure for this send, if any. Called once per send, before writing. */
  beforeSend(topic: string): void {
    const kind = this.pending.shift() ?? this.sendFailure;
    if (kind !== null) throw new LogError(`injected ${kind} failure sending to ${topic}`, kind);
  }
}

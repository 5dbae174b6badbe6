/**
 * The ReadTier of the edge proxy: it holds no segments (usearch is a native addon), so every
 * read is forwarded to the Node tier before it reaches a handler (see edge-app.ts). Should a
 * handler still ask, the answer is a clear refusal, never an empty result.
 */
import { ErrorCode, QuiverError } from '../../shared/errors.ts';
import type { FoundRow, Hit, LoadState, ReadTier } from '../read/read-tier.ts';

function refused(): QuiverError {
  return new QuiverError(ErrorCode.ServiceUnavailable, 'reads are served by the Node read tier, not by the edge proxy', {
    httpStatus: 503,
  });
}

export class ForwardedReadTier implements ReadTier {
  async load(): Promise<void> {
    throw refused();
  }
  async release(): Promise<void> {
    throw refused();
  }
  loadState(): LoadState {
    return 'LoadStateNotLoad';
  }
  async waitFor(): Promise<void> {
    throw refused();
  }
  checkpoints(): number[] {
    return [];
  }
  async query(): Promise<FoundRow[]> {
    throw refused();
  }
  async count(): Promise<number> {
    throw refused();
  }
  async search(): Promise<Hit[][]> {
    throw refused();
  }
  async getByPks(): Promise<FoundRow[]> {
    throw refused();
  }
}

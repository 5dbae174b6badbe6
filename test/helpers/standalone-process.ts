/** Starts `bin/quiver standalone` on a free port and a given data directory (see quiver-process.ts). */
import { milvus, startQuiverProcess, type QuiverProcess } from './quiver-process.ts';

export type StandaloneProcess = QuiverProcess;
export { milvus };

export function startStandaloneProcess(dataDir: string, env: Record<string, string> = {}): Promise<StandaloneProcess> {
  return startQuiverProcess({ command: 'standalone', dataDir, env });
}

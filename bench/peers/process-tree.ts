/**
 * Resident memory of a process together with all its descendants (Linux /proc): some peers run
 * their engine in a child process (Milvus Lite starts a server), so the driver's own RSS would
 * miss most of it.
 */
import { readFile, readdir } from 'node:fs/promises';

async function parentOf(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

async function rssKb(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Pids of `root` and every process below it. */
export async function descendants(root: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d)).map(Number);
  const children = new Map<number, number[]>();
  await Promise.all(
    pids.map(async (pid) => {
      const ppid = await parentOf(pid);
      if (ppid === null) return;
      const list = children.get(ppid) ?? [];
      list.push(pid);
      children.set(ppid, list);
    }),
  );
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Summed VmRSS of the process tree under `root`, MiB; null when /proc has no such process. */
export async function treeRssMb(root: number): Promise<number | null> {
  if ((await parentOf(root)) === null) return null;
  const kb = (await Promise.all((await descendants(root)).map(rssKb))).reduce((a, b) => a + b, 0);
  return Math.round(kb / 102.4) / 10;
}

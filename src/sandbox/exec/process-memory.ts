import { readFileSync, readdirSync } from 'node:fs';

function statusKb(pid: number, key: string): number {
  try {
    const m = new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (list) out.push(...list.split(/\s+/).map(Number));
    }
  } catch {
    // gone
  }
  return out;
}

/** Resident memory of a process and all its descendants, in KiB (0 once it is gone). */
export function treeRssKb(pid: number): number {
  let total = 0;
  const stack = [pid];
  for (let p = stack.pop(); p !== undefined; p = stack.pop()) {
    total += statusKb(p, 'VmRSS');
    stack.push(...children(p));
  }
  return total;
}

/** The kernel's own peak resident memory (VmHWM) of one process, in KiB. */
export function peakRssKb(pid: number): number {
  return statusKb(pid, 'VmHWM');
}

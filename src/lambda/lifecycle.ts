import { readFileSync } from 'node:fs';

export type Architecture = 'x86_64' | 'arm64';

/** One runtime's row in the lifecycle table. Dates are `YYYY-MM-DD` strings (UTC). */
export interface RuntimeInfo {
  readonly name: string;
  readonly os?: string;
  readonly architectures: readonly Architecture[];
  readonly deprecated?: string;
  readonly blockCreate?: string;
  readonly blockUpdate?: string;
  readonly glibc?: string;
  readonly note?: string;
}

/** Where a runtime stands on a given day. */
export type LifecyclePhase = 'supported' | 'deprecated' | 'create-blocked' | 'update-blocked';

/** The runtime lifecycle table, with questions asked of it for a given day. */
export class RuntimeLifecycle {
  private readonly byName: ReadonlyMap<string, RuntimeInfo>;

  constructor(runtimes: readonly RuntimeInfo[]) {
    this.byName = new Map(runtimes.map((r) => [r.name, r]));
  }

  /** Every runtime name Lambda accepts, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** The row for a runtime, or undefined when Lambda does not know it. */
  get(name: string): RuntimeInfo | undefined {
    return this.byName.get(name);
  }

  /** The phase of `name` on `today` (`YYYY-MM-DD`); unknown runtimes count as supported. */
  phase(name: string, today: string): LifecyclePhase {
    const info = this.byName.get(name);
    if (!info) return 'supported';
    if (info.blockUpdate && today >= info.blockUpdate) return 'update-blocked';
    if (info.blockCreate && today >= info.blockCreate) return 'create-blocked';
    if (info.deprecated && today >= info.deprecated) return 'deprecated';
    return 'supported';
  }

  /** True when functions can no longer be created with `name` on `today`. */
  createBlocked(name: string, today: string): boolean {
    const p = this.phase(name, today);
    return p === 'create-blocked' || p === 'update-blocked';
  }

  /** True when functions can no longer be updated to, or while on, `name` on `today`. */
  updateBlocked(name: string, today: string): boolean {
    return this.phase(name, today) === 'update-blocked';
  }
}

interface RuntimeFile {
  runtimes: Record<string, Omit<RuntimeInfo, 'name' | 'architectures'> & { architectures?: Architecture[] }>;
}

/** Parses the lifecycle data file's JSON (see data/runtimes.json). */
export function parseLifecycle(json: string): RuntimeLifecycle {
  const doc = JSON.parse(json) as RuntimeFile;
  return new RuntimeLifecycle(
    Object.entries(doc.runtimes).map(([name, row]) => ({
      ...row,
      name,
      architectures: row.architectures ?? ['x86_64', 'arm64'],
    })),
  );
}

let bundled: RuntimeLifecycle | undefined;

/** The lifecycle table shipped with the tool (data/runtimes.json), read once. */
export function bundledLifecycle(): RuntimeLifecycle {
  bundled ??= parseLifecycle(readFileSync(new URL('../../data/runtimes.json', import.meta.url), 'utf8'));
  return bundled;
}

/** Today's date as `YYYY-MM-DD` in UTC. */
export function isoDay(date: Date = new Date()): string {
  return date.toISOString().slice(0, 10);
}

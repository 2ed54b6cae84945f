import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';

/** Which process holds a lock: written into the lock file, read back by whoever finds it taken. */
export interface LockOwner {
  readonly pid: number;
  /** The process's start time (Linux: /proc/PID/stat field 22), so a reused pid is not taken for it. */
  readonly startTime: string | null;
  readonly host: string;
  readonly since: string;
  readonly purpose: string;
  /** Unique per acquisition: a release or a takeover touches only the lock it read. */
  readonly token: string;
  /** Whatever else the holder wants others to know (e.g. a sandbox's URL). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Who the current process is, and how to tell whether another lock owner still runs. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: string | null;
  readonly host: string;
  /** False once the owner's process has ended (the lock is stale and can be taken over). */
  isAlive(owner: LockOwner): boolean;
}

/** The start time of a process on Linux, or null where /proc is not there. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/** This process, judging others by signal 0 (and their start time, where /proc has it). */
export function thisProcess(): ProcessIdentity {
  const host = hostname();
  return {
    pid: process.pid,
    startTime: processStartTime(process.pid),
    host,
    isAlive(owner) {
      // Another machine's process cannot be checked from here (a state folder on a shared disk).
      if (owner.host !== host) return true;
      try {
        process.kill(owner.pid, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
      }
      const started = processStartTime(owner.pid);
      return owner.startTime === null || started === null || started === owner.startTime;
    },
  };
}

/** A lock held: release it once (later calls do nothing). */
export interface HeldLock {
  readonly owner: LockOwner;
  /** Replaces what the lock tells others (`extra`), atomically; the lock stays held. */
  update(extra: Readonly<Record<string, unknown>>): Promise<void>;
  release(): Promise<void>;
}

const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

async function readOwner(path: string): Promise<LockOwner | 'missing' | 'unreadable'> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' && typeof owner.token === 'string' ? owner : 'unreadable';
  } catch (e) {
    return code(e) === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

/**
 * Takes the lock file at `path`, or returns the owner that holds it. The file is created whole and at
 * once (written aside, then hard-linked into place, which fails if it exists). A lock whose owner is no
 * longer alive is stale: it is renamed aside under a unique name, and taken over only if what was moved is
 * the very lock that was judged stale (otherwise it is put back).
 */
export async function acquireLock(
  path: string,
  purpose: string,
  identity: ProcessIdentity = thisProcess(),
  extra?: Readonly<Record<string, unknown>>,
): Promise<HeldLock | { readonly heldBy: LockOwner }> {
  await mkdir(dirname(path), { recursive: true });
  const owner: LockOwner = {
    pid: identity.pid,
    startTime: identity.startTime,
    host: identity.host,
    since: new Date().toISOString(),
    purpose,
    token: randomUUID(),
    ...(extra && { extra }),
  };
  const aside = `${path}.${owner.token}`;
  for (let attempt = 0; attempt < 20; attempt++) {
    await writeFile(aside, JSON.stringify(owner), { mode: 0o600 });
    try {
      await link(aside, path);
      await unlink(aside);
      return held(path, owner);
    } catch (e) {
      await unlink(aside);
      if (code(e) !== 'EEXIST') throw e;
    }
    const found = await readOwner(path);
    if (found === 'missing') continue;
    if (found !== 'unreadable' && identity.isAlive(found)) return { heldBy: found };
    // Stale (or unreadable, which a lock created by link never is): move it aside and check what moved.
    const stale = `${path}.stale-${owner.token}`;
    try {
      await rename(path, stale);
    } catch (e) {
      if (code(e) === 'ENOENT') continue;
      throw e;
    }
    const moved = await readOwner(stale);
    const same =
      found === 'unreadable'
        ? moved === 'unreadable'
        : moved !== 'missing' && moved !== 'unreadable' && moved.token === found.token;
    // Another process took over between our read and our rename: its fresh lock goes back in place.
    if (!same) await link(stale, path).catch(() => undefined);
    await unlink(stale);
  }
  throw new Error(`could not take the lock ${path}: it changed hands 20 times while trying`);
}

function held(path: string, first: LockOwner): HeldLock {
  let released = false;
  let owner = first;
  return {
    get owner() {
      return owner;
    },
    async update(extra) {
      owner = { ...owner, extra };
      const aside = `${path}.${owner.token}`;
      await writeFile(aside, JSON.stringify(owner), { mode: 0o600 });
      await rename(aside, path);
    },
    async release() {
      if (released) return;
      released = true;
      const found = await readOwner(path);
      if (typeof found === 'object' && found.token === owner.token) await unlink(path).catch(() => undefined);
    },
  };
}

import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError } from '../../src/core/ports.js';
import { acquireLock, thisProcess, type LockOwner, type ProcessIdentity } from '../../src/os/pid-lock.js';
import { createFileLocks } from '../../src/state/function-locks.js';
import { lockHolder } from '../helpers/lock-holder.js';
import { tempDir } from '../helpers/sandbox.js';

/** Fake processes in one test: each has a pid, and the test says which are alive. */
function fakeProcesses() {
  const alive = new Set<number>();
  const make = (pid: number): ProcessIdentity => {
    alive.add(pid);
    return { pid, startTime: 'fake', host: 'test-host', isAlive: (o: LockOwner) => alive.has(o.pid) };
  };
  return { make, kill: (pid: number) => alive.delete(pid) };
}

describe('pid locks', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  it('one holder at a time; the other learns who holds it; release frees it', async () => {
    const p = fakeProcesses();
    const path = join(dir, 'a.lock');
    const first = await acquireLock(path, 'apply', p.make(1));
    expect('release' in first).toBe(true);
    const second = await acquireLock(path, 'bench', p.make(2));
    expect(second).toMatchObject({ heldBy: { pid: 1, purpose: 'apply', host: 'test-host' } });
    if ('release' in first) await first.release();
    expect('release' in (await acquireLock(path, 'bench', p.make(2)))).toBe(true);
  });

  it('a lock of a dead process is taken over by exactly one of many racing processes', async () => {
    const p = fakeProcesses();
    const path = join(dir, 'b.lock');
    await acquireLock(path, 'apply', p.make(1));
    p.kill(1);
    const racers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => acquireLock(path, 'apply', p.make(100 + i))),
    );
    expect(racers.filter((r) => 'release' in r)).toHaveLength(1);
    const winner = racers.find((r) => 'release' in r)!;
    for (const r of racers) if ('heldBy' in r) expect(r.heldBy.token).toBe(winner.owner.token);
    expect((await readdir(dir)).sort()).toEqual(['b.lock']);
  });

  it('a release touches only its own lock', async () => {
    const p = fakeProcesses();
    const path = join(dir, 'c.lock');
    const old = await acquireLock(path, 'apply', p.make(1));
    p.kill(1);
    const fresh = await acquireLock(path, 'apply', p.make(2));
    if ('release' in old) await old.release();
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ pid: 2 });
    expect('release' in fresh).toBe(true);
  });

  it('a real process killed with SIGKILL leaves a lock the next process takes over; a reused pid does not count', async () => {
    const path = join(dir, 'd.lock');
    const child = await lockHolder(path);
    const held = await acquireLock(path, 'apply');
    expect(held).toMatchObject({ heldBy: { pid: child.pid, purpose: 'apply' } });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const taken = await acquireLock(path, 'apply');
    expect('release' in taken).toBe(true);
    if ('release' in taken) await taken.release();
    // This very process's pid, with another start time: a process that ended and whose pid came back.
    const me = thisProcess();
    await writeFile(
      path,
      JSON.stringify({
        ...(taken as { owner: LockOwner }).owner,
        pid: process.pid,
        startTime: '1',
        token: 't',
      }),
    );
    expect(me.isAlive(JSON.parse(await readFile(path, 'utf8')) as LockOwner)).toBe(false);
    expect('release' in (await acquireLock(path, 'apply'))).toBe(true);
  });

  it('function locks throw a LockedError that names the other process', async () => {
    const p = fakeProcesses();
    const ref = { region: 'us-east-1', name: 'orders-api' };
    await createFileLocks(dir, p.make(4242)).acquire(ref, 'apply');
    const err = await createFileLocks(dir, p.make(7))
      .acquire(ref, 'rollback')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockedError);
    expect((err as Error).message).toMatch(
      /^us-east-1\/orders-api is being worked on by another go-lambda-migrate process \(pid 4242, apply, since .*\): wait for it to finish, or stop it$/,
    );
  });
});

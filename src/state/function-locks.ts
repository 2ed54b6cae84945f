import { join } from 'node:path';
import { LockedError, type LockPort } from '../core/ports.js';
import { acquireLock, thisProcess, type ProcessIdentity } from '../os/pid-lock.js';

/**
 * Per-function locks as files under `stateDir/locks/REGION/NAME.lock`, naming the process that holds each.
 * A lock left by a killed process is taken over by the next one.
 */
export function createFileLocks(stateDir: string, identity: ProcessIdentity = thisProcess()): LockPort {
  return {
    async acquire(ref, purpose) {
      const path = join(stateDir, 'locks', ref.region, `${ref.name}.lock`);
      const got = await acquireLock(path, purpose, identity);
      if ('heldBy' in got) {
        const { pid, purpose: theirs, since, host } = got.heldBy;
        throw new LockedError(ref, { pid, purpose: theirs, since, host: host === identity.host ? '' : host });
      }
      return got;
    },
  };
}

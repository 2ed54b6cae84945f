import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Another process holding the lock file at `path` until it is killed, as another go-lambda-migrate would.
 * It runs the built module (npm test builds first): Node 20 runs no TypeScript.
 */
export async function lockHolder(path: string): Promise<ChildProcess> {
  const module = fileURLToPath(new URL('../../dist/os/pid-lock.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import(${JSON.stringify(module)}).then(async (m) => { await m.acquireLock(${JSON.stringify(path)}, 'apply'); process.stdout.write('locked\\n'); setInterval(() => {}, 1000); });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
  return child;
}

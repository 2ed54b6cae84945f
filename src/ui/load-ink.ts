/**
 * Loads a module that brings Ink in, for a terminal. Ink draws only its last frame when the environment says
 * CI (CI=true or CONTINUOUS_INTEGRATION), which it reads once, as it loads; a view shown because there is a
 * terminal should draw every frame, so those variables are hidden while it loads, and put back after.
 */
export async function loadInkForTerminal<T>(load: () => Promise<T>): Promise<T> {
  const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
  const saved = names.map((n) => process.env[n]);
  names.forEach((n) => delete process.env[n]);
  try {
    return await load();
  } finally {
    names.forEach((n, i) => {
      if (saved[i] !== undefined) process.env[n] = saved[i];
    });
  }
}

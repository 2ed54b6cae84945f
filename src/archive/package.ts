import { writeZip, type ZipInput } from './zip.js';
import type { Deployment } from './deployment.js';

/** The original zip's entries other than `exclude`, as zip inputs (modes and symlinks kept). */
export async function keptEntries(d: Deployment, exclude: ReadonlySet<string>): Promise<ZipInput[]> {
  const out: ZipInput[] = [];
  for (const e of d.entries) {
    if (e.isDirectory || exclude.has(e.name)) continue;
    const data = await d.archive.read(e);
    out.push(
      e.isSymlink
        ? { name: e.name, symlinkTarget: data.toString('utf8') }
        : { name: e.name, data, mode: (e.unixMode ?? 0o644) & 0o7777 },
    );
  }
  return out;
}

/**
 * A provided.* zip with a new `bootstrap` (mode 0755) at the root and the original zip's other files kept
 * (configuration, templates, certificates). `dropHandler` leaves the old go1.x binary out.
 */
export async function bootstrapZip(
  original: Deployment,
  bootstrap: Buffer,
  dropHandler?: string,
): Promise<Buffer> {
  const exclude = new Set(['bootstrap', ...(dropHandler ? [dropHandler] : [])]);
  return writeZip([
    { name: 'bootstrap', data: bootstrap, mode: 0o755 },
    ...(await keptEntries(original, exclude)),
  ]);
}

/**
 * The bridge zip: the original zip plus a `bootstrap` symlink to the handler binary. It runs on go1.x (which
 * starts the handler) and on provided.* (which starts bootstrap) alike, so the runtime can be switched first.
 */
export async function bridgeZip(original: Deployment, handler: string): Promise<Buffer> {
  return writeZip([
    ...(await keptEntries(original, new Set(['bootstrap']))),
    { name: 'bootstrap', symlinkTarget: handler },
  ]);
}

/** Repackaging: the original binary itself becomes `bootstrap`; the other files are kept. */
export async function repackageZip(original: Deployment, handler: string): Promise<Buffer> {
  const entry = original.entries.find((e) => e.name === handler);
  if (!entry) throw new Error(`no entry ${handler}`);
  return bootstrapZip(original, await original.archive.read(entry), handler);
}

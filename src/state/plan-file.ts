import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Artifact, Block, FunctionPlan, Plan, Risk } from '../core/plan.js';
import { UserError } from '../errors.js';

interface SavedArtifact extends Omit<Artifact, 'zip'> {
  readonly file: string;
}

/** How a plan's codes are put into words in its document (the CLI's words). */
export interface PlanWords {
  risk(r: Risk): string;
  block(b: Block): string;
}

/**
 * A plan as JSON: each risk keeps its code and facts and gains a `message`; `blocked` is the reason in words
 * and `block` its code and facts; artifacts become files next to it.
 */
export function planDocument(plan: Plan, words: PlanWords, files?: Map<Artifact, string>): unknown {
  return {
    ...plan,
    // The patch says what changes in the user's files; the patched stack templates are whole.
    ...(plan.iac && {
      iac: {
        ...plan.iac,
        changes: plan.iac.changes.map((c) => c.path),
        stacks: plan.iac.stacks.map(({ before: _before, ...s }) => s),
      },
    }),
    functions: plan.functions.map((f) => ({
      ...f,
      risks: f.risks.map((r) => ({ ...r, message: words.risk(r) })),
      blocked: f.blocked && words.block(f.blocked),
      block: f.blocked,
      artifacts: Object.fromEntries(
        Object.entries(f.artifacts).map(([k, a]: [string, Artifact]) => [
          k,
          {
            sha256: a.sha256,
            size: a.size,
            architecture: a.architecture,
            ...(files?.get(a) && { file: files.get(a) }),
          },
        ]),
      ),
    })),
  };
}

/** Saves the plan to `file` and its artifacts to `file.artifacts/`. */
export async function savePlan(
  plan: Plan,
  file: string,
  words: PlanWords,
): Promise<{ function: string; file: string; root: string }[]> {
  const dir = `${file}.artifacts`;
  await mkdir(dir, { recursive: true });
  const files = new Map<Artifact, string>();
  const written = new Set<string>();
  for (const f of plan.functions) {
    for (const [kind, a] of Object.entries<Artifact>(f.artifacts)) {
      // Named by content: functions deployed from the same code share one file.
      const name = `${kind}-${createHash('sha256').update(a.zip).digest('hex').slice(0, 32)}.zip`;
      if (!written.has(name)) await writeFile(join(dir, name), a.zip);
      written.add(name);
      files.set(a, join(basename(dir), name));
    }
  }
  await writeFile(file, JSON.stringify(planDocument(plan, words, files), null, 2) + '\n');
  // Each aws-lambda-go upgrade's go.mod/go.sum change, as a file `git apply` takes.
  const patches = [];
  for (const f of plan.functions) {
    if (!f.libraryUpgrade) continue;
    const name = join(dir, `${f.region}-${f.functionName}.aws-lambda-go.patch`);
    await writeFile(name, f.libraryUpgrade.patch);
    patches.push({
      function: `${f.region}/${f.functionName}`,
      file: resolve(name),
      root: f.libraryUpgrade.patchRoot,
    });
  }
  return patches;
}

/** A saved risk without the words its document added. */
function stripMessage(r: Risk & { message?: string }): Risk {
  const { message: _message, ...risk } = r;
  return risk;
}

/** Loads a saved plan, checking each artifact against its recorded SHA-256. */
export async function loadPlan(file: string): Promise<Plan> {
  let doc: Omit<Plan, 'functions'> & {
    functions: (Omit<FunctionPlan, 'artifacts' | 'blocked' | 'risks'> & {
      artifacts?: Record<string, SavedArtifact>;
      blocked: string | null;
      block?: Block | null;
      risks: (Risk | { level: Risk['level']; message: string; code?: undefined })[];
    })[];
  };
  try {
    doc = JSON.parse(await readFile(file, 'utf8')) as typeof doc;
  } catch (e) {
    throw new UserError(
      `cannot read the plan ${file}: ${(e as Error).message}`,
      'Make one with `go-lambda-migrate plan --out FILE`.',
    );
  }
  if (doc.version !== 1 || !Array.isArray(doc.functions))
    throw new UserError(`${file} is not a plan of this tool (version 1).`);
  const functions: FunctionPlan[] = [];
  const loaded = new Map<string, Artifact>();
  for (const f of doc.functions) {
    const artifacts: Record<string, Artifact> = {};
    for (const [kind, a] of Object.entries(f.artifacts ?? {})) {
      const cached = loaded.get(a.file);
      if (cached) {
        artifacts[kind] = cached;
        continue;
      }
      const zip = await readFile(join(dirname(file), a.file)).catch(() => {
        throw new UserError(
          `the plan's artifact ${a.file} is missing.`,
          'Keep the .artifacts folder next to the plan, or plan again.',
        );
      });
      if (createHash('sha256').update(zip).digest('base64') !== a.sha256) {
        throw new UserError(
          `the plan's artifact ${a.file} was changed since the plan was made.`,
          'Plan again.',
        );
      }
      artifacts[kind] = { zip, sha256: a.sha256, size: a.size, architecture: a.architecture };
      loaded.set(a.file, artifacts[kind]);
    }
    // Plans saved before risks and blocks had codes carry only their words: kept as notes.
    const { block, blocked, risks, ...rest } = f;
    functions.push({
      ...rest,
      artifacts,
      blocked: block !== undefined ? block : blocked ? { code: 'note', text: blocked } : null,
      risks: risks.map((r) =>
        r.code === undefined ? { level: r.level, code: 'note', text: r.message } : stripMessage(r),
      ),
    });
  }
  return { ...doc, functions };
}

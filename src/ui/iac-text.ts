import type { IacFunctionResult, IacReport } from '../core/iac-plan.js';
import { FORMAT_NAMES } from '../iac/model.js';

/** What a line of the IaC section is, for a view that colours it. */
export type IacLineKind = 'head' | 'add' | 'del' | 'hunk' | 'note' | 'problem' | undefined;

const where = (r: IacFunctionResult) =>
  r.definition
    ? `${r.definition.id} in ${r.definition.origin === 'stack' ? `the deployed template of ${r.owner ?? 'its stack'}` : `${r.definition.file}:${r.definition.line}`} (${FORMAT_NAMES[r.definition.format]})`
    : '';

/** One function's IaC finding in words. */
export function iacStatusText(r: IacFunctionResult): string {
  switch (r.status) {
    case 'patched':
      return `${where(r)}: patched`;
    case 'up-to-date':
      return `${where(r)}: already says the new runtime, handler and architecture`;
    case 'ambiguous':
      return `defined ${r.claims!.length} times (${r.claims!.map((c) => `${c.file}:${c.line}`).join(', ')}): not patched`;
    case 'not-found':
      return r.owner ? `owned by ${r.owner}; no definition found` : 'no definition found';
    case 'source-elsewhere':
      return `owned by ${r.owner}: its template is generated`;
    case 'unreadable':
      return `owned by ${r.owner}: its template could not be read`;
    case 'blocked':
      return 'not patched: the function cannot migrate yet, and its definition must not get ahead of it';
  }
}

/** Colours a unified diff's lines. */
export function diffLines(patch: string): { text: string; kind: IacLineKind }[] {
  return patch
    .trimEnd()
    .split('\n')
    .map((text) => ({
      text,
      kind:
        text.startsWith('+++') || text.startsWith('---') || text.startsWith('diff ')
          ? 'head'
          : text.startsWith('@@')
            ? 'hunk'
            : text.startsWith('+')
              ? 'add'
              : text.startsWith('-')
                ? 'del'
                : undefined,
    }));
}

/** How to use the patch, once written. */
export function applyHint(base: string, patchFile: string): string {
  return `apply it with: git -C ${base} apply ${patchFile}`;
}

/**
 * The IaC section of a plan: each function's definition and notes, files that could not be read, then the
 * patch of the user's files and each patched stack template.
 */
export function iacLines(
  report: IacReport,
  options: { diffs?: boolean } = {},
): { text: string; kind: IacLineKind }[] {
  const out: { text: string; kind: IacLineKind }[] = [];
  if (report.functions.length === 0 && report.problems.length === 0) return out;
  out.push({ text: 'Infrastructure code (so that the next deploy keeps the migration):', kind: 'head' });
  for (const r of report.functions) {
    out.push({
      text: `  ${r.region}/${r.functionName}: ${iacStatusText(r)}`,
      kind: r.status === 'patched' || r.status === 'up-to-date' ? undefined : 'problem',
    });
    for (const n of r.notes) out.push({ text: `      ${n}`, kind: 'note' });
  }
  for (const p of report.problems)
    out.push({
      text: `  ${p.file}${p.line ? `:${p.line}` : ''}: cannot be read: ${p.message}`,
      kind: 'problem',
    });
  if (options.diffs !== false) {
    if (report.patch) out.push({ text: '', kind: undefined }, ...diffLines(report.patch));
    for (const s of report.stacks)
      out.push(
        { text: '', kind: undefined },
        { text: `# the deployed template of stack ${s.stack} (${s.region}), patched:`, kind: 'head' },
        ...diffLines(s.patch),
      );
  }
  const o = report.output;
  if (o?.patchFile)
    out.push(
      { text: '', kind: undefined },
      { text: `IaC patch written to ${o.patchFile}; ${applyHint(o.base, o.patchFile)}`, kind: 'head' },
    );
  for (const f of o?.stackFiles ?? [])
    out.push({ text: `patched stack template written to ${f}`, kind: 'head' });
  return out;
}

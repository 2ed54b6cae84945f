import { changingFunctions, type FunctionPlan, type Plan, type RiskLevel } from '../core/plan.js';
import { blockText, riskText, type Surface } from './plan-words.js';
import { iacLines, iacStatusText } from './iac-text.js';

const mb = (n: number | undefined) => (n === undefined ? '?' : `${(n / 1024 / 1024).toFixed(1)} MB`);
const arrow = (a: string, b: string) => (a === b ? a : `${a} -> ${b}`);

/** A terraform-plan-like text rendering. */
export function renderPlan(plan: Plan): string {
  const out: string[] = [];
  for (const f of plan.functions) out.push(...renderFunction(f), '');
  const migrate = changingFunctions(plan).length;
  const blocked = plan.functions.filter((f) => f.blocked).length;
  const same = plan.functions.length - migrate - blocked;
  if (plan.iac) {
    const lines = iacLines(plan.iac);
    if (lines.length > 0) out.push(...lines.map((l) => l.text), '');
  }
  out.push(`Plan: ${migrate} to migrate, ${blocked} blocked, ${same} unchanged. Nothing was changed.`);
  return out.join('\n');
}

const yesNo = (v: boolean | null) => (v === null ? '?' : v ? 'yes' : 'no');

/** What inspect found in the deployed binary, on one line. */
function binaryText(b: NonNullable<FunctionPlan['binary']>): string {
  const lib = b.lambdaLibrary
    ? `${b.lambdaLibrary.path.split('/').pop()} ${b.lambdaLibrary.version}`
    : 'no Lambda library';
  return `${b.goVersion ?? 'Go ?'}, ${lib}, Runtime API ${yesNo(b.runtimeApi)}, RPC ${yesNo(b.rpc)}, cgo ${yesNo(b.cgo)} (${b.verdict})`;
}

/** What a line of a function's plan is about, for a view that colours it. */
export type LineKind = 'change' | 'blocked' | 'unchanged' | RiskLevel | undefined;

/** A function's plan as lines, each with what it is about. */
export function functionLines(f: FunctionPlan, surface: Surface): { text: string; kind: LineKind }[] {
  const head = f.blocked ? '!' : f.strategy === 'none' ? '=' : '~';
  const out: { text: string; kind: LineKind }[] = [
    {
      text: `${head} ${f.region}/${f.functionName}${f.blocked ? '  (blocked)' : f.strategy === 'none' ? '' : `  (${f.strategy}${f.source ? ` from ${f.source}` : ''})`}`,
      kind: f.blocked ? 'blocked' : f.strategy === 'none' ? 'unchanged' : 'change',
    },
  ];
  const lines: string[] = [];
  if (f.binary) lines.push(`    binary:         ${binaryText(f.binary)}`);
  if (f.blocked) {
    out.push(...lines.map((text) => ({ text, kind: undefined })));
    out.push({ text: `    blocked: ${blockText(f.blocked, surface)}`, kind: 'blocked' });
    lines.length = 0;
  } else if (f.strategy !== 'none') {
    lines.push(
      `    runtime:        ${arrow(f.from.runtime, f.to.runtime)}`,
      `    handler:        ${arrow(f.from.handler, f.to.handler)}`,
      `    architectures:  ${arrow(f.from.architectures.join(','), f.to.architectures.join(','))}`,
      `    code size:      ${mb(f.from.codeSize)} -> ${mb(f.to.codeSize)}`,
    );
    const u = f.libraryUpgrade;
    if (u) {
      lines.push(
        `    aws-lambda-go:  ${u.from} -> ${u.to} (built from a copy of the source; your source is unchanged)`,
        `    go.mod/go.sum:  commit the same change: in ${u.patchRoot}, git apply this patch${surface === 'cli' ? ' (plan --out saves it as a file)' : ''}`,
        ...u.patch
          .trimEnd()
          .split('\n')
          .map((l) => `      ${l}`),
      );
    }
    if (f.smoke) {
      lines.push(
        `    smoke test:     ${f.smoke.ok ? 'ok' : `function error ${f.smoke.errorType ?? ''}`} (${f.smoke.durationMs.toFixed(1)} ms, ${f.smoke.maxMemoryUsedMb} MB${f.smoke.emulatedBy ? `, emulated by ${f.smoke.emulatedBy}` : ''})`,
      );
      // The function ran and answered with its own error: what it said, so that the user can tell whether
      // that is its answer to the test event or a sign the new build is broken.
      if (!f.smoke.ok) {
        const said = f.smoke.response.replace(/\s+/g, ' ').trim();
        lines.push(
          `      it answered: ${said.length > 300 ? `${said.slice(0, 299)}…` : said || '(nothing)'}`,
          `      the package runs (its runtime answered); check that this is the function's answer to the test event`,
        );
      }
    }
    lines.push('    steps:');
    f.steps.forEach((s, i) => lines.push(`      ${i + 1}. ${s.action}: ${s.detail}`));
  }
  out.push(...lines.map((text) => ({ text, kind: undefined })));
  for (const r of f.risks) out.push({ text: `    ${r.level}: ${riskText(r, surface)}`, kind: r.level });
  return out;
}

/** A function's plan as the CLI prints it. */
export function renderFunction(f: FunctionPlan): string[] {
  return functionLines(f, 'cli').map((l) => l.text);
}

/** The plan as Markdown (for pull requests and tickets). */
export function renderMarkdown(plan: Plan): string {
  const rows = plan.functions.map(
    (f) =>
      `| ${f.region} | ${f.functionName} | ${f.blocked ? `blocked: ${blockText(f.blocked, 'cli')}` : f.strategy} | ${arrow(f.from.runtime, f.to.runtime)} | ${arrow(f.from.handler, f.to.handler)} | ${arrow(f.from.architectures.join(','), f.to.architectures.join(','))} | ${f.risks
        .filter((r) => r.level !== 'info')
        .map((r) => riskText(r, 'cli'))
        .join('<br>')} |`,
  );
  const iac = plan.iac;
  const iacSection =
    iac && iac.functions.length > 0
      ? [
          '',
          '### Infrastructure code',
          '',
          ...iac.functions.map(
            (r) =>
              `- \`${r.region}/${r.functionName}\`: ${iacStatusText(r)}${r.notes.map((n) => ` ${n}`).join('')}`,
          ),
          ...iac.problems.map(
            (p) => `- \`${p.file}${p.line ? `:${p.line}` : ''}\` cannot be read: ${p.message}`,
          ),
          ...(iac.patch ? ['', '```diff', iac.patch.trimEnd(), '```'] : []),
          ...iac.stacks.flatMap((s) => [
            '',
            `Deployed template of stack \`${s.stack}\` (${s.region}):`,
            '',
            '```diff',
            s.patch.trimEnd(),
            '```',
          ]),
        ]
      : [];
  return [
    '| region | function | strategy | runtime | handler | architectures | risks |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    ...iacSection,
  ].join('\n');
}

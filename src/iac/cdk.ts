import type { Definition, DefinitionPatch, Edit, IacTarget, SourceFile } from './model.js';
import { lineEnd, lineOf, lineStart } from './model.js';
import { maskSource } from './mask.js';
import { lineEntry, renderTemplate } from './templates.js';

/** TypeScript with comments and the contents of strings and template literals blanked (same length). */
export function maskTs(text: string): string {
  const n = text.length;
  const skipQuoted = (start: number): number => {
    const q = text[start]!;
    let k = start + 1;
    while (k < n && text[k] !== q) {
      if (text[k] === '\\') k += 2;
      else if (q === '`' && text[k] === '$' && text[k + 1] === '{') {
        let depth = 1;
        k += 2;
        while (k < n && depth > 0) {
          if (text[k] === '"' || text[k] === "'" || text[k] === '`') k = skipQuoted(k);
          else {
            if (text[k] === '{') depth++;
            else if (text[k] === '}') depth--;
            k++;
          }
        }
      } else k++;
    }
    return Math.min(k + 1, n);
  };
  return maskSource(text, {
    lineComment: () => false,
    quoted: (i) => {
      if (text[i] !== '"' && text[i] !== "'" && text[i] !== '`') return undefined;
      const next = skipQuoted(i);
      return { next, from: i + 1, to: next - 1 };
    },
  });
}

interface Property {
  readonly key: string;
  readonly keyStart: number;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** The comma after the value, or -1. */
  readonly comma: number;
}

interface FunctionProps {
  readonly id: string;
  readonly open: number;
  readonly close: number;
  readonly props: Property[];
  readonly runtime: Property;
}

const found = new Map<string, FunctionProps[]>();

/** The object literals that hold `runtime: …Runtime.GO_1_X` (found once per text: every patch of a file reads them). */
function functionObjects(text: string): FunctionProps[] {
  let out = found.get(text);
  if (!out) {
    out = scanFunctionObjects(text);
    found.set(text, out);
    if (found.size > 32) found.delete(found.keys().next().value!);
  }
  return out;
}

/** The object literals that hold `runtime: …Runtime.GO_1_X`, with their construct ids and properties. */
function scanFunctionObjects(text: string): FunctionProps[] {
  const masked = maskTs(text);
  const out: FunctionProps[] = [];
  for (const m of masked.matchAll(/\bRuntime\s*\.\s*GO_1_X\b/g)) {
    let depth = 0;
    let open = -1;
    for (let k = m.index - 1; k >= 0; k--) {
      const c = masked[k]!;
      if (c === '}' || c === ')' || c === ']') depth++;
      else if (c === '{' || c === '(' || c === '[') {
        if (depth === 0) {
          if (c === '{') open = k;
          break;
        }
        depth--;
      }
    }
    if (open < 0) continue;
    depth = 0;
    let close = -1;
    const props: Property[] = [];
    let segment = open + 1;
    const finish = (end: number, comma: number) => {
      const seg = masked.slice(segment, end);
      const km = /^\s*([A-Za-z_$][\w$]*)\s*:\s*/.exec(seg);
      if (km) {
        let valueEnd = end;
        while (valueEnd > segment && /\s/.test(masked[valueEnd - 1]!)) valueEnd--;
        props.push({
          key: km[1]!,
          keyStart: segment + km[0].indexOf(km[1]!),
          valueStart: segment + km[0].length,
          valueEnd,
          comma,
        });
      }
      segment = end + 1;
    };
    for (let k = open + 1; k < masked.length; k++) {
      const c = masked[k]!;
      if (c === '{' || c === '(' || c === '[') depth++;
      else if (c === '}' || c === ')' || c === ']') {
        if (depth === 0) {
          finish(k, -1);
          close = k;
          break;
        }
        depth--;
      } else if (c === ',' && depth === 0) finish(k, k);
    }
    const runtime = props.find((p) => p.key === 'runtime' && p.valueEnd > m.index && p.valueStart <= m.index);
    if (close < 0 || !runtime) continue;
    const before = text.slice(Math.max(0, open - 300), open);
    const idMatch = /new\s+[\w$.]+\s*\(\s*[\w$.]+\s*,\s*(['"`])([^'"`]+)\1\s*,\s*$/.exec(before);
    out.push({ id: idMatch?.[2] ?? `line ${lineOf(text, open)}`, open, close, props, runtime });
  }
  return out;
}

const stringValue = (text: string, p: Property | undefined) =>
  p ? /^(['"`])([^'"`$]*)\1$/.exec(text.slice(p.valueStart, p.valueEnd))?.[2] : undefined;

/** The functions of a CDK TypeScript file that run on go1.x (`Runtime.GO_1_X`). */
export function cdkDefinitions(file: SourceFile): Definition[] {
  return functionObjects(file.text).map((o) => {
    const name = stringValue(
      file.text,
      o.props.find((p) => p.key === 'functionName'),
    );
    return {
      format: 'cdk' as const,
      file: file.path,
      id: o.id,
      line: lineOf(file.text, o.open),
      names: name ? [name] : [],
      runtime: 'go1.x',
    };
  });
}

/** The minimal change to one CDK function: its runtime, architecture and handler; the asset is the user's. */
export function patchCdkFunction(file: SourceFile, id: string, target: IacTarget): DefinitionPatch {
  const o = functionObjects(file.text).find((x) => x.id === id);
  if (!o) return { edits: [], notes: [`${id} no longer uses Runtime.GO_1_X in ${file.path}.`] };
  const text = file.text;
  const frag = renderTemplate('cdk', {
    name: id,
    id,
    runtime: target.runtime,
    arch: target.arch,
    source: '.',
  });
  const value = text.slice(o.runtime.valueStart, o.runtime.valueEnd);
  const ns = /^(.*?)Runtime\s*\.\s*GO_1_X/.exec(value)?.[1] ?? '';
  // The template's values, in the user's namespace (`lambda.` in the template).
  const templateValue = (key: string) =>
    lineEntry(frag, key)
      .replace(/^[^:]*:\s*/, '')
      .replace(/,$/, '')
      .replace(/\blambda\./g, ns);
  const edits: Edit[] = [];
  const notes: string[] = [];
  edits.push({
    file: file.path,
    start: o.runtime.valueStart,
    end: o.runtime.valueEnd,
    text: templateValue('runtime'),
  });
  const indent = text.slice(lineStart(text, o.runtime.keyStart), o.runtime.keyStart);
  const insertAfterRuntime = (key: string) => {
    const line = `${key}: ${templateValue(key)}`;
    if (o.runtime.comma >= 0) {
      const at = lineEnd(text, o.runtime.comma);
      const sameLine =
        text.slice(o.runtime.comma + 1, at).trim() !== '' &&
        !/^\s*\/\//.test(text.slice(o.runtime.comma + 1, at));
      return sameLine
        ? { file: file.path, start: o.runtime.comma + 1, end: o.runtime.comma + 1, text: ` ${line},` }
        : { file: file.path, start: at, end: at, text: `\n${indent}${line},` };
    }
    return {
      file: file.path,
      start: o.runtime.valueEnd,
      end: o.runtime.valueEnd,
      text: `,\n${indent}${line}`,
    };
  };
  const arch = o.props.find((p) => p.key === 'architecture');
  if (!arch) edits.push(insertAfterRuntime('architecture'));
  else if (text.slice(arch.valueStart, arch.valueEnd) !== templateValue('architecture'))
    edits.push({
      file: file.path,
      start: arch.valueStart,
      end: arch.valueEnd,
      text: templateValue('architecture'),
    });
  const handler = o.props.find((p) => p.key === 'handler');
  if (!handler) edits.push(insertAfterRuntime('handler'));
  else if (stringValue(text, handler) !== undefined) {
    if (stringValue(text, handler) !== 'bootstrap') {
      const q = text[handler.valueStart]!;
      edits.push({
        file: file.path,
        start: handler.valueStart,
        end: handler.valueEnd,
        text: `${q}bootstrap${q}`,
      });
    }
  } else notes.push(`${id}'s handler is an expression: make it 'bootstrap' by hand.`);
  const code = o.props.find((p) => p.key === 'code');
  const asset =
    code &&
    /Code\s*\.\s*fromAsset\s*\(\s*(['"`])([^'"`]*)\1/.exec(text.slice(code.valueStart, code.valueEnd));
  notes.push(
    asset
      ? `${id}'s asset ${asset[2]} must hold an executable named bootstrap: build it there (go-lambda-migrate templates build-script), or point fromAsset at the folder the script writes (build/NAME).`
      : `${id}'s code must hold an executable named bootstrap (go-lambda-migrate templates build-script).`,
  );
  return { edits, notes };
}

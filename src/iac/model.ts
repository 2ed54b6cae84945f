import type { Architecture } from '../lambda/lifecycle.js';

/** The tools a function's definition can be written for. */
export type IacFormat = 'sam' | 'cloudformation' | 'serverless' | 'terraform' | 'cdk';

/** Files worth reading: the extensions infrastructure code is written in. */
export const IAC_EXTENSIONS = /\.(ya?ml|json|template|tf|ts)$/;
/** Folders never read: dependencies, tool output (synthesized or packaged copies), version control. */
export const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  'cdk.out',
  '.terraform',
  '.aws-sam',
  '.serverless',
  'dist',
  'vendor',
]);

export const FORMAT_NAMES: Record<IacFormat, string> = {
  sam: 'SAM',
  cloudformation: 'CloudFormation',
  serverless: 'Serverless Framework',
  terraform: 'Terraform',
  cdk: 'CDK',
};

/** One file of infrastructure code: its path as the patch names it (relative to its base), and its text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** What the definitions are patched to. */
export interface IacTarget {
  readonly runtime: string;
  readonly arch: Architecture;
}

/** A Lambda function defined in a file. */
export interface Definition {
  readonly format: IacFormat;
  readonly file: string;
  /** Logical id (CloudFormation, SAM), resource address (Terraform), function key (Serverless), construct id (CDK). */
  readonly id: string;
  /** 1-based line of the definition. */
  readonly line: number;
  /** Function names the definition spells out (FunctionName, function_name, name); empty when generated. */
  readonly names: readonly string[];
  /** The Serverless service (its functions are named SERVICE-STAGE-KEY unless they say otherwise). */
  readonly service?: string;
  /** The runtime as far as the file says (through parameters, variables, globals); null when it cannot tell. */
  readonly runtime: string | null;
}

/** A file that could not be read as what it looks like, or a definition that cannot be patched. */
export interface IacProblem {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** One replacement in one file: [start, end) replaced by `text`. */
export interface Edit {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** What patching one definition changes, and what the user should know about it. */
export interface DefinitionPatch {
  readonly edits: Edit[];
  readonly notes: string[];
}

/** The offset each line starts at. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based index of the line holding `offset`, in a table of line starts. */
export function lineIndex(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

let lastText: string | undefined;
let lastStarts: number[] = [];

/** 1-based line of an offset (the line starts of the last text asked about are kept: files are asked about in turn). */
export function lineOf(text: string, offset: number): number {
  if (text !== lastText) {
    lastStarts = lineStarts(text);
    lastText = text;
  }
  return lineIndex(lastStarts, offset) + 1;
}

/** The offset where the line holding `offset` starts. */
export const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;

/** The offset of the end of the line holding `offset` (before its newline). */
export function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}

/** The whitespace that starts the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** Edits in the order they apply: by place, then in the order asked (insertions at one place keep it). */
export function orderedEdits(edits: readonly Edit[]): Edit[] {
  const seen = new Set<string>();
  const unique = edits.filter((e) => {
    const key = `${e.start}:${e.end}:${e.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.start - b.e.start || a.e.end - b.e.end || a.i - b.i)
    .map((x) => x.e);
}

/**
 * Applies edits to a text in one pass. Identical edits (two functions sharing one parameter) count once;
 * overlapping ones are refused: they would be two opinions on one place.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const e of orderedEdits(edits)) {
    if (e.start < at) throw new Error(`two changes overlap in ${e.file} at offset ${e.start}`);
    parts.push(text.slice(at, e.start), e.text);
    at = e.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

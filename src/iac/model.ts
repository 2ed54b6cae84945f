import type { Architecture } from '../lambda/lifecycle.js';

/** The tools a function's definition can be written for. */
export type IacFormat = 'sam' | 'cloudformation' | 'serverless' | 'terraform' | 'cdk';

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

/** 1-based line of an offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
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

/**
 * Applies edits to a text, last first. Identical edits (two functions sharing one parameter) count once;
 * overlapping ones are refused: they would be two opinions on one place.
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  // Insertions at one place keep the order they were asked in: the later one is applied first.
  const unique = [
    ...new Map(edits.map((e, i) => [`${e.start}:${e.end}:${e.text}`, { ...e, i }])).values(),
  ].sort((a, b) => b.start - a.start || b.end - a.end || b.i - a.i);
  let out = text;
  let limit = Infinity;
  for (const e of unique) {
    if (e.end > limit) throw new Error(`two changes overlap in ${e.file} at offset ${e.start}`);
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

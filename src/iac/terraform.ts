import type { Definition, DefinitionPatch, Edit, IacTarget, SourceFile } from './model.js';
import { lineEnd, lineOf, lineStart } from './model.js';
import { maskSource } from './mask.js';
import { lineEntry, renderTemplate } from './templates.js';

/**
 * The text with comments, string contents and heredocs blanked (newlines kept), so that braces, `=` and
 * names can be found with plain scanning. Quotes stay, so a string is `"   "` of its own length.
 */
export function maskHcl(text: string): string {
  const n = text.length;
  // Skips a string from its opening quote; returns the index after its closing quote.
  const skipString = (start: number): number => {
    let k = start + 1;
    while (k < n && text[k] !== '"' && text[k] !== '\n') {
      if (text[k] === '\\') k += 2;
      else if ((text[k] === '$' || text[k] === '%') && text[k + 1] === '{') k = skipInterpolation(k + 2);
      else k++;
    }
    return Math.min(k + 1, n);
  };
  const skipInterpolation = (start: number): number => {
    let depth = 1;
    let k = start;
    while (k < n && depth > 0) {
      if (text[k] === '"') k = skipString(k);
      else {
        if (text[k] === '{') depth++;
        else if (text[k] === '}') depth--;
        k++;
      }
    }
    return k;
  };
  return maskSource(text, {
    lineComment: (i) => text[i] === '#',
    quoted: (i) => {
      if (text[i] === '"') {
        const next = skipString(i);
        return { next, from: i + 1, to: next - 1 };
      }
      if (text[i] !== '<' || text[i + 1] !== '<') return undefined;
      const m = /^<<-?([A-Za-z_][\w]*)[ \t]*\n/.exec(text.slice(i, i + 200));
      if (!m) return undefined;
      const bodyStart = i + m[0].length;
      const found = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm').exec(text.slice(bodyStart));
      const end = found ? bodyStart + found.index + found[0].length : n;
      return { next: end, from: i + 2, to: end };
    },
  });
}

/** A block: `type "label" "label" { … }` with where its braces are. */
export interface HclBlock {
  readonly type: string;
  readonly labels: string[];
  readonly start: number;
  readonly open: number;
  readonly close: number;
}

/** An attribute of a block: `name = value`, with where its name and value are. */
export interface HclAttribute {
  readonly name: string;
  readonly nameStart: number;
  readonly eq: number;
  readonly valueStart: number;
  readonly valueEnd: number;
}

const OPEN = new Set(['{', '[', '(']);
const CLOSE = new Set(['}', ']', ')']);

/** Top-level blocks of a file. */
export function hclBlocks(text: string, masked = maskHcl(text)): HclBlock[] {
  const blocks: HclBlock[] = [];
  let depth = 0;
  let open = -1;
  for (let i = 0; i < masked.length; i++) {
    const c = masked[i]!;
    if (OPEN.has(c)) {
      if (depth === 0 && c === '{') open = i;
      depth++;
    } else if (CLOSE.has(c)) {
      depth--;
      if (depth === 0 && c === '}' && open >= 0) {
        const start = lineStart(text, open);
        const header = /^\s*([A-Za-z_][\w-]*)((?:\s+(?:"[^"]*"|[A-Za-z_][\w-]*))*)\s*\{$/.exec(
          text.slice(start, open + 1),
        );
        if (header) {
          const labels = [...header[2]!.matchAll(/"([^"]*)"|([A-Za-z_][\w-]*)/g)].map((m) => m[1] ?? m[2]!);
          blocks.push({ type: header[1]!, labels, start, open, close: i });
        }
        open = -1;
      }
    }
  }
  return blocks;
}

/** The attributes set directly in a block's body (not in nested blocks). */
export function hclAttributes(text: string, block: HclBlock, masked = maskHcl(text)): HclAttribute[] {
  const attrs: HclAttribute[] = [];
  let depth = 0;
  let i = block.open + 1;
  while (i < block.close) {
    const c = masked[i]!;
    if (depth === 0 && (i === block.open + 1 || masked[i - 1] === '\n')) {
      const m = /^[ \t]*([A-Za-z_][\w-]*)[ \t]*=(?!=)[ \t]*/.exec(masked.slice(i, lineEnd(masked, i)));
      if (m) {
        const nameStart = i + m[0].indexOf(m[1]!);
        const valueStart = i + m[0].length;
        let d = 0;
        let k = valueStart;
        for (; k < block.close; k++) {
          const ch = masked[k]!;
          if (OPEN.has(ch)) d++;
          else if (CLOSE.has(ch)) d--;
          else if (ch === '\n' && d === 0) break;
        }
        let end = k;
        while (end > valueStart && /\s/.test(masked[end - 1]!)) end--;
        attrs.push({ name: m[1]!, nameStart, eq: i + m[0].indexOf('='), valueStart, valueEnd: end });
        i = k;
        continue;
      }
    }
    if (OPEN.has(c)) depth++;
    else if (CLOSE.has(c)) depth--;
    i++;
  }
  return attrs;
}

/** One parsed .tf file. */
interface TfFile {
  readonly file: SourceFile;
  readonly masked: string;
  readonly blocks: HclBlock[];
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);
const MODULE_SOURCE = /terraform-aws-modules\/lambda\/aws|terraform-aws-modules\/terraform-aws-lambda/;

/** A value as the file gives it: a string literal, or one reached through a variable's default or a local. */
interface Resolved {
  readonly value: string | null;
  readonly at?: { file: SourceFile; start: number; end: number };
  readonly via?: string;
}

/** The Terraform files of one module (one directory), parsed. */
export class TerraformModule {
  private readonly files: TfFile[];
  constructor(files: readonly SourceFile[]) {
    this.files = files.map((file) => {
      const masked = maskHcl(file.text);
      return { file, masked, blocks: hclBlocks(file.text, masked) };
    });
  }

  /** Groups files by directory: Terraform reads a directory as one module. */
  static byDirectory(files: readonly SourceFile[]): TerraformModule[] {
    const dirs = new Map<string, SourceFile[]>();
    for (const f of files) dirs.set(dirOf(f.path), [...(dirs.get(dirOf(f.path)) ?? []), f]);
    return [...dirs.values()].map((fs) => new TerraformModule(fs));
  }

  private find(type: string, ...labels: string[]) {
    const key = `${type} ${labels.join(' ')}`;
    if (this.index.has(key)) return this.index.get(key);
    const found = this.scan(type, labels);
    this.index.set(key, found);
    return found;
  }

  private readonly index = new Map<string, { f: TfFile; b: HclBlock } | undefined>();

  private scan(type: string, labels: string[]) {
    for (const f of this.files)
      for (const b of f.blocks)
        if (b.type === type && labels.every((l, i) => b.labels[i] === l)) return { f, b };
    return undefined;
  }

  private readonly attributes = new Map<HclBlock, HclAttribute[]>();
  private blocksOfFunctions: { f: TfFile; b: HclBlock; id: string }[] | undefined;
  private defs: Definition[] | undefined;

  /** A block's attributes, scanned once. */
  private attrs(f: TfFile, b: HclBlock): HclAttribute[] {
    let a = this.attributes.get(b);
    if (!a) {
      a = hclAttributes(f.file.text, b, f.masked);
      this.attributes.set(b, a);
    }
    return a;
  }

  private attr(f: TfFile, b: HclBlock, name: string): HclAttribute | undefined {
    return this.attrs(f, b).find((a) => a.name === name);
  }

  /** What an attribute's value is, following `var.X` to its default and `local.X` to its definition. */
  private resolve(f: TfFile, a: HclAttribute | undefined): Resolved {
    if (!a) return { value: null };
    const raw = f.file.text.slice(a.valueStart, a.valueEnd);
    const lit = /^"([^"$%\\]*)"$/.exec(raw);
    if (lit) return { value: lit[1]!, at: { file: f.file, start: a.valueStart, end: a.valueEnd } };
    const v = /^var\.([A-Za-z_][\w-]*)$/.exec(raw);
    if (v) {
      const found = this.find('variable', v[1]!);
      const r = found && this.resolve(found.f, this.attr(found.f, found.b, 'default'));
      return r?.at ? { ...r, via: `variable ${v[1]}` } : { value: null, via: `variable ${v[1]}` };
    }
    const l = /^local\.([A-Za-z_][\w-]*)$/.exec(raw);
    if (l) {
      for (const f2 of this.files)
        for (const b of f2.blocks.filter((x) => x.type === 'locals')) {
          const r = this.resolve(f2, this.attr(f2, b, l[1]!));
          if (r.at) return { ...r, via: `local ${l[1]}` };
        }
      return { value: null, via: `local ${l[1]}` };
    }
    return { value: null };
  }

  private functionBlocks() {
    if (this.blocksOfFunctions) return this.blocksOfFunctions;
    const out: { f: TfFile; b: HclBlock; id: string }[] = [];
    for (const f of this.files)
      for (const b of f.blocks) {
        if (b.type === 'resource' && b.labels[0] === 'aws_lambda_function' && b.labels[1])
          out.push({ f, b, id: `aws_lambda_function.${b.labels[1]}` });
        if (b.type === 'module' && b.labels[0]) {
          const source = this.resolve(f, this.attr(f, b, 'source')).value;
          if (source && MODULE_SOURCE.test(source)) out.push({ f, b, id: `module.${b.labels[0]}` });
        }
      }
    this.blocksOfFunctions = out;
    return out;
  }

  /** The functions the module defines. */
  definitions(): Definition[] {
    return (this.defs ??= this.functionBlocks().map(({ f, b, id }) => {
      const name = this.resolve(f, this.attr(f, b, 'function_name')).value;
      return {
        format: 'terraform' as const,
        file: f.file.path,
        id,
        line: lineOf(f.file.text, b.start),
        names: name ? [name] : [],
        runtime: this.resolve(f, this.attr(f, b, 'runtime')).value,
      };
    }));
  }

  /**
   * The minimal change to one function: runtime, handler and architectures (where a variable's default or
   * a local gives them, there), and an archive_file that zips `bootstrap`.
   */
  patch(id: string, target: IacTarget): DefinitionPatch {
    const found = this.functionBlocks().find((x) => x.id === id);
    if (!found) return { edits: [], notes: [`${id} is not in the module any more.`] };
    const { f, b } = found;
    const edits: Edit[] = [];
    const notes: string[] = [];
    const frag = renderTemplate('terraform', {
      name: id,
      id: 'fn',
      runtime: target.runtime,
      arch: target.arch,
      source: '.',
    });
    const templateValue = (key: string) => lineEntry(frag, key).replace(/^[^=]*=\s*/, '');
    const text = f.file.text;
    const attrs = this.attrs(f, b);
    const runtimeAttr = attrs.find((a) => a.name === 'runtime');
    const setString = (name: string, value: string) => {
      const a = attrs.find((x) => x.name === name);
      const r = this.resolve(f, a);
      if (!a) {
        edits.push(insertAttribute(f.file, runtimeAttr ?? attrs.at(-1), b, name, templateValue(name)));
      } else if (r.at) {
        if (r.value !== value)
          edits.push({ file: r.at.file.path, start: r.at.start, end: r.at.end, text: `"${value}"` });
        if (r.via)
          notes.push(
            `${id}'s ${name} is ${r.via}: its value is patched to ${value} there; anything that sets ${r.via.split(' ')[1]} elsewhere (tfvars, -var) keeps its value.`,
          );
      } else
        notes.push(
          `${id}'s ${name} is an expression the patch does not rewrite: make it "${value}" by hand.`,
        );
    };
    setString('runtime', target.runtime);
    setString('handler', 'bootstrap');
    const archs = attrs.find((a) => a.name === 'architectures');
    if (!archs)
      edits.push(
        insertAttribute(
          f.file,
          runtimeAttr ?? attrs.at(-1),
          b,
          'architectures',
          templateValue('architectures'),
        ),
      );
    else if (/^\[\s*"[^"]*"\s*\]$/.test(text.slice(archs.valueStart, archs.valueEnd))) {
      if (text.slice(archs.valueStart, archs.valueEnd) !== `["${target.arch}"]`)
        edits.push({
          file: f.file.path,
          start: archs.valueStart,
          end: archs.valueEnd,
          text: `["${target.arch}"]`,
        });
    } else notes.push(`${id}'s architectures is an expression: make it ["${target.arch}"] by hand.`);
    if (id.startsWith('module.')) {
      notes.push(
        `${id} is built by the module from source_path: make that build an executable named bootstrap (go-lambda-migrate templates makefile).`,
      );
      return { edits, notes };
    }
    // The archive: data.archive_file.X zips a binary; it must be named bootstrap.
    const filename = attrs.find((a) => a.name === 'filename');
    const archive =
      filename &&
      /^data\.archive_file\.([A-Za-z_][\w-]*)\.output_path$/.exec(
        text.slice(filename.valueStart, filename.valueEnd),
      );
    const data = archive && this.find('data', 'archive_file', archive[1]!);
    const sourceFile = data && this.attr(data.f, data.b, 'source_file');
    if (data && sourceFile) {
      const raw = data.f.file.text.slice(sourceFile.valueStart, sourceFile.valueEnd);
      const m = /^"(.*\/)?([^/"]+)"$/.exec(raw);
      if (m && m[2] !== 'bootstrap') {
        edits.push({
          file: data.f.file.path,
          start: sourceFile.valueStart,
          end: sourceFile.valueEnd,
          text: `"${m[1] ?? ''}bootstrap"`,
        });
        notes.push(
          `data.archive_file.${archive[1]} now zips ${(m[1] ?? '').replace(/\$\{path\.module\}\/?/, '') || './'}bootstrap: build it there before terraform apply (go-lambda-migrate templates makefile).`,
        );
      }
    } else {
      notes.push(
        `${id}'s zip must hold an executable named bootstrap: build it with go-lambda-migrate templates build-script.`,
      );
    }
    return { edits, notes };
  }
}

/** An edit that adds `name = value` after an attribute, aligned the way `terraform fmt` aligns a group. */
function insertAttribute(
  file: SourceFile,
  after: HclAttribute | undefined,
  block: HclBlock,
  name: string,
  value: string,
): Edit {
  const text = file.text;
  if (!after) {
    const at = block.open + 1;
    return { file: file.path, start: at, end: at, text: `\n  ${name} = ${value}` };
  }
  const start = lineStart(text, after.nameStart);
  const indent = text.slice(start, after.nameStart);
  const width = Math.max(after.eq - after.nameStart, name.length + 1);
  const at = lineEnd(text, after.valueEnd - 1);
  return { file: file.path, start: at, end: at, text: `\n${indent}${name.padEnd(width)}= ${value}` };
}

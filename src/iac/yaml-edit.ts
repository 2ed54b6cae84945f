import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import {
  indentAt,
  lineEnd,
  lineOf,
  lineStart,
  type Edit,
  type IacProblem,
  type SourceFile,
} from './model.js';

type Range = [number, number, number];
const rangeOf = (n: unknown): Range | undefined => (n as { range?: Range } | null)?.range ?? undefined;

/** Recent parses, by text (documents are only read, never changed). */
const parsed = new Map<string, Document.Parsed>();
const PARSED_KEPT = 32;

/**
 * Parses YAML or JSON keeping every node's place in the text (and tags such as CloudFormation's `!Ref`,
 * which stay on their nodes). Errors come back as problems with their line; tags the parser does not know
 * are not errors.
 */
export function parseYaml(file: SourceFile): { doc: Document.Parsed; problems: IacProblem[] } {
  // Each function of a file is found, then patched, from the same parse: a template of 500 functions is parsed once.
  let doc = parsed.get(file.text);
  if (!doc) {
    doc = parseDocument(file.text, { keepSourceTokens: true, uniqueKeys: false });
    parsed.set(file.text, doc);
    if (parsed.size > PARSED_KEPT) parsed.delete(parsed.keys().next().value!);
  }
  const problems = doc.errors.map((e) => ({
    file: file.path,
    line: e.linePos?.[0].line ?? lineOf(file.text, e.pos[0]),
    message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
  }));
  return { doc, problems };
}

/** The pair of `key` in a map (keys compared as text). */
export function pairOf(map: unknown, key: string): Pair<Node, Node | null> | undefined {
  if (!isMap(map)) return undefined;
  return map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key) as
    Pair<Node, Node | null> | undefined;
}

/** The value of `key` in a map. */
export const valueOf = (map: unknown, key: string): Node | null | undefined => pairOf(map, key)?.value;

/** A plain (untagged) scalar's text, or undefined. */
export function plainText(node: unknown): string | undefined {
  if (!isScalar(node) || node.tag) return undefined;
  const v = node.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** The first line of a node. */
export const nodeLine = (text: string, node: unknown) => lineOf(text, rangeOf(node)?.[0] ?? 0);

/** An edit that puts `value` in place of a scalar, keeping its quotes. */
export function replaceScalar(file: SourceFile, node: Node, value: string): Edit {
  const [start, end] = rangeOf(node)!;
  const type = isScalar(node) ? node.type : undefined;
  const q = type === 'QUOTE_DOUBLE' ? '"' : type === 'QUOTE_SINGLE' ? "'" : '';
  // A plain scalar that needs quotes in the new text (none of ours do) would be quoted as JSON.
  return { file: file.path, start, end, text: `${q}${value}${q}` };
}

/** The key's column and the line start of a pair. */
function keyPlace(text: string, pair: Pair): { keyStart: number; indent: string } {
  const keyStart = rangeOf(pair.key)![0];
  return { keyStart, indent: ' '.repeat(keyStart - lineStart(text, keyStart)) };
}

/** Where a pair's last line ends (its value's end, before trailing blank or comment lines). */
function pairEnd(text: string, pair: Pair): number {
  const value = rangeOf(pair.value) ?? rangeOf(pair.key)!;
  let end = value[1];
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  return end;
}

/**
 * An edit that adds an entry (lines as a template gives them, unindented) to `map` next to `after` (or
 * before `before`): lines at the key's indentation in a block map; `, "key": value` in a flow map (JSON).
 */
export function insertEntry(
  file: SourceFile,
  map: YAMLMap,
  entry: { lines: readonly string[]; key: string; json: unknown },
  place: { after: Pair } | { before: Pair },
): Edit {
  const text = file.text;
  if (map.flow) {
    const pair = 'after' in place ? place.after : place.before;
    const { indent } = keyPlace(text, pair);
    const sameLine = lineOf(text, rangeOf(pair.key)![0]) === lineOf(text, rangeOf(map)![0]);
    const item = `${JSON.stringify(entry.key)}: ${JSON.stringify(entry.json)}`;
    if ('after' in place) {
      const at = pairEnd(text, pair);
      return { file: file.path, start: at, end: at, text: sameLine ? `, ${item}` : `,\n${indent}${item}` };
    }
    const at = rangeOf(pair.key)![0];
    return { file: file.path, start: at, end: at, text: sameLine ? `${item}, ` : `${item},\n${indent}` };
  }
  if ('after' in place) {
    const { indent } = keyPlace(text, place.after);
    const at = lineEnd(text, pairEnd(text, place.after) - 1);
    return { file: file.path, start: at, end: at, text: entry.lines.map((l) => `\n${indent}${l}`).join('') };
  }
  const { keyStart } = keyPlace(text, place.before);
  const at = lineStart(text, keyStart);
  const indent = indentAt(text, keyStart);
  return { file: file.path, start: at, end: at, text: entry.lines.map((l) => `${indent}${l}\n`).join('') };
}

/** The last pair of a map. */
export const lastPair = (map: YAMLMap) => map.items.at(-1) as Pair;

export { isMap, isSeq, isScalar };

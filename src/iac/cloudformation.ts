import { isMap, isScalar, isSeq, parse, type Node, type YAMLMap } from 'yaml';
import type { Definition, DefinitionPatch, Edit, IacProblem, IacTarget, SourceFile } from './model.js';
import { renderTemplate, yamlEntry, type TemplateName } from './templates.js';
import { insertEntry, nodeLine, pairOf, parseYaml, plainText, replaceScalar, valueOf } from './yaml-edit.js';

const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);
const GO_RUNTIMES = new Set(['go1.x', 'provided', 'provided.al2']);

/** True when a parsed YAML/JSON document is a CloudFormation or SAM template. */
export function isTemplate(doc: unknown): boolean {
  return isMap(doc) && isMap(valueOf(doc, 'Resources'));
}

/** SAM when the template is transformed by SAM or declares SAM functions. */
function isSam(root: YAMLMap, type: string | undefined): boolean {
  if (type === 'AWS::Serverless::Function') return true;
  const t = valueOf(root, 'Transform');
  const names = isSeq(t) ? t.items.map(plainText) : [plainText(t)];
  return names.some((n) => n?.startsWith('AWS::Serverless'));
}

/** What `!Ref X` / `{"Ref": "X"}` names, or undefined. */
function refName(node: Node | null | undefined): string | undefined {
  if (isScalar(node) && node.tag === '!Ref') return String(node.value);
  if (isMap(node) && node.items.length === 1) return plainText(valueOf(node, 'Ref'));
  return undefined;
}

/** `!FindInMap [Map, Top, Second]` / `{"Fn::FindInMap": [...]}`: the map and the second key, when literal. */
function findInMap(node: Node | null | undefined): { map: string; key: string } | undefined {
  const seq =
    isSeq(node) && node.tag === '!FindInMap'
      ? node
      : isMap(node)
        ? valueOf(node, 'Fn::FindInMap')
        : undefined;
  if (!isSeq(seq) || seq.items.length !== 3) return undefined;
  const map = plainText(seq.items[0]);
  const key = plainText(seq.items[2]);
  return map && key ? { map, key } : undefined;
}

/** The runtime a function's properties give, through parameters, mappings and SAM's Globals. */
function resolveRuntime(root: YAMLMap, props: unknown, sam: boolean): string | null {
  const node = valueOf(props, 'Runtime');
  if (node === undefined) {
    const globals = valueOf(valueOf(root, 'Globals'), 'Function');
    return sam && globals ? resolveRuntime(root, globals, false) : null;
  }
  const plain = plainText(node);
  if (plain) return plain;
  const ref = refName(node);
  if (ref) return plainText(valueOf(valueOf(valueOf(root, 'Parameters'), ref), 'Default')) ?? null;
  const fim = findInMap(node);
  if (fim) {
    const mapping = valueOf(valueOf(root, 'Mappings'), fim.map);
    const values = isMap(mapping) ? mapping.items.map((p) => plainText(valueOf(p.value, fim.key))) : [];
    return values.find((v) => v && GO_RUNTIMES.has(v)) ?? values.find(Boolean) ?? null;
  }
  return null;
}

/** The functions a template defines, and its parse errors. */
export function templateDefinitions(file: SourceFile): { definitions: Definition[]; problems: IacProblem[] } {
  const { doc, problems } = parseYaml(file);
  const root = doc.contents;
  if (problems.length > 0 || !isMap(root) || !isTemplate(root)) return { definitions: [], problems };
  const resources = valueOf(root, 'Resources') as YAMLMap;
  const definitions: Definition[] = [];
  for (const pair of resources.items) {
    const type = plainText(valueOf(pair.value, 'Type'));
    if (!type || !FUNCTION_TYPES.has(type)) continue;
    const props = valueOf(pair.value, 'Properties');
    const name = plainText(valueOf(props, 'FunctionName'));
    definitions.push({
      format: isSam(root, type) ? 'sam' : 'cloudformation',
      file: file.path,
      id: String((pair.key as { value: unknown }).value),
      line: nodeLine(file.text, pair.key),
      names: name ? [name] : [],
      runtime: resolveRuntime(root, props, type === 'AWS::Serverless::Function'),
    });
  }
  return { definitions, problems };
}

/** The rendered template fragment a patch takes its lines from. */
function fragment(name: TemplateName, id: string, target: IacTarget): string {
  return renderTemplate(name, { name: id, id, runtime: target.runtime, arch: target.arch, source: '.' });
}

const values = new Map<string, unknown>();
/** A rendered fragment's value (parsed once). */
function fragmentValue(text: string): unknown {
  if (!values.has(text)) {
    values.set(text, parse(text));
    if (values.size > 64) values.delete(values.keys().next().value!);
  }
  return values.get(text);
}

/** An entry of a fragment: its lines, key and value. */
function entry(text: string, path: string[]) {
  const lines = yamlEntry(text, path);
  const key = path.at(-1)!;
  const json = (fragmentValue(text) as Record<string, Record<string, unknown>>)[path[0]!];
  let value: unknown = json;
  for (const k of path.slice(1)) value = (value as Record<string, unknown>)[k];
  return { lines, key, json: value };
}

/**
 * The minimal change to one function of a template: Runtime, Handler and Architectures, and for SAM the
 * build (Metadata BuildMethod go1.x builds a bootstrap). A runtime that comes from a parameter or a mapping
 * is patched there (at the parameter's default), and the notes say so.
 */
export function patchTemplateFunction(file: SourceFile, id: string, target: IacTarget): DefinitionPatch {
  const { doc } = parseYaml(file);
  const root = doc.contents as YAMLMap;
  const resource = valueOf(valueOf(root, 'Resources'), id);
  const props = valueOf(resource, 'Properties');
  const type = plainText(valueOf(resource, 'Type'));
  const sam = isSam(root, type);
  const json = file.path.endsWith('.json') || (isMap(root) && root.flow === true);
  const frag = fragment(sam ? 'sam' : json ? 'cloudformation-json' : 'cloudformation', id, target);
  const propsPath = sam ? [id, 'Properties'] : [id, 'Properties'];
  const edits: Edit[] = [];
  const notes: string[] = [];
  if (!isMap(props)) return { edits, notes: [`${id} has no Properties map to patch: change it by hand.`] };

  // Runtime
  const runtimePair = pairOf(props, 'Runtime');
  const runtime = runtimePair?.value;
  const handlerPair = pairOf(props, 'Handler');
  const anchor = runtimePair ?? handlerPair ?? (props.items.at(-1) as typeof runtimePair)!;
  if (!runtimePair) {
    edits.push(insertEntry(file, props, entry(frag, [...propsPath, 'Runtime']), { after: anchor }));
    if (sam && valueOf(valueOf(root, 'Globals'), 'Function'))
      notes.push(`${id} takes its runtime from Globals; the patch sets ${target.runtime} on ${id} alone.`);
  } else if (plainText(runtime) !== undefined) {
    if (plainText(runtime) !== target.runtime) edits.push(replaceScalar(file, runtime!, target.runtime));
  } else if (refName(runtime)) {
    const param = refName(runtime)!;
    const def = valueOf(valueOf(valueOf(root, 'Parameters'), param), 'Default');
    if (def && plainText(def) !== undefined) {
      edits.push(replaceScalar(file, def, target.runtime));
      const allowed = valueOf(valueOf(valueOf(root, 'Parameters'), param), 'AllowedValues');
      if (isSeq(allowed) && !allowed.items.some((n) => plainText(n) === target.runtime)) {
        const old = allowed.items.find((n) => plainText(n) === plainText(def));
        if (old) edits.push(replaceScalar(file, old as Node, target.runtime));
      }
      notes.push(
        `${id}'s runtime is the parameter ${param}: its default is patched to ${target.runtime}; a stack deployed with ${param} set keeps that value until you set it too.`,
      );
    } else
      notes.push(
        `${id}'s runtime is the parameter ${param}, which has no default: deploy with ${param}=${target.runtime}.`,
      );
  } else if (findInMap(runtime)) {
    const { map, key } = findInMap(runtime)!;
    const mapping = valueOf(valueOf(root, 'Mappings'), map);
    let patched = 0;
    if (isMap(mapping))
      for (const p of mapping.items) {
        const v = valueOf(p.value, key);
        if (v && plainText(v) !== undefined && GO_RUNTIMES.has(plainText(v)!)) {
          edits.push(replaceScalar(file, v, target.runtime));
          patched++;
        }
      }
    notes.push(
      `${id}'s runtime comes from the mapping ${map} (key ${key}): ${patched} value(s) patched to ${target.runtime}.`,
    );
  } else {
    notes.push(
      `${id}'s Runtime is an expression the patch does not rewrite: make it ${target.runtime} by hand.`,
    );
  }

  // Handler
  if (!handlerPair) {
    edits.push(insertEntry(file, props, entry(frag, [...propsPath, 'Handler']), { after: anchor }));
  } else if (plainText(handlerPair.value) !== 'bootstrap') {
    if (isScalar(handlerPair.value)) edits.push(replaceScalar(file, handlerPair.value, 'bootstrap'));
    else notes.push(`${id}'s Handler is an expression: make it bootstrap by hand.`);
  }

  // Architectures
  const archs = valueOf(props, 'Architectures');
  if (archs === undefined) {
    edits.push(insertEntry(file, props, entry(frag, [...propsPath, 'Architectures']), { after: anchor }));
  } else if (isSeq(archs) && archs.items.length === 1 && plainText(archs.items[0]) !== undefined) {
    if (plainText(archs.items[0]) !== target.arch)
      edits.push(replaceScalar(file, archs.items[0] as Node, target.arch));
  } else notes.push(`${id}'s Architectures is not a plain list: make it [${target.arch}] by hand.`);

  // The build
  if (sam) {
    const metadataPair = pairOf(resource, 'Metadata');
    const propsPair = pairOf(resource, 'Properties')!;
    const build = plainText(valueOf(metadataPair?.value, 'BuildMethod'));
    if (!metadataPair) {
      edits.push(
        insertEntry(file, resource as YAMLMap, entry(frag, [id, 'Metadata']), { before: propsPair }),
      );
    } else if (build === undefined && isMap(metadataPair.value) && metadataPair.value.items.length > 0) {
      edits.push(
        insertEntry(file, metadataPair.value, entry(frag, [id, 'Metadata', 'BuildMethod']), {
          before: metadataPair.value.items[0] as never,
        }),
      );
    } else if (build !== undefined && build !== 'go1.x') {
      notes.push(
        `${id} is built with BuildMethod ${build}: make it build an executable named bootstrap (go-lambda-migrate templates makefile).`,
      );
    }
    const codeUri = plainText(valueOf(props, 'CodeUri'));
    if (codeUri && /\.zip$/i.test(codeUri))
      notes.push(
        `${id}'s CodeUri is a zip (${codeUri}): it must hold an executable named bootstrap (go-lambda-migrate templates build-script).`,
      );
  } else {
    notes.push(
      `${id}'s Code must hold an executable named bootstrap: build it with go-lambda-migrate templates build-script.`,
    );
  }
  return { edits, notes };
}

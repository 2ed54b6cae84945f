import { isMap, parse, type Node, type YAMLMap } from 'yaml';
import type { Definition, DefinitionPatch, Edit, IacProblem, IacTarget, SourceFile } from './model.js';
import { renderTemplate, yamlEntry } from './templates.js';
import { insertEntry, nodeLine, pairOf, parseYaml, plainText, replaceScalar, valueOf } from './yaml-edit.js';

/** True when a parsed document is a Serverless Framework service (serverless.yml). */
export function isService(root: unknown): boolean {
  return isMap(root) && valueOf(root, 'service') !== undefined && isMap(valueOf(root, 'functions'));
}

const serviceName = (root: YAMLMap) =>
  plainText(valueOf(root, 'service')) ?? plainText(valueOf(valueOf(root, 'service'), 'name'));

/** A literal name: one without Serverless variables (`${sls:stage}`). */
const literal = (s: string | undefined) => (s && !s.includes('${') ? s : undefined);

/** The functions of a serverless.yml, and its parse errors. */
export function serviceDefinitions(file: SourceFile): { definitions: Definition[]; problems: IacProblem[] } {
  const { doc, problems } = parseYaml(file);
  const root = doc.contents;
  if (problems.length > 0 || !isService(root)) return { definitions: [], problems };
  const service = literal(serviceName(root as YAMLMap));
  const providerRuntime = plainText(valueOf(valueOf(root, 'provider'), 'runtime'));
  const definitions: Definition[] = [];
  for (const pair of (valueOf(root, 'functions') as YAMLMap).items) {
    const name = literal(plainText(valueOf(pair.value, 'name')));
    definitions.push({
      format: 'serverless',
      file: file.path,
      id: String((pair.key as { value: unknown }).value),
      line: nodeLine(file.text, pair.key),
      names: name ? [name] : [],
      ...(service && { service }),
      runtime: plainText(valueOf(pair.value, 'runtime')) ?? providerRuntime ?? null,
    });
  }
  return { definitions, problems };
}

/**
 * The minimal change to one function of a serverless.yml: its own runtime, architecture and handler (the
 * provider's settings stay for the service's other functions), and an artifact that holds bootstrap.
 */
export function patchServiceFunction(file: SourceFile, key: string, target: IacTarget): DefinitionPatch {
  const { doc } = parseYaml(file);
  const root = doc.contents as YAMLMap;
  const fn = valueOf(valueOf(root, 'functions'), key);
  const edits: Edit[] = [];
  const notes: string[] = [];
  if (!isMap(fn)) return { edits, notes: [`functions.${key} is not a map: change it by hand.`] };
  const frag = renderTemplate('serverless', {
    name: key,
    id: key,
    runtime: target.runtime,
    arch: target.arch,
    source: '.',
  });
  const parsed = parse(frag) as Record<string, Record<string, unknown>>;
  const entry = (path: string[]) => {
    let json: unknown = parsed[key];
    for (const k of path) json = (json as Record<string, unknown>)[k];
    return { lines: yamlEntry(frag, [key, ...path]), key: path.at(-1)!, json };
  };
  const handler = pairOf(fn, 'handler');
  const anchor = handler ?? (fn.items.at(-1) as NonNullable<typeof handler>);
  const set = (prop: string, value: string) => {
    const pair = pairOf(fn, prop);
    if (!pair) edits.push(insertEntry(file, fn, entry([prop]), { after: anchor }));
    else if (plainText(pair.value) !== value) edits.push(replaceScalar(file, pair.value as Node, value));
  };
  set('handler', 'bootstrap');
  set('runtime', target.runtime);
  set('architecture', target.arch);
  const provider = valueOf(root, 'provider');
  const providerRuntime = plainText(valueOf(provider, 'runtime'));
  if (providerRuntime && providerRuntime !== target.runtime && !pairOf(fn, 'runtime'))
    notes.push(
      `provider.runtime stays ${providerRuntime} for the service's other functions; ${key} gets its own.`,
    );
  const pkg = pairOf(fn, 'package');
  if (!pkg) edits.push(insertEntry(file, fn, entry(['package']), { after: anchor }));
  else if (isMap(pkg.value) && !pairOf(pkg.value, 'artifact') && pkg.value.items.length > 0)
    edits.push(
      insertEntry(file, pkg.value, entry(['package', 'artifact']), { before: pkg.value.items[0] as never }),
    );
  else
    notes.push(
      `functions.${key}.package.artifact must hold an executable named bootstrap (go-lambda-migrate templates build-script).`,
    );
  notes.push(
    `Build build/${key}.zip before \`serverless deploy\`: go-lambda-migrate templates build-script writes the script.`,
  );
  return { edits, notes };
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDocument, isMap, isPair, type Pair } from 'yaml';
import { lineEnd, lineStart } from './model.js';

/** Where the templates live (shipped with the package). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** Every file of templates/, what it is, and where the code uses it. */
export const TEMPLATES = {
  makefile: {
    file: 'build/Makefile',
    out: 'Makefile.{{name}}',
    about: 'a make target that builds bootstrap and zips it',
  },
  'build-script': {
    file: 'build/build.sh',
    out: 'build.sh',
    about: 'a shell script that builds bootstrap and zips it',
  },
  'github-actions': {
    file: 'ci/github-actions.yml',
    out: '.github/workflows/{{name}}.yml',
    about: 'a GitHub Actions workflow that builds and zips bootstrap',
  },
  sam: { file: 'iac/sam.yaml', out: '{{name}}.sam.yaml', about: 'a SAM function (patches of SAM templates)' },
  cloudformation: {
    file: 'iac/cloudformation.yaml',
    out: '{{name}}.cloudformation.yaml',
    about: 'a CloudFormation function (patches of YAML templates)',
  },
  'cloudformation-json': {
    file: 'iac/cloudformation.json',
    out: '{{name}}.cloudformation.json',
    about: 'a CloudFormation function (patches of JSON templates)',
  },
  terraform: {
    file: 'iac/terraform.tf',
    out: '{{name}}.tf',
    about: 'a Terraform function and its archive (patches of .tf files)',
  },
  serverless: {
    file: 'iac/serverless.yml',
    out: '{{name}}.serverless.yml',
    about: 'a Serverless Framework function (patches of serverless.yml)',
  },
  cdk: {
    file: 'iac/cdk.ts',
    out: '{{name}}.cdk.ts',
    about: 'a CDK function (patches of CDK TypeScript code)',
  },
} as const;

export type TemplateName = keyof typeof TEMPLATES;

/** The values a template is rendered with. */
export interface TemplateValues {
  readonly name: string;
  readonly id: string;
  readonly runtime: string;
  readonly arch: string;
  readonly source: string;
}

const cache = new Map<string, string>();

/** A template's text as shipped. */
export function templateText(name: TemplateName): string {
  const file = TEMPLATES[name].file;
  let text = cache.get(file);
  if (text === undefined) {
    text = readFileSync(TEMPLATES_DIR + file, 'utf8');
    cache.set(file, text);
  }
  return text;
}

/** Fills `{{placeholders}}`; a placeholder without a value is an error in the template, not in the input. */
export function render(text: string, values: TemplateValues): string {
  const all: Record<string, string> = {
    ...values,
    goarch: values.arch === 'arm64' ? 'arm64' : 'amd64',
    target: values.name.replace(/[^A-Za-z0-9_-]/g, '-'),
    cdkRuntime: values.runtime.toUpperCase().replace(/\./g, '_'),
    cdkArch: values.arch === 'arm64' ? 'ARM_64' : 'X86_64',
  };
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const v = all[key];
    if (v === undefined) throw new Error(`template placeholder {{${key}}} has no value`);
    return v;
  });
}

/** A rendered template. */
export const renderTemplate = (name: TemplateName, values: TemplateValues) =>
  render(templateText(name), values);

/** The lines of a pair in a YAML (or JSON) text, from its key to its value's end, without their indentation. */
function pairLines(text: string, pair: Pair): string[] {
  const key = (pair.key as { range: [number, number, number] }).range;
  const value = (pair.value as { range?: [number, number, number] } | null)?.range ?? key;
  const start = lineStart(text, key[0]);
  const indent = key[0] - start;
  return text
    .slice(start, lineEnd(text, Math.max(value[1] - 1, key[0])))
    .split('\n')
    .map((l) => l.slice(indent));
}

/**
 * The lines of the entry at `path` (keys from the top) of a rendered YAML or JSON template, unindented:
 * what a patch inserts when a definition lacks the key.
 */
export function yamlEntry(text: string, path: readonly string[]): string[] {
  const key = `${path.join('\0')}\0${text}`;
  let lines = entries.get(key);
  if (!lines) {
    lines = findEntry(text, path);
    entries.set(key, lines);
    if (entries.size > 256) entries.delete(entries.keys().next().value!);
  }
  return lines;
}

/** Entries already taken from rendered fragments (a patch of 500 functions renders the same fragment 500 times). */
const entries = new Map<string, string[]>();

function findEntry(text: string, path: readonly string[]): string[] {
  const doc = parseDocument(text, { keepSourceTokens: true });
  let node: unknown = doc.contents;
  let found: Pair | undefined;
  for (const key of path) {
    if (!isMap(node)) throw new Error(`template has no ${path.join('.')}`);
    found = node.items.find((p) => isPair(p) && String((p.key as { value?: unknown }).value) === key);
    if (!found) throw new Error(`template has no ${path.join('.')}`);
    node = found.value;
  }
  return pairLines(text, found!);
}

/**
 * The line of a Terraform or CDK template that sets `key` (`key = …` or `key: …`), unindented, without a
 * trailing comma's absence being changed.
 */
export function lineEntry(text: string, key: string): string {
  const m = new RegExp(`^[ \\t]*(${key}\\s*[=:].*)$`, 'm').exec(text);
  if (!m) throw new Error(`template has no line for ${key}`);
  return m[1]!;
}

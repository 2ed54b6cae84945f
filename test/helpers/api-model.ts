import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A shape of an AWS API model (botocore's JSON), as far as validation needs it. */
export interface Shape {
  readonly type: string;
  readonly members?: Record<string, { shape: string; location?: string; locationName?: string }>;
  readonly required?: string[];
  readonly member?: { shape: string };
  readonly key?: { shape: string };
  readonly value?: { shape: string };
  readonly enum?: string[];
  readonly pattern?: string;
  readonly min?: number;
  readonly max?: number;
  readonly payload?: string;
  readonly error?: { httpStatusCode: number };
}

export interface Operation {
  readonly name: string;
  readonly http: { method: string; requestUri: string; responseCode?: number };
  readonly output?: { shape: string };
  readonly errors?: { shape: string }[];
}

export interface ApiModel {
  readonly operations: Record<string, Operation>;
  readonly shapes: Record<string, Shape>;
}

/** botocore's data folder: from the Python that has botocore, else Debian's python3-botocore. */
function botocoreData(): string | undefined {
  try {
    const dir = execFileSync(
      'python3',
      ['-c', 'import botocore, os; print(os.path.join(os.path.dirname(botocore.__file__), "data"))'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).trim();
    if (existsSync(dir)) return dir;
  } catch {
    // no botocore in this python
  }
  const debian = '/usr/lib/python3/dist-packages/botocore/data';
  return existsSync(debian) ? debian : undefined;
}

/** The official model of `service` at `version`, as botocore ships it (gzipped or not). */
export function loadModel(service: string, version: string): ApiModel {
  const data = botocoreData();
  if (!data) throw new Error('botocore is not installed (apt-get install python3-botocore)');
  const base = join(data, service, version, 'service-2.json');
  const raw = existsSync(base) ? readFileSync(base) : gunzipSync(readFileSync(`${base}.gz`));
  return JSON.parse(raw.toString('utf8')) as ApiModel;
}

/** Deviations of `value` from `shapeName`, each with its path; `where` names the body's part being checked. */
export function validate(model: ApiModel, shapeName: string, value: unknown, path: string): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${path}: the model has no shape ${shapeName}`];
  const out: string[] = [];
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  switch (shape.type) {
    case 'structure': {
      if (kind(value) !== 'object') return [`${path}: ${kind(value)} where ${shapeName} is a structure`];
      const v = value as Record<string, unknown>;
      const members = shape.members ?? {};
      for (const key of Object.keys(v)) {
        const m = members[key];
        if (!m) out.push(`${path}.${key}: not a member of ${shapeName}`);
        else if (m.location)
          out.push(`${path}.${key}: travels in the ${m.location} (${m.locationName ?? ''}), not the body`);
        else out.push(...validate(model, m.shape, v[key], `${path}.${key}`));
      }
      for (const r of shape.required ?? [])
        if (!(r in v) && !members[r]?.location) out.push(`${path}.${r}: required by ${shapeName}, missing`);
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) return [`${path}: ${kind(value)} where ${shapeName} is a list`];
      value.forEach((e, i) => out.push(...validate(model, shape.member!.shape, e, `${path}[${i}]`)));
      return out;
    case 'map':
      if (kind(value) !== 'object') return [`${path}: ${kind(value)} where ${shapeName} is a map`];
      for (const [k, e] of Object.entries(value as Record<string, unknown>)) {
        out.push(...validate(model, shape.key!.shape, k, `${path}{key}`));
        out.push(...validate(model, shape.value!.shape, e, `${path}.${k}`));
      }
      return out;
    case 'string': {
      if (typeof value !== 'string') return [`${path}: ${kind(value)} where ${shapeName} is a string`];
      if (shape.enum && !shape.enum.includes(value))
        out.push(`${path}: '${value}' is not in ${shapeName}'s enum [${shape.enum.join(', ')}]`);
      if (shape.min !== undefined && value.length < shape.min) out.push(`${path}: shorter than ${shape.min}`);
      if (shape.max !== undefined && value.length > shape.max) out.push(`${path}: longer than ${shape.max}`);
      if (shape.pattern) {
        let re: RegExp | undefined;
        try {
          re = new RegExp(`^(?:${shape.pattern})$`, 'u');
        } catch {
          re = undefined; // a pattern JavaScript cannot read: not checked
        }
        if (re && !re.test(value)) out.push(`${path}: '${value}' does not match ${shapeName}'s pattern`);
      }
      return out;
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return [`${path}: ${kind(value)} where ${shapeName} is an integer`];
      if (shape.min !== undefined && value < shape.min) out.push(`${path}: below ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) out.push(`${path}: above ${shape.max}`);
      return out;
    case 'double':
    case 'float':
      return typeof value === 'number' ? [] : [`${path}: ${kind(value)} where ${shapeName} is a number`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: ${kind(value)} where ${shapeName} is a boolean`];
    case 'timestamp':
      return typeof value === 'string' || typeof value === 'number'
        ? []
        : [`${path}: ${kind(value)} where ${shapeName} is a timestamp`];
    case 'blob':
      return typeof value === 'string' ? [] : [`${path}: ${kind(value)} where ${shapeName} is a blob`];
    default:
      return [`${path}: shape type ${shape.type} is not checked`];
  }
}

/** A raw HTTP answer. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * Deviations of a raw answer from operation `op`: a success against its output shape (status, headers,
 * body), an error against the error shape its `x-amzn-errortype` names, which must be one the operation
 * lists (or one of `anyOperation`, errors every AWS API may answer).
 */
export function validateAnswer(
  model: ApiModel,
  op: string,
  answer: RawAnswer,
  anyOperation: readonly string[] = [],
): string[] {
  const operation = model.operations[op];
  if (!operation) return [`${op}: not an operation of the model`];
  const json = () => (answer.body ? (JSON.parse(answer.body) as unknown) : {});
  if (answer.status < 300) {
    const out: string[] = [];
    const expected = operation.http.responseCode ?? 200;
    const shape = operation.output && model.shapes[operation.output.shape];
    // An output member bound to the status code (DeleteFunction's StatusCode) lets the status vary.
    const statusMember = Object.values(shape?.members ?? {}).some((m) => m.location === 'statusCode');
    if (answer.status !== expected && !statusMember)
      out.push(`${op}: status ${answer.status}, the model says ${expected}`);
    if (!shape) return answer.body ? [...out, `${op}: a body where the model has no output`] : out;
    if (shape.payload) return out; // a streamed payload (Invoke): its bytes are the function's
    return [...out, ...validate(model, operation.output.shape, json(), op)];
  }
  const type = (answer.headers.get('x-amzn-errortype') ?? '').split(':')[0]!;
  const listed = (operation.errors ?? []).map((e) => e.shape);
  if (!listed.includes(type) && !anyOperation.includes(type))
    return [`${op}: error ${type || '(no x-amzn-errortype)'} is not one the model lists for it`];
  const shape = model.shapes[type];
  if (!shape) return anyOperation.includes(type) ? [] : [`${op}: no shape ${type}`];
  const out: string[] = [];
  if (shape.error && shape.error.httpStatusCode !== answer.status)
    out.push(`${op}: ${type} with status ${answer.status}, the model says ${shape.error.httpStatusCode}`);
  for (const [name, m] of Object.entries(shape.members ?? {}))
    if (m.location === 'header' && !answer.headers.get(m.locationName ?? name))
      out.push(`${op}: ${type}'s ${name} travels in the ${m.locationName ?? name} header, which is missing`);
  return [...out, ...validate(model, type, json(), `${op}(${type})`)];
}

/**
 * A Query-protocol (STS, IAM) XML value turned into the JSON form `validate` reads, following `shapeName`:
 * lists come as `<member>` elements, numbers and booleans as text. Elements the shape does not have are kept
 * as they are, so `validate` reports them.
 */
function fromQuery(model: ApiModel, shapeName: string, node: unknown): unknown {
  const shape = model.shapes[shapeName];
  if (!shape) return node;
  switch (shape.type) {
    case 'structure': {
      if (typeof node !== 'object' || node === null) return node === '' ? {} : node;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
        const m = shape.members?.[k];
        out[k] = m ? fromQuery(model, m.shape, v) : v;
      }
      return out;
    }
    case 'list': {
      if (node === '' || node === undefined) return [];
      const items = (node as { member?: unknown }).member;
      const list = Array.isArray(items) ? items : items === undefined ? [] : [items];
      return list.map((e) => fromQuery(model, shape.member!.shape, e));
    }
    case 'integer':
    case 'long':
    case 'double':
    case 'float':
      return typeof node === 'string' && node.trim() !== '' ? Number(node) : node;
    case 'boolean':
      return node === 'true' ? true : node === 'false' ? false : node;
    default:
      return node;
  }
}

/** Deviations of a Query-protocol success (`<OpResponse><OpResult>…`) from operation `op` of `model`. */
export function validateQueryAnswer(
  model: ApiModel,
  op: string,
  xml: string,
  parse: (xml: string) => unknown,
): string[] {
  const operation = model.operations[op] as Operation & {
    output?: { shape: string; resultWrapper?: string };
  };
  if (!operation?.output) return [`${op}: not an operation with an output`];
  const doc = parse(xml) as Record<string, Record<string, unknown> | undefined>;
  const response = doc[`${op}Response`];
  if (!response) return [`${op}: no ${op}Response element`];
  const wrapper = operation.output.resultWrapper ?? `${op}Result`;
  const out: string[] = [];
  for (const k of Object.keys(response))
    if (k !== wrapper && k !== 'ResponseMetadata') out.push(`${op}: unexpected element ${k}`);
  const result = response[wrapper];
  if (result === undefined) return [...out, `${op}: no ${wrapper} element`];
  return [
    ...out,
    ...validate(model, operation.output.shape, fromQuery(model, operation.output.shape, result), op),
  ];
}

// CloudWatch's GetMetricData for the sandbox's own invocation counts: AWS/Lambda Invocations by
// FunctionName, over the AWS JSON 1.0 protocol (the SDK) and the Query protocol (the AWS CLI v1).
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileDurable } from '../os/durable-files.js';

/** The JSON 1.0 target prefix of CloudWatch. */
export const METRICS_TARGET_PREFIX = 'GraniteServiceVersion20100801.';

/** When each function was invoked (milliseconds since the epoch), by region and name. */
export class InvocationCounter {
  private readonly times = new Map<string, number[]>();

  constructor(private readonly file?: string) {}

  /** Loads the counts a data directory kept. */
  async load(): Promise<void> {
    if (!this.file) return;
    try {
      const doc = JSON.parse(await readFile(this.file, 'utf8')) as Record<string, number[]>;
      for (const [k, v] of Object.entries(doc)) if (Array.isArray(v)) this.times.set(k, v);
    } catch {
      // none kept yet
    }
  }

  async save(): Promise<void> {
    if (this.file) await writeFileDurable(this.file, JSON.stringify(Object.fromEntries(this.times)));
  }

  record(region: string, name: string, at = Date.now()): void {
    const key = `${region}/${name}`;
    const list = this.times.get(key) ?? [];
    list.push(at);
    this.times.set(key, list);
  }

  /** Counts per `periodS` bucket from `start` (ms), up to `end` (ms), empty buckets left out. */
  buckets(region: string, name: string, start: number, end: number, periodS: number): Map<number, number> {
    const out = new Map<number, number>();
    for (const t of this.times.get(`${region}/${name}`) ?? []) {
      if (t < start || t >= end) continue;
      const bucket = start + Math.floor((t - start) / (periodS * 1000)) * periodS * 1000;
      out.set(bucket, (out.get(bucket) ?? 0) + 1);
    }
    return out;
  }
}

interface Query {
  readonly Id?: string;
  readonly Label?: string;
  readonly MetricStat?: {
    readonly Metric?: {
      readonly Namespace?: string;
      readonly MetricName?: string;
      readonly Dimensions?: readonly { Name?: string; Value?: string }[];
    };
    readonly Period?: number | string;
    readonly Stat?: string;
  };
}

interface Result {
  readonly id: string;
  readonly label: string;
  readonly points: [number, number][];
}

export interface MetricsAnswer {
  readonly status: number;
  readonly operation: string;
  readonly error?: { code: string; message: string };
  readonly results?: Result[];
}

const toMs = (v: unknown): number =>
  typeof v === 'number' ? v * 1000 : typeof v === 'string' ? Date.parse(v) : Number.NaN;

/** GetMetricData over the counts: `input` as the JSON protocol's shape (the Query form converted to it). */
export function getMetricData(
  counter: InvocationCounter,
  region: string,
  input: Record<string, unknown>,
): MetricsAnswer {
  const op = 'GetMetricData';
  const invalid = (message: string): MetricsAnswer => ({
    status: 400,
    operation: op,
    error: { code: 'InvalidParameterValue', message },
  });
  const start = toMs(input.StartTime);
  const end = toMs(input.EndTime);
  if (Number.isNaN(start) || Number.isNaN(end))
    return invalid('StartTime and EndTime are required timestamps.');
  if (end <= start) return invalid('The parameter StartTime must be less than the parameter EndTime.');
  const queries = (input.MetricDataQueries ?? []) as Query[];
  if (!Array.isArray(queries) || queries.length === 0)
    return invalid('The parameter MetricDataQueries is required.');
  const results: Result[] = [];
  for (const q of queries) {
    const period = Number(q.MetricStat?.Period);
    if (!q.Id || !q.MetricStat?.Metric || !Number.isInteger(period) || period < 1 || period % 60 !== 0) {
      return invalid(
        `Each query needs an Id and a MetricStat with a Period that is a multiple of 60 (${q.Id ?? '?'}).`,
      );
    }
    const m = q.MetricStat.Metric;
    const fn = m.Dimensions?.find((d) => d.Name === 'FunctionName')?.Value;
    const counted =
      m.Namespace === 'AWS/Lambda' &&
      m.MetricName === 'Invocations' &&
      ['Sum', 'SampleCount'].includes(q.MetricStat.Stat ?? '') &&
      fn !== undefined &&
      (m.Dimensions ?? []).every((d) => d.Name === 'FunctionName');
    const points = counted ? [...counter.buckets(region, fn, start, end, period)] : [];
    points.sort((a, b) => b[0] - a[0]);
    results.push({ id: q.Id, label: q.Label ?? m.MetricName ?? q.Id, points });
  }
  return { status: 200, operation: op, results };
}

/** The JSON 1.0 body of an answer. */
export function metricsJson(a: MetricsAnswer): string {
  if (a.error) return JSON.stringify({ __type: a.error.code, message: a.error.message });
  return JSON.stringify({
    MetricDataResults: a.results!.map((r) => ({
      Id: r.id,
      Label: r.label,
      Timestamps: r.points.map(([t]) => t / 1000),
      Values: r.points.map(([, v]) => v),
      StatusCode: 'Complete',
    })),
    Messages: [],
  });
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The Query protocol's XML of an answer. */
export function metricsXml(a: MetricsAnswer): string {
  const meta = `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
  if (a.error)
    return `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>${a.error.code}</Code><Message>${xml(a.error.message)}</Message></Error>${meta}</ErrorResponse>`;
  const members = a
    .results!.map(
      (r) =>
        `<member><Id>${xml(r.id)}</Id><Label>${xml(r.label)}</Label>` +
        `<Timestamps>${r.points.map(([t]) => `<member>${new Date(t).toISOString()}</member>`).join('')}</Timestamps>` +
        `<Values>${r.points.map(([, v]) => `<member>${v}</member>`).join('')}</Values>` +
        `<StatusCode>Complete</StatusCode></member>`,
    )
    .join('');
  return `<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricDataResult><MetricDataResults>${members}</MetricDataResults><Messages/></GetMetricDataResult>${meta}</GetMetricDataResponse>`;
}

/**
 * The Query protocol's flattened form (`A.member.1.B.C=v`) as the JSON shape (`{A: [{B: {C: v}}]}`);
 * numbers stay strings.
 */
export function formToObject(form: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of form) {
    const parts = key.split('.');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (part === 'member') continue;
      const next = parts[i + 1];
      const slot = Array.isArray(node) ? Number(part) - 1 : part;
      const container = node as Record<string | number, unknown>;
      if (last) container[slot] = value;
      else {
        container[slot] ??= next === 'member' ? [] : {};
        node = container[slot] as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
}

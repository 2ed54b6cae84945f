/** The figures of one invocation, measured with a monotonic clock. */
export interface ReportFigures {
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** Only on the first invocation of an execution environment. */
  readonly initDurationMs?: number;
}

/** Billed duration: rounded up to the ms; a cold start includes INIT (billed for all ZIP runtimes since 2025-08). */
export function billedDuration(durationMs: number, initDurationMs?: number): number {
  return Math.max(1, Math.ceil(durationMs + (initDurationMs ?? 0)));
}

/** Lambda's REPORT line, tab-separated, with its trailing tab. */
export function reportLine(requestId: string, f: ReportFigures): string {
  return (
    `REPORT RequestId: ${requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\tBilled Duration: ${f.billedDurationMs} ms\t` +
    `Memory Size: ${f.memorySizeMb} MB\tMax Memory Used: ${f.maxMemoryUsedMb} MB\t` +
    (f.initDurationMs !== undefined ? `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t` : '')
  );
}

/** Parses a REPORT line back into figures (used by tests and the benchmark). */
export function parseReport(line: string): ReportFigures & { requestId: string } {
  const get = (label: string) => {
    const m = new RegExp(`${label}: ([\\d.]+)`).exec(line);
    return m ? Number(m[1]) : undefined;
  };
  return {
    requestId: /RequestId: (\S+)/.exec(line)?.[1] ?? '',
    durationMs: get('Duration') ?? NaN,
    billedDurationMs: get('Billed Duration') ?? NaN,
    memorySizeMb: get('Memory Size') ?? NaN,
    maxMemoryUsedMb: get('Max Memory Used') ?? NaN,
    ...(get('Init Duration') !== undefined && { initDurationMs: get('Init Duration') }),
  };
}

/** Base64 of the last 4 KB of a log, as X-Amz-Log-Result carries it. */
export function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString('base64');
}

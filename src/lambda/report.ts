// Lambda's REPORT line, as the sandbox writes it and the benchmark reads it.

/** The figures of one invocation, measured with a monotonic clock. */
export interface ReportFigures {
  readonly durationMs: number;
  readonly billedDurationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** Only on the first invocation of an execution environment. */
  readonly initDurationMs?: number;
}

/** Parses a REPORT line back into figures (the benchmark reads these from the log tail). */
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

import type { ReportFigures } from '../../lambda/report.js';

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

/** Base64 of the last 4 KB of a log, as X-Amz-Log-Result carries it. */
export function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString('base64');
}

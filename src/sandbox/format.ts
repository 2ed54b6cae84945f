/** Lambda's LastModified format: `2026-11-27T00:25:08.123+0000`. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

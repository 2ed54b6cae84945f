/**
 * Writes "starting the embedded sandbox…" when `argv` starts one (the global --sandbox, for any command but
 * `sandbox`, help and version) and `out` is a terminal. Returns the number of lines written, which the
 * sandbox's progress view replaces. Imports nothing: it runs before the rest of the tool has loaded.
 */
export function announceStart(
  argv: readonly string[],
  out: { isTTY?: boolean; write(s: string): unknown },
): number {
  const args = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  const quiet = ['--help', '-h', '--version', 'sandbox'].some((a) => args.includes(a));
  if (!out.isTTY || !args.includes('--sandbox') || quiet) return 0;
  out.write('go-lambda-migrate: starting the embedded sandbox…\n');
  return 1;
}

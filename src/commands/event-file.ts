import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';

/** The JSON event in `file` as sent (checked to parse), or `{}` without a file; `what` names it in errors. */
export async function readEventFile(file: string | undefined, what = 'the event'): Promise<Buffer> {
  if (!file) return Buffer.from('{}');
  try {
    const text = await readFile(file, 'utf8');
    JSON.parse(text);
    return Buffer.from(text);
  } catch (e) {
    throw new UserError(
      `cannot read ${what} ${file}: ${(e as Error).message}`,
      'Give a file with a JSON event.',
    );
  }
}

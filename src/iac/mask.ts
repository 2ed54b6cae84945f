import { lineEnd } from './model.js';

/** Where a string (or heredoc) that starts at an offset ends, and which part of it is its content. */
export interface Quoted {
  /** The offset after its closing delimiter. */
  readonly next: number;
  /** The content to blank: [from, to). */
  readonly from: number;
  readonly to: number;
}

/**
 * The text with comments (`//`, `/* … *\/`, and whatever else `lineComment` says starts one) and the contents
 * of strings blanked, newlines kept and every offset unchanged, so that braces, `=`, `:` and names can be found
 * by plain scanning without being fooled by a `{` in a string or a comment.
 */
export function maskSource(
  text: string,
  language: { lineComment(i: number): boolean; quoted(i: number): Quoted | undefined },
): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (language.lineComment(i) || (text[i] === '/' && text[i + 1] === '/')) {
      const end = lineEnd(text, i);
      blank(i, end);
      i = end;
    } else if (text[i] === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      blank(i, end);
      i = end;
    } else {
      const q = language.quoted(i);
      if (q) {
        blank(q.from, q.to);
        i = q.next;
      } else i++;
    }
  }
  return out.join('');
}

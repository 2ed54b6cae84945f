import { createContext, useContext, type ReactElement } from 'react';
import type { Screen, WizardState } from './state.js';

/** A screen's state, by kind. */
export type Of<K extends Screen['kind']> = Extract<Screen, { kind: K }>;

/** What every screen may show besides its own state: the room it has and where the work goes. */
export interface Frame {
  /** Rows a scrolling list may use. */
  readonly rows: number;
  /** Rows the whole screen (below the header, above the hints) may use: it is clipped to them. */
  readonly area: number;
  /** The terminal's width: a line longer than this takes more than one row. */
  readonly columns: number;
  /** Where calls go ("the embedded sandbox at …"). */
  readonly where: string;
  /** Where journals and backups are kept. */
  readonly stateDir: string;
  /** A quit was asked for while work must finish. */
  readonly quitting: boolean;
}

/** The props of a screen's view. */
export interface ScreenProps<K extends Screen['kind']> {
  readonly screen: Of<K>;
  readonly frame: Frame;
}

/** A screen's view. */
export type ScreenView<K extends Screen['kind']> = (props: ScreenProps<K>) => ReactElement;

/**
 * The wizard's layout on a terminal of `rows` x `columns`: the header (3 rows: where, who and the choices), at most `warnings` rows of
 * warnings, the screen's area, and the hint line (`hintRows`: it wraps rather than hide keys). One row is left over, so that no frame is ever as tall as the
 * terminal: Ink clears the whole screen and the scrollback (ESC[2J ESC[3J) before drawing a frame that is.
 */
export function layout(
  rows: number | undefined,
  columns: number | undefined,
  warnings: number,
  hintRows = 1,
) {
  const height = rows ?? 24;
  const area = Math.max(4, height - 1 - 3 - warnings - hintRows);
  return {
    area,
    /** What a screen's list gets: its area less a title, the ↑ and ↓ lines and a legend. */
    rows: Math.max(2, area - 4),
    columns: Math.max(20, columns ?? 80),
  };
}

/**
 * Who and where, in words, the account first and the caller last (a narrow terminal cuts the end of the line):
 * "account 123456789012 · 33 regions · as assumed-role/Admin/alice", from STS GetCallerIdentity's ARN.
 */
export function callerText(who: WizardState['who'], regions?: readonly string[]): string {
  const where = regions ? ` · ${regionsText(regions)}` : '';
  if (!who) return `account …${where}`;
  if (who.error !== undefined) return `account unknown${where} (${who.error})`;
  const m = /^arn:[^:]+:(?:sts|iam)::(\d{12}):(.+)$/.exec(who.arn ?? '');
  return m ? `account ${m[1]}${where} · as ${m[2]}` : `caller ${who.arn}${where}`;
}

/** The regions a scan covers, in words: up to three by name, else how many. */
export function regionsText(regions: readonly string[] | undefined): string {
  if (!regions) return '';
  if (regions.length <= 3) return `region${regions.length === 1 ? '' : 's'} ${regions.join(', ')}`;
  return `${regions.length} regions`;
}

/** The runtime the backups of these functions run, when they all run the same one; else "original". */
export function backupRuntime(runtimes: readonly (string | null | undefined)[]): string {
  const found = new Set(runtimes.filter(Boolean));
  return found.size === 1 ? [...found][0]! : 'original';
}

/** What a rollback does not do, said where it is asked for: aliases keep pointing where they point. */
export const ALIASES_STAY =
  'Aliases are not moved: one promoted to the new code (p, or its 10% canary) keeps serving it until `go-lambda-migrate promote --to-version` points it back.';

const ColorContext = createContext(true);

/** Whether views may colour their text (false with --no-color or NO_COLOR). */
export const ColorProvider = ColorContext.Provider;

export function useColor(): boolean {
  return useContext(ColorContext);
}

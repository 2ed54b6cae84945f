import { createContext, useContext, type ReactElement } from 'react';
import type { Screen } from './state.js';

/** A screen's state, by kind. */
export type Of<K extends Screen['kind']> = Extract<Screen, { kind: K }>;

/** What every screen may show besides its own state: the room it has and where the work goes. */
export interface Frame {
  /** Rows a scrolling list may use. */
  readonly rows: number;
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

const ColorContext = createContext(true);

/** Whether views may colour their text (false with --no-color or NO_COLOR). */
export const ColorProvider = ColorContext.Provider;

export function useColor(): boolean {
  return useContext(ColorContext);
}

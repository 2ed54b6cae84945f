import type { ReactElement } from 'react';
import { PlanningScreen, ReviewScreen, ScanningScreen, SelectScreen } from './choose-screens.js';
import type { Frame, ScreenProps, ScreenView } from './frame.js';
import { HistoryScreen } from './history-screen.js';
import type { Screen } from './state.js';
import { BenchScreen, DoneScreen, FailedScreen, PromoteScreen, WorkScreen } from './work-screens.js';

/** Every screen's view, by kind: a new screen is its view's file and one line here. */
const SCREENS: { readonly [K in Screen['kind']]: ScreenView<K> } = {
  scanning: ScanningScreen,
  select: SelectScreen,
  planning: PlanningScreen,
  review: ReviewScreen,
  applying: WorkScreen,
  'rolling-back': WorkScreen,
  done: DoneScreen,
  benchmarking: BenchScreen,
  promoting: PromoteScreen,
  history: HistoryScreen,
  failed: FailedScreen,
};

/** The view of the screen on show. */
export function ScreenOnShow({ screen, frame }: { screen: Screen; frame: Frame }): ReactElement {
  const View = SCREENS[screen.kind] as (props: ScreenProps<Screen['kind']>) => ReactElement;
  return <View screen={screen} frame={frame} />;
}

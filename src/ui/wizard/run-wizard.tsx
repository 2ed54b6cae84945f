import { render } from 'ink';
import type { WizardChoices, WizardServices } from './services.js';
import { Wizard, type WizardOutcome } from './Wizard.js';

/** Runs the wizard on the terminal until the user quits; Ctrl-C is the wizard's to handle. */
export async function runWizard(
  services: WizardServices,
  choices: WizardChoices,
  color: boolean,
): Promise<WizardOutcome> {
  let outcome: WizardOutcome = 'ok';
  const app = render(
    <Wizard services={services} choices={choices} color={color} onOutcome={(o) => (outcome = o)} />,
    // Only the lines that changed are drawn again: a key press on a long screen writes a line or two, not all of it.
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  return outcome;
}

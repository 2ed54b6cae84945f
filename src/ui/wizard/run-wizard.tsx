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
    { exitOnCtrlC: false },
  );
  await app.waitUntilExit();
  return outcome;
}

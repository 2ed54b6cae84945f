import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The architecture, written down: the folders of src/ each layer may import (errors.ts is open to all;
 * commands/ and cli.ts wire everything together and are not restricted). lambda/ (facts of AWS Lambda) and
 * os/ (durable files, pid locks) are leaves; golang/ owns Go binaries and their verdicts; the sandbox is a
 * product of its own and imports no migration code; core/ talks to the world through ports.
 */
const LAYERS = {
  lambda: [],
  os: [],
  archive: [],
  cli: [],
  golang: ['lambda'],
  // Infrastructure code: finding function definitions and patching them (text in, text out).
  iac: ['lambda'],
  sandbox: ['lambda', 'os', 'archive', 'golang'],
  core: ['lambda', 'golang', 'archive', 'iac'],
  state: ['core', 'lambda', 'os', 'iac'],
  aws: ['core', 'lambda'],
  ui: ['core', 'lambda', 'iac'],
};
const FOLDERS = [...Object.keys(LAYERS), 'commands'];
const PACKAGES = {
  // Domain code never talks to the terminal, the SDK or child processes directly.
  core: ['ink', 'ink-*', 'react', '@inquirer/*', 'node:child_process', 'child_process'],
  iac: ['ink', 'ink-*', 'react', '@inquirer/*', 'node:child_process', 'child_process'],
  lambda: ['ink', 'ink-*', 'react', '@inquirer/*', 'node:child_process', 'child_process'],
};

function layerRules() {
  return Object.entries(LAYERS).map(([layer, allowed]) => ({
    files: [`src/${layer}/**/*.ts`, `src/${layer}/**/*.tsx`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...FOLDERS.filter((f) => f !== layer && !allowed.includes(f)).map((f) => ({
              group: [`**/${f}/*`, `**/${f}/**`],
              message: `src/${layer} may import only ${allowed.length ? allowed.join(', ') : 'nothing of the project'} (see LAYERS in eslint.config.js).`,
            })),
            ...(layer === 'aws'
              ? []
              : [{ group: ['@aws-sdk/*'], message: 'Only src/aws imports @aws-sdk.' }]),
            ...(PACKAGES[layer]
              ? [{ group: PACKAGES[layer], message: `src/${layer} talks to the world through ports.` }]
              : []),
          ],
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'demo/', 'templates/', 'test/fixtures/', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  ...layerRules(),
  {
    // commands/ wire the layers together, but only src/aws imports the SDK.
    files: ['src/commands/**/*.ts', 'src/cli.ts', 'src/errors.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@aws-sdk/*'], message: 'Only src/aws imports @aws-sdk.' }] },
      ],
    },
  },
  {
    // expect.stringContaining() and friends are typed `any`.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);

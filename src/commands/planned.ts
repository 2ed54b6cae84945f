import type { Command } from './command.js';

/**
 * Commands whose contract is fixed (CLI.md) but whose implementation has not landed yet.
 * Their help is real; running them says they are not built and exits 1.
 */
export const PLANNED_COMMANDS: readonly Command[] = [
  {
    name: 'bench',
    usage: 'go-lambda-migrate bench FUNCTION [--vs FUNCTION[:QUALIFIER]]',
    summary: 'cold and warm benchmark: duration, billed duration, memory, init, cost',
    options: [
      { name: 'vs', type: 'string', value: 'FUNCTION', description: 'compare with this function or version' },
      { name: 'cold', type: 'string', value: 'N', description: 'cold invocations' },
      { name: 'warm', type: 'string', value: 'N', description: 'warm invocations' },
      { name: 'event', type: 'string', value: 'FILE', description: 'event to send' },
      { name: 'memory', type: 'string', value: 'MB', description: 'memory size to test' },
      { name: 'csv', type: 'boolean', description: 'CSV output' },
      { name: 'markdown', type: 'boolean', description: 'Markdown output' },
    ],
  },
];

import type { Command } from './command.js';

/**
 * Commands whose contract is fixed (CLI.md) but whose implementation has not landed yet.
 * Their help is real; running them says they are not built and exits 1.
 */
export const PLANNED_COMMANDS: readonly Command[] = [
  {
    name: 'wizard',
    usage: 'go-lambda-migrate [wizard]',
    summary: 'interactive wizard over scan, inspect, plan, apply, benchmark and rollback',
    options: [],
  },
  {
    name: 'apply',
    usage: 'go-lambda-migrate apply [--plan FILE | FUNCTION...]',
    summary: 'carry out a migration, journaled, with automatic rollback on failure',
    options: [
      { name: 'plan', type: 'string', value: 'FILE', description: 'a plan saved by plan --out' },
      {
        name: 'verify-event',
        type: 'string',
        value: 'FILE',
        description: 'invoke once after the switch with this event',
      },
      { name: 'no-verify', type: 'boolean', description: 'never invoke the function' },
      { name: 'concurrency', type: 'string', value: 'N', description: 'functions migrated at once' },
    ],
  },
  {
    name: 'rollback',
    usage: 'go-lambda-migrate rollback FUNCTION... | --all',
    summary: 'return functions to their recorded pre-migration state',
    options: [{ name: 'all', type: 'boolean', description: 'every migrated function' }],
  },
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
  {
    name: 'history',
    usage: 'go-lambda-migrate history',
    summary: 'journaled migrations and their state',
    options: [],
  },
];

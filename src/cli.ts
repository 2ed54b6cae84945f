#!/usr/bin/env node
/**
 * The executable. Loading the tool takes about half a second (its commands and their libraries), so a run that
 * starts the embedded sandbox on a terminal says so before it loads: `npm start` shows something at once.
 */
import { announceStart } from './cli/announce.js';

const argv = process.argv.slice(2);
const announced = announceStart(argv, process.stderr);
const { main } = await import('./main.js');
process.exitCode = await main(argv, undefined, announced);

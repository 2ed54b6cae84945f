import { readFileSync } from 'node:fs';
import type { GlobalOptions } from '../cli/global.js';
import type { LambdaPort } from '../core/ports.js';
import { UserError } from '../errors.js';

/** Every commercial region Lambda runs in (data/regions.json). */
export function allRegions(): string[] {
  const doc = JSON.parse(readFileSync(new URL('../../data/regions.json', import.meta.url), 'utf8')) as {
    regions: string[];
  };
  return doc.regions;
}

/**
 * The regions a multi-region command covers: --region values (`all` expands), else the profile's region;
 * with --sandbox (or a sandbox of this tool at the endpoint) and no --region, every region: the sandbox
 * answers for all of them.
 */
export async function resolveRegions(globals: GlobalOptions, port: LambdaPort): Promise<string[]> {
  if (globals.regions.includes('all')) return allRegions();
  if (globals.regions.length > 0) return [...new Set(globals.regions)];
  // The sandbox answers for every region (the one its banner exports is for the AWS CLI).
  if (globals.sandbox || globals.ownSandbox) return allRegions();
  const region = await port.defaultRegion();
  if (!region)
    throw new UserError(
      'no AWS region is set.',
      'Pass --region (or --region all), set AWS_REGION, or give your profile a region.',
    );
  return [region];
}

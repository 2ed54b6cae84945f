import { describe, expect, it } from 'vitest';
import { bundledLifecycle, parseLifecycle } from '../../src/lambda/lifecycle.js';

describe('runtime lifecycle table', () => {
  const lc = bundledLifecycle();

  it('knows the Go runtimes and their dates from the data file', () => {
    expect(lc.get('go1.x')).toMatchObject({
      architectures: ['x86_64'],
      blockCreate: '2024-02-08',
      blockUpdate: '2027-03-03',
    });
    expect(lc.get('provided.al2023')!.architectures).toEqual(['x86_64', 'arm64']);
    expect(lc.get('go2.x')).toBeUndefined();
    expect(lc.names()).toContain('nodejs20.x');
  });

  it('tells the phase on a given day', () => {
    expect(lc.phase('go1.x', '2024-01-07')).toBe('supported');
    expect(lc.phase('go1.x', '2024-01-08')).toBe('deprecated');
    expect(lc.phase('go1.x', '2026-11-27')).toBe('create-blocked');
    expect(lc.phase('go1.x', '2027-03-03')).toBe('update-blocked');
    expect(lc.createBlocked('provided.al2', '2026-11-27')).toBe(false);
    expect(lc.phase('provided.al2', '2026-11-27')).toBe('deprecated');
    expect(lc.updateBlocked('provided.al2023', '2029-08-30')).toBe(false);
    expect(lc.phase('nodejs20.x', '2030-01-01')).toBe('supported');
  });

  it('reads dates as data, so a moved date needs no code change', () => {
    const moved = parseLifecycle(
      JSON.stringify({ runtimes: { 'go1.x': { architectures: ['x86_64'], blockUpdate: '2028-01-01' } } }),
    );
    expect(moved.updateBlocked('go1.x', '2027-06-01')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { chooseStrategy, type StrategyFacts } from '../../src/core/plan.js';

const runtimeApi = {
  verdict: 'repackage-ok' as const,
  arch: 'x86_64' as const,
  runtimeApi: true,
  reasons: [],
};
const rpcOnly = {
  verdict: 'rebuild-required' as const,
  arch: 'x86_64' as const,
  runtimeApi: false,
  reasons: ['aws-lambda-go v1.13.3 predates v1.18.0'],
};
const found = { status: 'found' as const, candidates: [] };
const ambiguous = { status: 'ambiguous' as const, candidates: ['a', 'b'] };
const none = { status: 'not-found' as const, candidates: [] };
const facts = (f: Partial<StrategyFacts>): StrategyFacts => ({
  runtime: 'go1.x',
  report: runtimeApi,
  source: found,
  goAvailable: true,
  ...f,
});
const auto = { strategy: 'auto' as const, arch: 'arm64' as const };

describe('chooseStrategy', () => {
  it('rebuilds when the source is found and Go is there; the bridge follows what the deployed binary speaks', () => {
    expect(chooseStrategy(facts({}), auto)).toEqual({ strategy: 'rebuild', bridge: 'symlink' });
    expect(chooseStrategy(facts({ report: rpcOnly }), auto)).toEqual({
      strategy: 'rebuild',
      bridge: 'x86-rebuild',
    });
    expect(chooseStrategy(facts({ runtime: 'provided.al2' }), auto)).toEqual({
      strategy: 'rebuild',
      bridge: 'none',
    });
  });

  it('repackages a Runtime API binary without source, staying on x86_64 and saying why', () => {
    expect(chooseStrategy(facts({ source: none }), auto)).toEqual({
      strategy: 'repackage',
      bridge: 'symlink',
      staysX86: 'no source was found (pass --source DIR)',
    });
    expect(chooseStrategy(facts({ source: ambiguous }), auto)).toMatchObject({
      staysX86: 'the source is ambiguous (a, b)',
    });
    expect(chooseStrategy(facts({ goAvailable: false }), auto)).toMatchObject({
      strategy: 'repackage',
      staysX86: 'Go is not installed',
    });
    expect(chooseStrategy(facts({}), { strategy: 'repackage', arch: 'x86_64' })).toEqual({
      strategy: 'repackage',
      bridge: 'symlink',
    });
    expect(chooseStrategy(facts({ runtime: 'provided.al2', source: none }), auto)).toMatchObject({
      bridge: 'none',
    });
  });

  it('is blocked, saying why, when neither way is open', () => {
    expect(chooseStrategy(facts({ report: rpcOnly, source: none }), auto)).toEqual({
      strategy: 'blocked',
      reason:
        'aws-lambda-go v1.13.3 predates v1.18.0; no source was found to rebuild it from (pass --source DIR)',
    });
    expect(chooseStrategy(facts({ source: none }), { strategy: 'rebuild', arch: 'arm64' })).toEqual({
      strategy: 'blocked',
      reason: '--strategy rebuild, but no source was found under --source',
    });
    expect(
      chooseStrategy(facts({ goAvailable: false }), { strategy: 'rebuild', arch: 'arm64' }),
    ).toMatchObject({
      reason: '--strategy rebuild, but Go is not installed',
    });
    const arm = { ...runtimeApi, arch: 'arm64' as const };
    expect(chooseStrategy(facts({ report: arm, source: none, runtime: 'provided.al2' }), auto)).toMatchObject(
      {
        strategy: 'blocked',
      },
    );
  });
});

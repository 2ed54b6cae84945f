import { describe, expect, it } from 'vitest';
import { blockText, riskText } from '../../src/ui/plan-words.js';
import { chooseStrategy, type StrategyFacts } from '../../src/core/plan.js';

const runtimeApi = {
  verdict: 'repackage-ok' as const,
  arch: 'x86_64' as const,
  runtimeApi: true,
  rpc: true,
  reasons: [],
};
/** Built with -tags lambda.norpc: Runtime API only. */
const norpc = {
  ...{ verdict: 'repackage-ok' as const, arch: 'x86_64' as const },
  runtimeApi: true,
  rpc: false,
  reasons: [],
};
const rpcOnly = {
  verdict: 'rebuild-required' as const,
  arch: 'x86_64' as const,
  runtimeApi: false,
  rpc: true,
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

  it('repackages a Runtime API binary without source, staying on x86_64 and saying why (as a code)', () => {
    expect(chooseStrategy(facts({ source: none }), auto)).toEqual({
      strategy: 'repackage',
      bridge: 'symlink',
      staysX86: { kind: 'not-found' },
    });
    expect(chooseStrategy(facts({ source: ambiguous }), auto)).toMatchObject({
      staysX86: { kind: 'ambiguous', candidates: ['a', 'b'] },
    });
    expect(chooseStrategy(facts({ goAvailable: false }), auto)).toMatchObject({
      strategy: 'repackage',
      staysX86: { kind: 'no-go' },
    });
    expect(chooseStrategy(facts({}), { strategy: 'repackage', arch: 'x86_64' })).toEqual({
      strategy: 'repackage',
      bridge: 'symlink',
    });
    expect(chooseStrategy(facts({ runtime: 'provided.al2', source: none }), auto)).toMatchObject({
      bridge: 'none',
    });
  });

  it('is blocked, saying why (as a code), when neither way is open', () => {
    const blocked = chooseStrategy(facts({ report: rpcOnly, source: none }), auto);
    expect(blocked).toEqual({
      strategy: 'blocked',
      reason: {
        code: 'cannot-rebuild',
        binary: 'aws-lambda-go v1.13.3 predates v1.18.0',
        source: { kind: 'not-found' },
        forced: false,
      },
    });
    expect(chooseStrategy(facts({ source: none }), { strategy: 'rebuild', arch: 'arm64' })).toMatchObject({
      strategy: 'blocked',
      reason: { code: 'cannot-rebuild', source: { kind: 'not-found' }, forced: true },
    });
    expect(
      chooseStrategy(facts({ goAvailable: false }), { strategy: 'rebuild', arch: 'arm64' }),
    ).toMatchObject({ reason: { source: { kind: 'no-go' }, forced: true } });
    const arm = { ...runtimeApi, arch: 'arm64' as const };
    expect(chooseStrategy(facts({ report: arm, source: none, runtime: 'provided.al2' }), auto)).toMatchObject(
      {
        strategy: 'blocked',
      },
    );
  });

  it('a lambda.norpc binary on go1.x gets no bridge: a link to it would not run on go1.x either', () => {
    expect(chooseStrategy(facts({ report: norpc }), auto)).toEqual({ strategy: 'rebuild', bridge: 'none' });
    expect(
      chooseStrategy(facts({ report: norpc, source: none }), { strategy: 'auto', arch: 'x86_64' }),
    ).toEqual({
      strategy: 'repackage',
      bridge: 'none',
    });
  });

  it('the CLI and the wizard each put a block into their own words', () => {
    const blocked = chooseStrategy(facts({ report: rpcOnly, source: none }), auto);
    if (blocked.strategy !== 'blocked') throw new Error('expected a block');
    expect(blockText(blocked.reason, 'cli')).toBe(
      'aws-lambda-go v1.13.3 predates v1.18.0; no source was found to rebuild it from (pass --source DIR)',
    );
    expect(blockText(blocked.reason, 'wizard')).toBe(
      'aws-lambda-go v1.13.3 predates v1.18.0; no source was found to rebuild it from (start the wizard with --source DIR)',
    );
    const forced = chooseStrategy(facts({ source: none }), { strategy: 'rebuild', arch: 'arm64' });
    if (forced.strategy !== 'blocked') throw new Error('expected a block');
    expect(blockText(forced.reason, 'cli')).toBe(
      '--strategy rebuild, but no source was found under --source',
    );
    expect(
      riskText(
        {
          level: 'info',
          code: 'versions-keep-runtime',
          versions: 2,
          aliases: [{ name: 'live', version: '1' }],
        },
        'wizard',
      ),
    ).toMatch(/alias\(es\) live → 1 keep their runtime; .* with p on the results screen/);
  });
});

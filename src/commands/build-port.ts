import { join, relative, resolve } from 'node:path';
import type { Architecture } from '../lambda/lifecycle.js';
import { upgradeLambdaLibrary } from '../golang/upgrade.js';
import type { BuildPort } from '../core/ports.js';
import { findGo } from '../golang/go-toolchain.js';
import { rebuildBootstrap } from '../golang/rebuild.js';
import { findModules, matchSource, type GoModule } from '../golang/source-match.js';
import { smokeTest } from '../sandbox/exec/smoke.js';

/** The local toolchain: Go, the source folders, and the sandbox's runner for smoke tests. */
export function createBuildPort(
  sourceDirs: readonly string[],
  onOutput: (line: string) => void = () => undefined,
): BuildPort {
  let modules: Promise<GoModule[]> | undefined;
  return {
    goAvailable: async () => (await findGo()) !== undefined,
    async findSource(mainPath, handler) {
      if (sourceDirs.length === 0) return { status: 'not-found', candidates: [] };
      modules ??= findModules(sourceDirs.map((d) => resolve(d)));
      const m = await matchSource(await modules, mainPath, handler);
      return {
        status: m.status,
        ...(m.dir && { dir: m.dir }),
        ...(m.module && { moduleDir: m.module.dir }),
        ...(m.module?.goVersion && { moduleGoVersion: m.module.goVersion }),
        candidates: m.candidates,
      };
    },
    async rebuild(dir, architecture, tags, moduleGoVersion) {
      const r = await rebuildBootstrap(
        { packageDir: dir, architecture, tags, ...(moduleGoVersion && { moduleGoVersion }) },
        (e) => {
          if (e.type === 'compiler-output') onOutput(e.line);
        },
      );
      return r.binary;
    },
    async rebuildUpgraded(source, architectures, tags, version) {
      const upgraded = await upgradeLambdaLibrary(source.moduleDir!, version);
      try {
        const packageDir = join(upgraded.dir, relative(source.moduleDir!, source.dir!));
        const binaries: Partial<Record<Architecture, Buffer>> = {};
        for (const architecture of architectures) {
          const r = await rebuildBootstrap(
            {
              packageDir,
              architecture,
              tags,
              ...(source.moduleGoVersion && { moduleGoVersion: source.moduleGoVersion }),
            },
            (e) => {
              if (e.type === 'compiler-output') onOutput(e.line);
            },
          );
          binaries[architecture] = r.binary;
        }
        return { binaries, version: upgraded.version, patch: upgraded.patch, patchRoot: upgraded.patchRoot };
      } finally {
        await upgraded.dispose();
      }
    },
    async smokeTest(zip, runtime, handler, architecture, event) {
      const r = await smokeTest({ zip, runtime, handler, architecture, event, timeout: 30 });
      const errorType = r.functionError
        ? ((r.response as { errorType?: string } | null)?.errorType ?? 'Unhandled')
        : undefined;
      return {
        ok: !r.functionError,
        functionError: r.functionError,
        ...(errorType && { errorType }),
        response: r.payload.toString('utf8').slice(0, 2000),
        durationMs: r.report.durationMs,
        maxMemoryUsedMb: r.report.maxMemoryUsedMb,
        ...(r.report.initDurationMs !== undefined && { initDurationMs: r.report.initDurationMs }),
        ...(r.emulatedBy && { emulatedBy: r.emulatedBy }),
      };
    },
  };
}

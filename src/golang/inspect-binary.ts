import { createHash } from 'node:crypto';
import { assessBinary, libraryRange, type Assessment, type BinaryFacts } from './verdict.js';
import type { RuntimeLifecycle } from '../lambda/lifecycle.js';
import { readBuildInfo, type BuildInfo } from './buildinfo.js';
import { ElfError, readElf, type ElfInfo } from './elf.js';

const LAMBDA_LIB = 'github.com/aws/aws-lambda-go';

/** Everything `inspect` reports about one binary (the `inspect --json` document the README lists, plus a few fields). */
export interface BinaryReport extends Assessment {
  readonly file: string;
  readonly size: number;
  readonly sha256: string;
  readonly arch: BinaryFacts['arch'];
  readonly linkage: BinaryFacts['linkage'];
  readonly goVersion: string | null;
  readonly mainPath: string | null;
  readonly module: string | null;
  readonly deps: { path: string; version: string; replace: { path: string; version: string } | null }[];
  readonly lambdaLibrary: BinaryFacts['lambdaLibrary'];
  readonly runtimeApi: boolean | null;
  readonly rpc: boolean | null;
  readonly cgo: boolean | null;
  readonly tags: string[];
  readonly glibc: string | null;
  readonly buildSettings: Record<string, string>;
  readonly buildInfoLayout: BuildInfo['layout'] | null;
  /** Whether the protocol strings appear in the binary at all. */
  readonly probes: { runtimeApi: boolean; rpc: boolean } | null;
}

/** Reads a binary held in memory: ELF, Go build info, protocol probes, and the verdict for `target`. */
export function inspectBinary(
  file: string,
  buf: Buffer,
  target: string,
  lifecycle: RuntimeLifecycle,
): BinaryReport {
  let elf: ElfInfo | undefined;
  let info: BuildInfo | undefined;
  let elfError: string | undefined;
  try {
    elf = readElf(buf);
    info = readBuildInfo(buf, elf);
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    elfError = e.message;
  }
  const settings = info?.settings ?? {};
  const lib = info?.deps.find((d) => d.path === LAMBDA_LIB);
  const cgoSetting = settings.CGO_ENABLED;
  const tags = (settings['-tags'] ?? '').split(',').filter(Boolean);
  // The strings the two protocols need; they work for any binary, but a program can mention them for other
  // reasons, so when aws-lambda-go is linked in, its version and build tags decide.
  const probes = elf
    ? { runtimeApi: buf.includes('AWS_LAMBDA_RUNTIME_API'), rpc: buf.includes('_LAMBDA_SERVER_PORT') }
    : null;
  const libRuntimeApi = lib ? libraryRange(lib.version).runtimeApi : undefined;
  const facts: BinaryFacts = {
    isElf: elf !== undefined,
    arch: elf?.arch ?? null,
    linkage: elf?.linkage ?? null,
    glibc: elf?.glibc ?? null,
    goVersion: info?.goVersion ?? null,
    lambdaLibrary: lib ? { path: lib.path, version: lib.version } : null,
    runtimeApi: probes ? (libRuntimeApi ?? probes.runtimeApi) : null,
    rpc: probes ? (lib ? !tags.includes('lambda.norpc') : probes.rpc) : null,
    cgo:
      cgoSetting === '1'
        ? true
        : cgoSetting === '0'
          ? false
          : elf?.linkage === 'dynamic' && info
            ? true
            : info
              ? false
              : null,
    tags,
  };
  const assessment = assessBinary(facts, target, lifecycle);
  return {
    file,
    size: buf.length,
    sha256: createHash('sha256').update(buf).digest('hex'),
    arch: facts.arch,
    linkage: facts.linkage,
    goVersion: facts.goVersion,
    mainPath: info?.path || null,
    module: info?.main?.path ?? null,
    deps: (info?.deps ?? []).map((d) => ({
      path: d.path,
      version: d.version,
      replace: d.replace ? { path: d.replace.path, version: d.replace.version } : null,
    })),
    lambdaLibrary: facts.lambdaLibrary,
    runtimeApi: facts.runtimeApi,
    rpc: facts.rpc,
    cgo: facts.cgo,
    tags: [...facts.tags],
    glibc: facts.glibc,
    buildSettings: { ...settings },
    buildInfoLayout: info?.layout ?? null,
    probes,
    ...assessment,
    reasons: elfError ? [`${elfError}`, ...assessment.reasons.slice(1)] : assessment.reasons,
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, constants, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Architecture } from '../../lambda/lifecycle.js';
import { executableKind, hostArchitecture } from '../../golang/elf-machine.js';
import { compareVersions, readElf } from '../../golang/elf.js';
import { GoRpcClient } from '../go1x/rpc-client.js';
import { emulatorFor, type Emulator } from './emulation.js';
import { peakRssKb, treeRssKb } from './process-memory.js';
import type { ReportFigures } from '../../lambda/report.js';
import { billedDuration, reportLine } from './report.js';
import { RuntimeApiServer, type RuntimeResult } from './runtime-api.js';
import { runtimeVersionArn } from '../render.js';

/** What an execution environment runs. */
export interface EnvironmentSpec {
  readonly region: string;
  readonly accountId: string;
  readonly functionName: string;
  readonly version: string;
  readonly runtime: string;
  readonly handler: string;
  readonly memorySize: number;
  /** Seconds. */
  readonly timeout: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly architecture: Architecture;
  /** The unpacked deployment package (Lambda's /var/task). */
  readonly taskRoot: string;
  /** The glibc of the runtime's Amazon Linux (go1.x 2.17, provided.al2 2.26, provided.al2023 2.34), if known. */
  readonly glibc?: string;
}

/** The newest GLIBC_x.y a dynamically linked ELF file needs, by path (task roots are named by content). */
const glibcNeeded = new Map<string, Promise<string | undefined>>();

async function neededGlibc(file: string): Promise<string | undefined> {
  let found = glibcNeeded.get(file);
  if (!found) {
    found = readFile(file).then(
      (buf) => {
        try {
          const elf = readElf(buf);
          return elf.linkage === 'dynamic' ? elf.glibc : undefined;
        } catch {
          return undefined;
        }
      },
      () => undefined,
    );
    glibcNeeded.set(file, found);
  }
  return found;
}

/** One event to run. */
export interface InvocationInput {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly invokedFunctionArn: string;
  readonly traceId: string;
  readonly clientContext?: string;
}

/** What happened, in Lambda's terms. */
export interface InvocationOutcome {
  readonly requestId: string;
  /** The response, or the error document when `functionError`. */
  readonly payload: Buffer;
  readonly functionError: boolean;
  /** The invocation's log: (INIT_START and init output,) START, output, END, REPORT. */
  readonly log: string;
  readonly report: ReportFigures;
  readonly cold: boolean;
  /** The qemu binary that ran it, when the host could not run the architecture natively. */
  readonly emulatedBy: string | undefined;
}

const INIT_LIMIT_MS = 10_000;
const SAMPLE_MS = 10;

interface Failure {
  readonly errorType: string;
  readonly errorMessage: string;
  /** Extra log line after the message, as Lambda prints it (e.g. the error type). */
  readonly logSuffix?: string;
  /** A line the process would have printed before failing (the dynamic loader's refusal). */
  readonly logPrefix?: string;
  /** The invocation ran at least this long (a timeout ran the whole timeout, whatever the timer's jitter). */
  readonly minDurationMs?: number;
}

const failureBody = (f: Failure) =>
  Buffer.from(JSON.stringify({ errorMessage: f.errorMessage, errorType: f.errorType }));

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal
    ? `signal: ${signal === 'SIGKILL' ? 'killed' : signal.toLowerCase().replace(/^sig/, '')}`
    : `exit status ${code}`;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/**
 * One Lambda execution environment: a process started the way the function's runtime starts it
 * (provided.*: `bootstrap` with the Runtime API; go1.x: the handler binary over net/rpc), cold on its
 * first invocation and warm after, one invocation at a time.
 */
export class ExecutionEnvironment {
  state: 'new' | 'idle' | 'busy' | 'dead' = 'new';
  private child: ChildProcess | undefined;
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
  private api: RuntimeApiServer | undefined;
  private rpc: GoRpcClient | undefined;
  private sink: string[] = [];
  private partial = '';
  private emulator: Emulator | undefined;
  /** When the process was started: Init Duration runs from here, as the function's own init does. */
  private spawnedAt: number | undefined;
  private readonly isGo1x: boolean;
  private readonly logStream = `${new Date().toISOString().slice(0, 10).replaceAll('-', '/')}/[${'$LATEST'}]${randomBytes(16).toString('hex')}`;

  constructor(readonly spec: EnvironmentSpec) {
    this.isGo1x = spec.runtime === 'go1.x';
  }

  /** Runs one invocation; starts the process first when the environment is new (a cold start). */
  async invoke(input: InvocationInput): Promise<InvocationOutcome> {
    if (this.state === 'busy' || this.state === 'dead') throw new Error(`environment is ${this.state}`);
    const cold = this.state === 'new';
    this.state = 'busy';
    const lines: string[] = [];
    this.sink = lines;
    let peakKb = 0;
    let oom = false;
    const sampler = setInterval(() => {
      const pid = this.child?.pid;
      if (pid === undefined || this.child?.exitCode !== null) return;
      const kb = treeRssKb(pid);
      peakKb = Math.max(peakKb, kb);
      if (kb > this.spec.memorySize * 1024 && !oom) {
        oom = true;
        this.kill();
      }
    }, SAMPLE_MS);
    try {
      let initMs: number | undefined;
      let failure: Failure | undefined;
      if (cold) {
        lines.push(
          `INIT_START Runtime Version: ${this.spec.runtime === 'go1.x' ? 'go:1' : this.spec.runtime.replace('.', ':')}.sandbox\tRuntime Version ARN: ${runtimeVersionArn(this.spec.region, this.spec.runtime)}`,
        );
        failure = await this.init();
        initMs = performance.now() - (this.spawnedAt ?? performance.now());
        if (oom) failure = this.oomFailure(input.requestId);
      }
      lines.push(`START RequestId: ${input.requestId} Version: ${this.spec.version}`);
      const t1 = performance.now();
      if (!failure) {
        const result = await this.run(input, () => oom);
        if ('payload' in result) {
          const durationMs = performance.now() - t1;
          return this.finish(
            input,
            cold,
            initMs,
            durationMs,
            peakKb,
            lines,
            result.payload,
            result.functionError === true,
          );
        }
        failure = result.failure;
      }
      const durationMs = Math.max(performance.now() - t1, failure.minDurationMs ?? 0);
      if (failure.logPrefix) this.sink.push(failure.logPrefix);
      this.sink.push(
        `RequestId: ${input.requestId} Error: ${failure.errorMessage.replace(/^RequestId: \S+ Error: /, '')}`,
      );
      if (failure.logSuffix) this.sink.push(failure.logSuffix);
      this.state = 'dead';
      return this.finish(input, cold, initMs, durationMs, peakKb, lines, failureBody(failure), true);
    } finally {
      clearInterval(sampler);
      if (this.state === 'busy') this.state = 'idle';
      else if (this.state === 'dead') this.dispose();
    }
  }

  private finish(
    input: InvocationInput,
    cold: boolean,
    initMs: number | undefined,
    durationMs: number,
    sampledKb: number,
    lines: string[],
    payload: Buffer,
    functionError: boolean,
  ): InvocationOutcome {
    this.flushPartial();
    const pid = this.child?.pid;
    const peakKb = Math.max(sampledKb, pid !== undefined ? peakRssKb(pid) : 0);
    const report: ReportFigures = {
      durationMs,
      billedDurationMs: billedDuration(durationMs, initMs),
      memorySizeMb: this.spec.memorySize,
      maxMemoryUsedMb: Math.max(1, Math.ceil(peakKb / 1024)),
      ...(initMs !== undefined && { initDurationMs: initMs }),
    };
    lines.push(`END RequestId: ${input.requestId}`);
    lines.push(reportLine(input.requestId, report));
    if (this.emulator) {
      lines.push(
        `SANDBOX: ${this.spec.architecture} emulated by ${this.emulator.name} on ${hostArchitecture()}: the figures come from the real process, but emulated timings are not AWS timings.`,
      );
    }
    return {
      requestId: input.requestId,
      payload,
      functionError,
      log: lines.join('\n') + '\n',
      report,
      cold,
      emulatedBy: this.emulator?.name,
    };
  }

  private oomFailure(requestId: string): Failure {
    return {
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
      logSuffix: 'Runtime.OutOfMemory',
    };
  }

  /** What the runtime reports when the entry point cannot be started. */
  private async entryFailure(): Promise<Failure | { file: string }> {
    const name = this.isGo1x ? this.spec.handler : 'bootstrap';
    const file = join(this.spec.taskRoot, name);
    const shown = `/var/task/${name}`;
    const type = this.isGo1x ? 'PathError' : 'Runtime.InvalidEntrypoint';
    const fail = (why: string): Failure => ({ errorType: type, errorMessage: `fork/exec ${shown}: ${why}` });
    try {
      await stat(file);
    } catch {
      if (this.isGo1x) return fail('no such file or directory');
      return {
        errorType: type,
        errorMessage: `Couldn't find valid bootstrap(s): [/var/task/bootstrap /opt/bootstrap]`,
        logSuffix: type,
      };
    }
    try {
      await access(file, constants.X_OK);
    } catch {
      return { ...fail('permission denied'), logSuffix: type };
    }
    const kind = await executableKind(file);
    if (kind.kind === 'unknown' || (kind.kind === 'elf' && kind.arch !== this.spec.architecture)) {
      return { ...fail('exec format error'), logSuffix: type };
    }
    if (kind.kind === 'elf') {
      const emulator = await emulatorFor(kind.arch as Architecture);
      if (emulator instanceof Error)
        return { errorType: 'Sandbox.EmulatorMissing', errorMessage: emulator.message };
      this.emulator = emulator;
      const needs = this.spec.glibc ? await neededGlibc(file) : undefined;
      if (needs && compareVersions(needs, this.spec.glibc!) > 0) {
        // The dynamic loader refuses it before main: on AWS the process exits 1 with this line in the log.
        return {
          errorType: 'Runtime.ExitError',
          errorMessage: 'Runtime exited with error: exit status 1',
          logPrefix: `${shown}: /lib64/libc.so.6: version \`GLIBC_${needs}' not found (required by ${shown})`,
          logSuffix: 'Runtime.ExitError',
        };
      }
    }
    return { file };
  }

  private baseEnvironment(): NodeJS.ProcessEnv {
    const s = this.spec;
    return {
      ...s.environment,
      PATH: '/usr/local/bin:/usr/bin/:/bin:/opt/bin',
      LD_LIBRARY_PATH:
        '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      _HANDLER: s.handler,
      LAMBDA_TASK_ROOT: s.taskRoot,
      LAMBDA_RUNTIME_DIR: '/var/runtime',
      AWS_REGION: s.region,
      AWS_DEFAULT_REGION: s.region,
      AWS_LAMBDA_FUNCTION_NAME: s.functionName,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(s.memorySize),
      AWS_LAMBDA_FUNCTION_VERSION: s.version,
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${s.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: this.logStream,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_ACCESS_KEY_ID: 'ASIASANDBOXEXAMPLE00',
      AWS_SECRET_ACCESS_KEY: 'sandbox/secret/not/a/real/key',
      AWS_SESSION_TOKEN: 'sandbox-session-token',
      AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    };
  }

  private startProcess(file: string, env: NodeJS.ProcessEnv): void {
    const [command, args] = this.emulator ? [this.emulator.command, [file]] : [file, []];
    this.spawnedAt = performance.now();
    const child = spawn(command, args, { cwd: this.spec.taskRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: 127, signal: null }));
    });
    const onData = (d: Buffer) => this.output(d.toString('utf8'));
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  }

  private output(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    this.sink.push(...lines);
  }

  private flushPartial(): void {
    if (this.partial) this.sink.push(this.partial);
    this.partial = '';
  }

  /** Starts the process and waits until it is ready for events; a Failure when it cannot get there. */
  private async init(): Promise<Failure | undefined> {
    const entry = await this.entryFailure();
    if (!('file' in entry)) return entry;
    const env = this.baseEnvironment();
    const limit = sleep(INIT_LIMIT_MS, undefined, { ref: false }).then(() => 'timeout' as const);
    if (this.isGo1x) {
      const port = await freePort();
      this.startProcess(entry.file, {
        ...env,
        _LAMBDA_SERVER_PORT: String(port),
        AWS_EXECUTION_ENV: 'AWS_Lambda_go1.x',
      });
      const connect = (async () => {
        for (;;) {
          if (this.child?.exitCode !== null || this.child.signalCode !== null) return undefined;
          try {
            const rpc = await GoRpcClient.connect(port, 200);
            await rpc.ping();
            return rpc;
          } catch {
            await sleep(2);
          }
        }
      })();
      const first = await Promise.race([connect, this.exited!.then(() => 'exited' as const), limit]);
      if (first instanceof GoRpcClient) {
        this.rpc = first;
        return undefined;
      }
      return this.initFailed(first === 'timeout');
    }
    this.api = await RuntimeApiServer.start();
    this.startProcess(entry.file, { ...env, AWS_LAMBDA_RUNTIME_API: this.api.address });
    const first = await Promise.race([
      this.api.ready.then(() => 'ready' as const),
      this.api.initError,
      this.exited!.then(() => 'exited' as const),
      limit,
    ]);
    if (first === 'ready') return undefined;
    if (typeof first === 'object') {
      const doc = parseError(first.body);
      return {
        errorType: first.errorType || doc.errorType || 'Runtime.Unknown',
        errorMessage: doc.errorMessage ?? 'init error',
        logSuffix: first.errorType,
      };
    }
    return this.initFailed(first === 'timeout');
  }

  private async initFailed(timedOut: boolean): Promise<Failure> {
    if (timedOut) {
      this.kill();
      return {
        errorType: 'Sandbox.Timedout',
        errorMessage: `Init phase timed out after ${(INIT_LIMIT_MS / 1000).toFixed(2)} seconds`,
      };
    }
    const { code, signal } = await this.exited!;
    await sleep(5); // let the last output lines arrive
    return {
      errorType: 'Runtime.ExitError',
      errorMessage: `Runtime exited with error: ${exitText(code, signal)}`,
      logSuffix: 'Runtime.ExitError',
    };
  }

  private async run(
    input: InvocationInput,
    isOom: () => boolean,
  ): Promise<{ payload: Buffer; functionError?: boolean } | { failure: Failure }> {
    const timeoutMs = this.spec.timeout * 1000;
    const deadlineMs = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const exited = this.exited!.then(() => 'exited' as const);
    try {
      let work: Promise<RuntimeResult>;
      if (this.rpc) {
        const seconds = Math.floor(deadlineMs / 1000);
        work = this.rpc
          .invoke({
            Payload: input.payload,
            RequestId: input.requestId,
            XAmznTraceId: input.traceId,
            Deadline: { Seconds: seconds, Nanos: (deadlineMs - seconds * 1000) * 1_000_000 },
            InvokedFunctionArn: input.invokedFunctionArn,
            ...(input.clientContext && { ClientContext: Buffer.from(input.clientContext, 'base64') }),
          })
          .then((r): RuntimeResult => {
            if (!r.Error) return { kind: 'response', payload: r.Payload ?? Buffer.from('null') };
            if (r.Error.ShouldExit) this.state = 'dead';
            const doc = {
              errorMessage: r.Error.Message ?? '',
              errorType: r.Error.Type ?? '',
              ...(r.Error.StackTrace && r.Error.StackTrace.length > 0 && { stackTrace: r.Error.StackTrace }),
            };
            return { kind: 'error', errorType: doc.errorType, body: Buffer.from(JSON.stringify(doc)) };
          });
        // A dropped connection means the process died: let its exit status speak.
        work = work.catch(() => new Promise<RuntimeResult>(() => undefined));
      } else {
        work = this.api!.deliver({
          requestId: input.requestId,
          payload: input.payload,
          deadlineMs,
          invokedFunctionArn: input.invokedFunctionArn,
          traceId: input.traceId,
          ...(input.clientContext && {
            clientContext: Buffer.from(input.clientContext, 'base64').toString('utf8'),
          }),
        });
      }
      const first = await Promise.race([work, exited, timedOut]);
      await new Promise((r) => setImmediate(r));
      if (first === 'timeout') {
        this.kill();
        const seconds = (timeoutMs / 1000).toFixed(2);
        this.sink.push(
          `${new Date().toISOString()} ${input.requestId} Task timed out after ${seconds} seconds`,
        );
        this.state = 'dead';
        return {
          failure: {
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${input.requestId} Error: Task timed out after ${seconds} seconds`,
            minDurationMs: timeoutMs,
          },
        };
      }
      if (first === 'exited') {
        const { code, signal } = await this.exited!;
        await sleep(5);
        if (isOom()) return { failure: this.oomFailure(input.requestId) };
        return {
          failure: {
            errorType: 'Runtime.ExitError',
            errorMessage: `RequestId: ${input.requestId} Error: Runtime exited with error: ${exitText(code, signal)}`,
            logSuffix: 'Runtime.ExitError',
          },
        };
      }
      if (first.kind === 'response') return { payload: first.payload };
      if (first.errorType === 'Function.ResponseSizeTooLarge') {
        return {
          failure: { errorType: first.errorType, errorMessage: parseError(first.body).errorMessage ?? '' },
        };
      }
      return { payload: first.body, functionError: true };
    } finally {
      clearTimeout(timer);
    }
  }

  private kill(): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.child!.exitCode !== null) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  /**
   * Whether an idle environment can take the next event: its process is alive and, on the Runtime API,
   * has come back to `next`. A runtime that reported an error and exited (aws-lambda-go does after a
   * panic) is not: Lambda resets such an environment, and the next event gets a new one, with an INIT.
   * Waits at most `maxMs` for the runtime to come back or go away.
   */
  async reusable(maxMs = 2000): Promise<boolean> {
    if (
      this.state !== 'idle' ||
      !this.child ||
      this.child.exitCode !== null ||
      this.child.signalCode !== null
    )
      return false;
    if (!this.api) return true;
    const limit = sleep(maxMs, undefined, { ref: false }).then(() => false);
    return Promise.race([this.api.parked().then(() => true), this.exited!.then(() => false), limit]);
  }

  /** Ends the environment: kills the process, closes the Runtime API. */
  dispose(): void {
    this.state = 'dead';
    this.kill();
    this.rpc?.close();
    this.api?.close();
  }
}

function parseError(body: Buffer): { errorMessage?: string; errorType?: string } {
  try {
    return JSON.parse(body.toString('utf8')) as { errorMessage?: string; errorType?: string };
  } catch {
    return { errorMessage: body.toString('utf8') };
  }
}

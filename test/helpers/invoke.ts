import { InvokeCommand, type InvokeCommandInput, type LambdaClient } from '@aws-sdk/client-lambda';
import { parseReport } from '../../src/lambda/report.js';

/** Invokes with the log tail and returns the parsed pieces. */
export async function invoke(
  client: LambdaClient,
  input: Omit<InvokeCommandInput, 'Payload'> & { event?: unknown },
) {
  const { event, ...rest } = input;
  const out = await client.send(
    new InvokeCommand({ LogType: 'Tail', Payload: Buffer.from(JSON.stringify(event ?? {})), ...rest }),
  );
  const log = Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');
  const text = Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8');
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  const reportLine = log.split('\n').find((l) => l.startsWith('REPORT '));
  return {
    out,
    log,
    body: body as Record<string, unknown>,
    report: reportLine ? parseReport(reportLine) : undefined,
    functionError: out.FunctionError,
  };
}

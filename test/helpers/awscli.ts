import { spawn } from 'node:child_process';

/** Runs the AWS CLI against the sandbox (Lambda unless `service` says otherwise) and parses its JSON output. */
export function aws(
  url: string,
  region: string,
  args: string[],
  service = 'lambda',
): Promise<{ code: number | null; json: unknown; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'AKIDSANDBOX',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
    for (const key of [
      'AWS_PROFILE',
      'AWS_DEFAULT_PROFILE',
      'AWS_SESSION_TOKEN',
      'AWS_ENDPOINT_URL',
      'AWS_ENDPOINT_URL_LAMBDA',
      'AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API',
    ]) {
      delete env[key];
    }
    const child = spawn(
      'aws',
      ['--endpoint-url', url, '--region', region, '--output', 'json', service, ...args],
      {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, json: out.trim() ? JSON.parse(out) : undefined, stderr: err }),
    );
  });
}

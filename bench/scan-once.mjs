// One scan in a fresh process, as a user's `scan` runs: go-lambda-migrate's modules are loaded first, then
// the scan is timed (wall and this process's CPU) from its start to its result. Prints one JSON line.
//   node bench/scan-once.mjs URL REGION[,REGION...] REGION_CONCURRENCY
import { createLambdaPort } from '../dist/aws/lambda-port.js';
import { quotaPacer } from '../dist/core/pacing.js';
import { scanFunctions } from '../dist/core/scan.js';

const [url, regionList, concurrency] = process.argv.slice(2);
const regions = regionList.split(',');
const port = createLambdaPort({
  endpointUrl: url,
  staticCredentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  pace: quotaPacer(),
  maxAttempts: 10,
});
const c0 = process.cpuUsage();
const t0 = performance.now();
let result;
for await (const e of scanFunctions(port, { regions, regionConcurrency: Number(concurrency) }))
  if (e.type === 'done') result = e.result;
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
console.log(
  JSON.stringify({
    ms,
    found: result.functions.length,
    errors: result.errors,
    cpuMs: (cpu.user + cpu.system) / 1000,
  }),
);

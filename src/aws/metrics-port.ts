import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { MetricsPort } from '../core/ports.js';
import { call, clientOptions, perRegion, type AwsOptions } from './lambda-port.js';

const DAY_SECONDS = 86_400;

/** The MetricsPort over @aws-sdk/client-cloudwatch: one client per region, SDK retries on. */
export function createMetricsPort(options: AwsOptions = {}): MetricsPort {
  const client = perRegion((region) => new CloudWatchClient(clientOptions(options, region)));
  return {
    invocations: (ref, days) =>
      call(`GetMetricData (Invocations of ${ref.name}) in ${ref.region}`, async () => {
        // Up to the end of the current minute: CloudWatch takes whole minutes, and the last one counts too.
        const end = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);
        const start = new Date(end.getTime() - days * DAY_SECONDS * 1000);
        let total = 0;
        let token: string | undefined;
        do {
          const out = await client(ref.region).send(
            new GetMetricDataCommand({
              StartTime: start,
              EndTime: end,
              ...(token && { NextToken: token }),
              MetricDataQueries: [
                {
                  Id: 'invocations',
                  MetricStat: {
                    Metric: {
                      Namespace: 'AWS/Lambda',
                      MetricName: 'Invocations',
                      Dimensions: [{ Name: 'FunctionName', Value: ref.name }],
                    },
                    Period: DAY_SECONDS,
                    Stat: 'Sum',
                  },
                },
              ],
            }),
          );
          for (const r of out.MetricDataResults ?? []) for (const v of r.Values ?? []) total += v;
          token = out.NextToken;
        } while (token);
        return total;
      }),
  };
}

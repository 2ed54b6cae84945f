// The IaC step's own scanners against the library parsers they sit beside. Ratios are measured in this one run.
//   npm run build && node bench/iac.mjs
// Terraform: a module of 500 aws_lambda_function resources (with nested blocks, heredocs, interpolations and
// comments). The hand-written scanner (src/iac/terraform.ts: masking, blocks, attributes) finds every function
// and patches all of them; @cdktf/hcl2json (the Go HCL parser in WebAssembly) parses the same text, which the
// step does anyway to report syntax errors. YAML: a SAM template of 500 functions, located and patched through
// the `yaml` library's positions. CDK: a TypeScript file of 500 constructs (src/iac/cdk.ts), against TypeScript's
// own parser reading the same file.
import { performance } from 'node:perf_hooks';
import { parse as parseHcl } from '@cdktf/hcl2json';
import ts from 'typescript';
import { findDefinitions } from '../dist/iac/definitions.js';
import { planIac } from '../dist/core/iac-plan.js';

const N = 500;
const RUNS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, d = 1) => Number(n).toFixed(d);
const target = { runtime: 'provided.al2023', arch: 'arm64' };

const tf = Array.from(
  { length: N },
  (_, i) => `# function ${i}
resource "aws_lambda_function" "fn_${i}" {
  function_name = "fn-${i}"
  role          = aws_iam_role.lambda.arn
  filename      = "\${path.module}/build/fn-${i}.zip"
  runtime       = "go1.x" # not for long
  handler       = "main"
  environment {
    variables = {
      NAME = "fn-\${var.stage}-{${i}}"
    }
  }
  description = <<EOT
  Function ${i}: { braces } and "quotes" in a heredoc
EOT
}
`,
).join('\n');
const sam =
  "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n" +
  Array.from(
    { length: N },
    (_, i) => `  Fn${i}:
    Type: AWS::Serverless::Function # ${i}
    Properties:
      FunctionName: !Sub fn-${i}-\${AWS::Region}
      CodeUri: functions/fn-${i}/
      Handler: main
      Runtime: go1.x
      Role: !GetAtt Role.Arn
`,
  ).join('');
const cdk =
  "import * as lambda from 'aws-cdk-lib/aws-lambda';\nexport function build(scope: any) {\n" +
  Array.from(
    { length: N },
    (_, i) => `  new lambda.Function(scope, 'Fn${i}', {
    functionName: 'fn-${i}',
    runtime: lambda.Runtime.GO_1_X, // ${i}
    handler: 'main',
    code: lambda.Code.fromAsset(\`bin/fn-${i}\`),
  });
`,
  ).join('') +
  '}\n';

async function time(fn) {
  const out = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return median(out);
}

const fns = (names) => names.map((name) => ({ ref: { region: 'us-east-1', name }, tags: {}, target }));
const tfNames = Array.from({ length: N }, (_, i) => `fn-${i}`);

const rows = [];
// Terraform
const tfFile = { path: 'main.tf', text: tf };
const hcl = await time(() => parseHcl('main.tf', tf));
const tfFind = await time(async () => {
  const set = await findDefinitions([tfFile]);
  if (set.definitions.length !== N) throw new Error(`found ${set.definitions.length} Terraform functions`);
});
const tfPatch = await time(async () => {
  const r = await planIac(fns(tfNames), [tfFile]);
  if (r.functions.filter((f) => f.status === 'patched').length !== N) throw new Error('not all patched');
});
rows.push([
  'Terraform, 500 resources',
  `hcl2json parse ${fmt(hcl)} ms`,
  `find (incl. hcl2json check) ${fmt(tfFind)} ms`,
  `find + patch + diff ${fmt(tfPatch)} ms`,
  `scanner share ${fmt((tfFind - hcl) / hcl, 2)}× of the parse`,
]);
// SAM
const samFile = { path: 'template.yaml', text: sam };
const samPatch = await time(async () => {
  const r = await planIac(
    Array.from({ length: N }, (_, i) => ({
      ref: { region: 'us-east-1', name: `x-${i}` },
      tags: { 'aws:cloudformation:logical-id': `Fn${i}` },
      target,
    })),
    [samFile],
  );
  if (r.functions.filter((f) => f.status === 'patched').length !== N)
    throw new Error('not all SAM functions patched');
});
rows.push([
  'SAM, 500 functions',
  '',
  '',
  `find + patch + diff ${fmt(samPatch)} ms`,
  `${fmt(samPatch / N, 2)} ms a function`,
]);
// CDK
const cdkFile = { path: 'lib/stack.ts', text: cdk };
const tsParse = await time(() => ts.createSourceFile('stack.ts', cdk, ts.ScriptTarget.ES2022, true));
const cdkPatch = await time(async () => {
  const r = await planIac(fns(tfNames), [cdkFile]);
  if (r.functions.filter((f) => f.status === 'patched').length !== N)
    throw new Error('not all CDK functions patched');
});
rows.push([
  'CDK, 500 constructs',
  `TypeScript parse ${fmt(tsParse)} ms`,
  '',
  `find + patch + diff ${fmt(cdkPatch)} ms`,
  `${fmt(cdkPatch / tsParse, 2)}× TypeScript's parse`,
]);

console.log(`IaC step, median of ${RUNS} runs (${N} functions each):`);
for (const r of rows) console.log('  ' + r.filter(Boolean).join(' · '));

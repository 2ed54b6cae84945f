// A Go function on {{runtime}}: the asset folder holds an executable named bootstrap built by build/build.sh.
// Rendered by go-lambda-migrate: its patches take their lines from here.
new lambda.Function(this, '{{id}}', {
  runtime: lambda.Runtime.{{cdkRuntime}},
  architecture: lambda.Architecture.{{cdkArch}},
  handler: 'bootstrap',
  code: lambda.Code.fromAsset('build/{{name}}'),
});

import { Stack, Validations, type CfnElement, type Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { BuildOptions as EsbuildOptions } from 'esbuild';
import * as path from 'node:path';

export interface ApiFunctionProps {
  /** Absolute path of the handler module (it exports `handler`). */
  readonly entry: string;
  /** Repository root: holds package.json, package-lock.json and tsconfig.json. */
  readonly projectRoot: string;
  readonly description?: string;
  /** Powertools log level; the handlers' logger reads LOG_LEVEL. */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Extra environment, e.g. ALLOWED_ORIGINS. */
  readonly environment?: Record<string, string>;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Caps (and reserves) concurrent executions, e.g. 1 for a job that must not overlap itself. */
  readonly reservedConcurrentExecutions?: number;
  /** Encrypts the function's log group (its logs hold request data). The key must let the logs service use it. */
  readonly logsKey: kms.IKey;
  /**
   * How the function is invoked, which decides where a failed invocation goes: 'sync' (API Gateway:
   * the caller gets the error), 'event-source' (the event source's own dead-letter queue) or
   * 'async' (an on-failure destination). None of them takes a Lambda dead-letter queue.
   */
  readonly invocation: 'sync' | 'event-source' | 'async';
}

/** Service name shared by every function (matches functions/shared/logger.ts). */
export const SERVICE_NAME = 'prevent-compliance';

/**
 * How every function is bundled: one place, read by the stack (below) and by the module-load
 * benchmark (bench/cold-start.ts), which bundles each function exactly this way.
 */
export const FUNCTION_BUNDLING = {
  format: OutputFormat.ESM,
  // Prefer packages' ESM builds; fall back to CommonJS where there is none.
  mainFields: ['module', 'main'],
  minify: true,
  // index.mjs.map beside the bundle, without the sources themselves (only the positions are
  // needed): read on the first error logged (functions/shared/logger.ts sourceMappedStack) and
  // in the deployment package for anyone reading a stack trace offline. Not loaded with the
  // module: --enable-source-maps parsed the whole map on every cold start (measured by
  // `BENCH_ONLY=cold npm run bench`).
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  // esbuild's per-bundle size report is noise in synth and test output.
  logLevel: LogLevel.WARNING,
  // Bundle the AWS SDK too, so the deployed code runs the versions pinned in
  // package-lock.json rather than whatever the Lambda runtime happens to ship.
  externalModules: [],
  // Bundled CommonJS dependencies may call `require` (e.g. for Node built-ins),
  // which does not exist in an ES module; give them one.
  // Aliased: a bundled ESM module (fflate, under read-excel-file) imports createRequire itself.
  banner: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
} satisfies BundlingOptions;

/**
 * FUNCTION_BUNDLING in esbuild's own terms, as aws-lambda-nodejs hands it to esbuild
 * (Bundling.buildEsbuildArgs: --bundle, --platform=node, index.mjs for ESM, no --tsconfig unless
 * given): for the module-load benchmark, and checked against the stack's bundles by
 * test/infra/stack.test.ts.
 */
export function esbuildOptionsOf(entry: string, outdir: string, projectRoot: string): EsbuildOptions & { outfile: string } {
  const b = FUNCTION_BUNDLING;
  return {
    entryPoints: [path.resolve(projectRoot, entry)],
    absWorkingDir: projectRoot,
    bundle: true,
    platform: 'node',
    target: b.target,
    format: b.format,
    outfile: path.join(outdir, b.format === OutputFormat.ESM ? 'index.mjs' : 'index.js'),
    minify: b.minify,
    sourcemap: b.sourceMap,
    sourcesContent: b.sourcesContent,
    external: [...b.externalModules],
    logLevel: b.logLevel,
    banner: { js: b.banner },
    mainFields: [...b.mainFields],
  };
}

/**
 * The one way this project builds an API Lambda: Node 22 on Graviton, an ESM bundle made
 * by the local esbuild (no Docker), its own KMS-encrypted log group with bounded retention,
 * active X-Ray tracing, and table access granted through `bindTable` only, so each group gets
 * exactly what GROUPS says. The cdk-nag findings every such function has are acknowledged here.
 */
export class ApiFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    // Created in the parent scope because `this` does not exist before super().
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      // Bounded, so request logs do not pile up forever. The default removal policy
      // (RETAIN) keeps them for that period even if the stack is deleted.
      retention: logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.logsKey,
    });
    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      logGroup,
      // X-Ray traces of every invocation (the handlers' Powertools tracer adds the SDK calls).
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        // No NODE_OPTIONS=--enable-source-maps: see sourceMap in FUNCTION_BUNDLING.
        ...props.environment,
      },
      bundling: FUNCTION_BUNDLING,
    });

    // cdk-nag findings every function of this project has, each answered here once.
    const acknowledge = (id: string, reason: string) => this.acknowledge(id, reason);
    acknowledge('AwsSolutions-L1', 'The runtime is pinned at Node 22 (package.json engines, esbuild target node22); moving it is a deliberate project change, not a synth-time default.');
    acknowledge('Serverless-LambdaLatestVersion', 'The runtime is pinned at Node 22 (package.json engines, esbuild target node22); moving it is a deliberate project change.');
    acknowledge(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "AWS's basic execution policy only lets the function write its own logs; a hand-written copy would say the same.",
    );
    acknowledge(
      'AwsSolutions-IAM5[Resource::*]',
      'Only actions that take no resource ARN: xray:PutTraceSegments/PutTelemetryRecords (active tracing) and, for the stream consumer, dynamodb:ListStreams (test/infra/stack.test.ts checks no other action).',
    );
    const noDlq = {
      sync: 'Invoked synchronously by API Gateway: the caller receives the error; a dead-letter queue never receives anything.',
      'event-source': "Invoked by an event source mapping: failed records go to the event source's own dead-letter queue, not a Lambda DLQ.",
      async: 'Invoked asynchronously: failed events go to the on-failure destination (an SQS queue with an alarm), which supersedes a Lambda DLQ.',
    }[props.invocation];
    acknowledge('Serverless-LambdaDLQ', noDlq);
  }

  /** A cdk-nag finding of this function (or its role) answered, with the reason, where it arises. */
  acknowledge(id: string, reason: string): void {
    Validations.of(this).acknowledge({ id, reason });
  }

  /**
   * For a function that serves tenants: the table's name, and the tenant role it assumes per
   * partnership (infra/constructs/tenant-access.ts), but no table permission of its own.
   */
  useTenantAccess(table: dynamodb.ITable, tenantRole: iam.IRole): void {
    this.addEnvironment('TABLE_NAME', table.tableName);
    this.addEnvironment('TENANT_ROLE_ARN', tenantRole.roleArn);
  }

  /**
   * Hands the table to the function's own role: its name in TABLE_NAME and exactly read or
   * read/write data access. Only for the jobs that must cross partnerships.
   */
  bindTable(table: dynamodb.Table, mode: 'RO' | 'RW'): void {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (mode === 'RW') table.grantReadWriteData(this);
    else table.grantReadData(this);
    this.acknowledge(`AwsSolutions-IAM5[Resource::<${logicalId(table)}.Arn>/index/*]`, "Queries this one table's indexes: CDK's grant names them <table ARN>/index/*.");
    if (mode === 'RW') this.acknowledgeKeyGrant();
  }

  /**
   * The findings of CDK's bucket grants: object-level actions end in * (GetObject*, DeleteObject*...)
   * and apply to the objects of this one bucket (<bucket ARN>/*).
   */
  acknowledgeBucketGrant(bucket: s3.Bucket, actions: readonly ('s3:GetObject*' | 's3:GetBucket*' | 's3:List*' | 's3:DeleteObject*' | 's3:Abort*')[]): void {
    this.acknowledge(`AwsSolutions-IAM5[Resource::<${logicalId(bucket)}.Arn>/*]`, 'Objects of this one bucket: object keys are data, the bucket is the boundary.');
    for (const action of actions) this.acknowledge(`AwsSolutions-IAM5[Action::${action}]`, `CDK's grant on this function's bucket(s) only (the action families S3 splits into variants).`);
    if (bucket.encryptionKey) this.acknowledgeKeyGrant();
  }

  /** CDK's encrypt/decrypt grant on a customer-managed key: kms:GenerateDataKey* and kms:ReEncrypt*, on that key's ARN only. */
  acknowledgeKeyGrant(): void {
    const reason = "CDK's encrypt/decrypt grant on the customer-managed key of data this function writes; the statement names that key's ARN only.";
    this.acknowledge('AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', reason);
    this.acknowledge('AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason);
  }
}

const logicalId = (construct: dynamodb.Table | s3.Bucket): string => Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);

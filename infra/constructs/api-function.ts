import type { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
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
}

/** Service name shared by every function (matches functions/shared/logger.ts). */
export const SERVICE_NAME = 'prevent-compliance';

/**
 * The one way this project builds an API Lambda: Node 22 on Graviton, an ESM bundle made
 * by the local esbuild (no Docker), its own log group with bounded retention, and table
 * access granted through `bindTable` only, so each group gets exactly what GROUPS says.
 */
export class ApiFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    // Created in the parent scope because `this` does not exist before super().
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      // Bounded, so request logs do not pile up forever. The default removal policy
      // (RETAIN) keeps them for that period even if the stack is deleted.
      retention: logs.RetentionDays.THREE_MONTHS,
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
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        LOG_LEVEL: props.logLevel ?? 'INFO',
        // Stack traces point at the TypeScript sources instead of the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        // Prefer packages' ESM builds; fall back to CommonJS where there is none.
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
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
      },
    });
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
  bindTable(table: dynamodb.ITable, mode: 'RO' | 'RW'): void {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (mode === 'RW') table.grantReadWriteData(this);
    else table.grantReadData(this);
  }
}

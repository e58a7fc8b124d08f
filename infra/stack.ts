import { IMPORT_MAX_RECEIVES } from '../domain/training/import-job';
import { Annotations, ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUPS, groupLimits, ROUTES, type GroupName, type RouteContract } from '../functions/api';
import { HEALTH_KEY } from '../functions/data/keys';
import { TABLE } from '../functions/data/table';
import { ApiFunction } from './constructs/api-function';
import { TenantAccess } from './constructs/tenant-access';
import { SignInTrigger } from './constructs/sign-in-trigger';
import { Monitoring } from './constructs/monitoring';
import { API_PATH_PREFIX, WebHosting } from './constructs/web-hosting';
import { AUTH_CALLBACK_PATH, SIGNED_OUT_PATH, type WebConfig } from './web-app';

/** Repository root (infra/..): handler entries in GROUPS are relative to it. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The only Cognito calls the users group makes (functions/identity/directory.ts). */
export const USER_DIRECTORY_ACTIONS = [
  'cognito-idp:AdminCreateUser',
  'cognito-idp:AdminGetUser',
  'cognito-idp:AdminDeleteUser',
] as const;

export interface PreventComplianceStackProps extends StackProps {
  /**
   * Browser origins allowed by CORS besides the web app's own (API Gateway preflight, the
   * handlers, the documents bucket). '*' is ignored. @default none
   */
  readonly allowedOrigins?: string[];
  /** Extra origins (e.g. http://localhost:5173) Cognito may send back to after sign-in and sign-out. @default none */
  readonly webDevOrigins?: string[];
  /** Prefix of the Cognito sign-in domain, unique per region. @default `prevent-compliance-<account id>` */
  readonly signInDomainPrefix?: string;
  /** The web app's build (index.html, assets/). @default `<PROJECT_ROOT>/web/dist` */
  readonly webAssetsPath?: string;
  /** @default 'INFO' */
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * The SES identity reminders are sent from: an email address or a domain verified in SES.
   * @default 'prevent-reminders@example.org'
   */
  readonly senderEmail?: string;
  /** Where links in reminders point (the web app). @default the web app's CloudFront origin */
  readonly appBaseUrl?: string;
  /**
   * ARN of the WAF web ACL (CLOUDFRONT scope, in us-east-1) for the distribution: infra/deployment.ts
   * passes the EdgeStack's. @default none (tests of this stack alone)
   */
  readonly webAclArn?: string;
  /** Email address subscribed to the alarm topic (confirm from the email). @default no subscription */
  readonly alarmEmail?: string;
}

/** Header CloudFront adds to every request to the API; the handlers refuse requests without the secret in it. */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/** API stage throttling: the default per route, and tighter limits on the heavy routes. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;
export const HEAVY_ROUTE_THROTTLE: Record<string, { rateLimit: number; burstLimit: number }> = {
  // The synchronous import parses up to 20,000 rows per call (3 GB, up to 29 s).
  'POST /authorities/{id}/completions/import': { rateLimit: 2, burstLimit: 5 },
  // Presigned upload URLs and queued imports: cheap calls, but each lets a browser put a file in S3.
  'POST /authorities/{id}/imports/uploads': { rateLimit: 5, burstLimit: 10 },
  'POST /authorities/{id}/imports': { rateLimit: 5, burstLimit: 10 },
  'POST /authorities/{id}/statements/{year}/document/upload-url': { rateLimit: 5, burstLimit: 10 },
};

/**
 * The API's access log line. Deliberately without `$context.authorizer.*`, the Authorization
 * header, request or response bodies and the query string (reports are filtered by query
 * parameters): who called is in the function's own log, and tokens must never reach a log.
 * Behind CloudFront, `ip` is the edge's address; the viewer's is in the distribution's access log.
 */
export const API_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
});

/** Backups besides point-in-time recovery (35 days of any second): see README "Backups". */
export const BACKUP_RETENTION = { daily: Duration.days(35), monthly: Duration.days(366) } as const;

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A dead-letter queue has no dead-letter queue of its own: where would its messages go? */
function acknowledgeDeadLetterQueue(queue: sqs.Queue, { referencedByRedrive }: { referencedByRedrive: boolean }): void {
  const reason = 'This queue is itself a dead-letter queue (14 days, alarmed on depth > 0); a message that lands here is read by a person.';
  Validations.of(queue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });
  // AwsSolutions recognises a DLQ only through another queue's redrive policy, not a Lambda destination or an event source.
  if (!referencedByRedrive) Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
}

/** The import worker's time limit per run (Lambda's maximum). */
export const IMPORT_WORKER_TIMEOUT = Duration.minutes(15);
/** Imports the worker processes at once, so a burst of imports cannot starve the table. */
export const IMPORT_WORKER_CONCURRENCY = 5;

/**
 * Everything the service runs on: one DynamoDB table, a Cognito user pool whose tokens
 * carry the partnership and authority, an HTTP API whose routes, Lambdas and
 * permissions are all derived from the contract in functions/api.ts, and the web app on
 * CloudFront that signs in with the pool's managed login and calls that API through the same
 * distribution (/api) and its WAF; customer-managed keys, alarms and backups around them.
 * Deployed with its WAF stack by infra/deployment.ts.
 */
export class PreventComplianceStack extends Stack {
  readonly table: dynamodb.Table;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly api: apigw.HttpApi;
  readonly functions: Record<GroupName, ApiFunction>;
  readonly reminderFunction: ApiFunction;
  readonly documents: s3.Bucket;
  readonly summaryFunction: ApiFunction;
  readonly imports: s3.Bucket;
  readonly importJobs: sqs.Queue;
  readonly importJobDeadLetters: sqs.Queue;
  readonly importWorker: ApiFunction;
  readonly reminderDeadLetters: sqs.Queue;
  readonly signInDomain: cognito.UserPoolDomain;
  readonly web: WebHosting;
  /** The role tenant requests reach data with (read/write; `tenantAccess.readOnlyRole` for read-only groups). */
  readonly tenantAccessRole: iam.Role;
  readonly tenantAccess: TenantAccess;
  /** Customer-managed keys (rotation on). tableKey and documentsKey are granted to whoever reads the table or documents. */
  readonly tableKey: kms.Key;
  readonly documentsKey: kms.Key;
  readonly importsKey: kms.Key;
  /** Queues (dead-letter queues too) and the alarm topic. */
  readonly messagingKey: kms.Key;
  /** Log groups holding request data (function logs, API access logs). */
  readonly logsKey: kms.Key;
  readonly accessLogs: s3.Bucket;
  readonly monitoring: Monitoring;
  readonly backupPlan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: PreventComplianceStackProps = {}) {
    super(scope, id, props);

    // ---- Keys: customer-managed, rotated yearly, kept if the stack goes ------------------
    // One key per kind of data, so a key policy or a grant never reaches more than its data.
    const key = (id: string, description: string) =>
      new kms.Key(this, id, { description: `Prevent compliance: ${description}`, enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    this.tableKey = key('TableKey', 'the table, its stream and its backups');
    this.documentsKey = key('DocumentsKey', 'signed statement documents');
    this.importsKey = key('ImportsKey', 'uploaded import files');
    this.messagingKey = key('MessagingKey', 'queues, dead-letter queues and the alarm topic');
    this.logsKey = key('LogsKey', 'log groups holding request data');
    // CloudWatch Logs encrypts with the key itself, limited to this account's log groups in this region.
    this.logsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': this.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
      }),
    );
    // CloudWatch alarms publish to the encrypted topic, EventBridge parks failed schedule events in an
    // encrypted dead-letter queue: both services encrypt with the key themselves.
    this.messagingKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com'), new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    // ---- Access logs of the buckets and the distribution ---------------------------------
    // S3 server access logs and CloudFront standard logs cannot be written to a KMS-encrypted
    // bucket, and CloudFront's logging needs ACLs: hence S3-managed encryption and ACLs kept.
    this.accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      removalPolicy: RemovalPolicy.RETAIN,
      // A year: long enough to investigate an incident reported late.
      lifecycleRules: [{ id: 'ExpireAccessLogs', expiration: Duration.days(365) }],
    });

    // ---- Data: the single table, built from its one definition -----------------------
    const stringKey = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: stringKey(TABLE.partitionKey),
      sortKey: stringKey(TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.tableKey,
      // Compliance records outlive any stack: never delete or replace the table with it.
      removalPolicy: RemovalPolicy.RETAIN,
      // Every change feeds the report summaries (functions/jobs/report-summaries.ts).
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });
    for (const index of Object.values(TABLE.indexes)) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    // ---- Identity ------------------------------------------------------------------
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // Users are invited by the steering group (AdminCreateUser), never self-registered.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // Email is the username but deliberately not a *required* attribute: Cognito wants
      // required attributes writable by app clients, and this client must not write it.
      // AdminCreateUser always sets it (functions/identity/directory.ts).
      // No longer written: a person may belong to several partnerships, and the pre-token trigger
      // sets these claims from the chosen membership (infra/constructs/sign-in-trigger.ts). Kept
      // defined (Cognito cannot remove an attribute) and immutable, so nothing can set them.
      customAttributes: {
        tenantId: new cognito.StringAttribute({ mutable: false }),
        authorityId: new cognito.StringAttribute({ mutable: false }),
      },
      // NCSC password guidance: length (a passphrase of three random words) rather than composition
      // rules, which push people to predictable substitutions ('Passw0rd!') and to writing them down.
      // Breached and common passwords are refused by threat protection below, as NCSC advises.
      passwordPolicy: {
        minLength: 14,
        requireLowercase: false,
        requireUppercase: false,
        requireDigits: false,
        requireSymbols: false,
        tempPasswordValidity: Duration.days(3),
      },
      // Every sign-in with an authenticator app (TOTP); never SMS (SIM swap, and it costs per message).
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      // Plus: threat protection (compromised-credential checks, adaptive authentication) enforced.
      // Costs per monthly active user (docs/deploy.md); worth it for OFFICIAL-SENSITIVE data. (The
      // version 2 pre-token trigger, which puts the membership in the token, needs Essentials or Plus.)
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // No Cognito groups: a person's role is their membership's, and the pre-token trigger puts
    // that one role in `cognito:groups` (the claim the API reads), so a group could only disagree.
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG1',
      reason: 'NCSC guidance: a 14-character minimum and no composition rules (uppercase, digits, symbols); breached passwords are refused by threat protection.',
    });
    this.signInDomain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: props.signInDomainPrefix ?? `prevent-compliance-${this.account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const region = this.region;

    if (props.allowedOrigins?.includes('*')) {
      Annotations.of(this).addWarning("allowedOrigins '*' ignored: CORS allows the web app's origin and the listed ones only");
    }
    const extraOrigins = (props.allowedOrigins ?? []).filter((o) => o && o !== '*');

    // ---- HTTP API (routes below, once the functions exist) ----------------------------
    // The web app calls it through its own distribution (/api/*), same origin: CORS is only for
    // the extra origins (e.g. a developer's Vite server). Naming the distribution here would be a
    // cycle besides (the distribution names the API as its origin).
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'prevent-compliance',
      corsPreflight: extraOrigins.length
        ? { allowOrigins: extraOrigins, allowHeaders: ['authorization', 'content-type', 'idempotency-key'], exposeHeaders: ['retry-after', 'idempotent-replayed'], allowMethods: [apigw.CorsHttpMethod.ANY], maxAge: Duration.hours(1) }
        : undefined,
    });
    const apiAccessLogs = new logs.LogGroup(this, 'HttpApiAccessLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: this.logsKey });
    const stage = this.api.defaultStage!.node.defaultChild as apigw.CfnStage;
    stage.accessLogSettings = { destinationArn: apiAccessLogs.logGroupArn, format: API_ACCESS_LOG_FORMAT };
    stage.defaultRouteSettings = { throttlingRateLimit: API_THROTTLE.rateLimit, throttlingBurstLimit: API_THROTTLE.burstLimit };
    const routeKeys = new Set(Object.values(ROUTES).map((r) => `${r.method} ${r.path}`));
    stage.routeSettings = Object.fromEntries(
      Object.entries(HEAVY_ROUTE_THROTTLE).map(([routeKey, limit]) => {
        // A renamed route must not silently lose its limit (nor create a setting for no route).
        if (!routeKeys.has(routeKey)) throw new Error(`HEAVY_ROUTE_THROTTLE names ${routeKey}, which is not a route of the contract`);
        // RouteSettings is a map the L1 passes through as is: CloudFormation's own property names.
        return [routeKey, { ThrottlingRateLimit: limit.rateLimit, ThrottlingBurstLimit: limit.burstLimit }];
      }),
    );

    // Requests that skip CloudFront (and with it the WAF) to the execute-api endpoint: CloudFront
    // adds a secret header that the handlers check (functions/shared/http.ts). The value reaches
    // the distribution and the functions as a dynamic reference, never in the template.
    const originVerify = new secretsmanager.Secret(this, 'OriginVerifySecret', {
      description: 'Header value CloudFront adds to every API request of the Prevent compliance service',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(originVerify).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Rotating it means updating the distribution and the functions together: a new value and a redeploy (docs/deploy.md), not a rotation Lambda.',
    });

    // ---- Web app and API behind one CloudFront distribution and its WAF ---------------------
    // The CSP may not name the buckets the browser uploads to with presigned URLs (their CORS
    // names the distribution: cycle), hence the region's S3 wildcard. The API is 'self' (/api).
    // The sign-in domain depends only on the pool, so it is exact.
    this.web = new WebHosting(this, 'Web', {
      assetsPath: props.webAssetsPath ?? path.join(PROJECT_ROOT, 'web', 'dist'),
      cspOrigins: {
        connect: [`https://*.s3.${region}.amazonaws.com`, `https://cognito-idp.${region}.amazonaws.com`, this.signInDomain.baseUrl()],
        formAction: [this.signInDomain.baseUrl()],
      },
      logBucket: this.accessLogs,
      webAclArn: props.webAclArn,
      api: {
        domainName: `${this.api.apiId}.execute-api.${region}.${this.urlSuffix}`,
        customHeaders: { [ORIGIN_VERIFY_HEADER]: originVerify.secretValue.unsafeUnwrap() },
      },
    });
    const allowedOrigins = [this.web.origin, ...extraOrigins];
    const appOrigins = [this.web.origin, ...(props.webDevOrigins ?? [])].map((o) => o.replace(/\/+$/, ''));

    this.userPoolClient = this.userPool.addClient('WebClient', {
      // Public (browser) client: the authorization-code grant with PKCE, never the implicit grant.
      generateSecret: false,
      // SRP stays for API clients outside the browser that fetch an ID token themselves.
      authFlows: { userSrp: true, userPassword: false, adminUserPassword: false, custom: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: appOrigins.map((o) => `${o}${AUTH_CALLBACK_PATH}`),
        logoutUrls: appOrigins.map((o) => `${o}${SIGNED_OUT_PATH}`),
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      // Short-lived: a stolen token is good for half an hour. The web app renews silently with the
      // refresh token (oidc-client-ts automaticSilentRenew), so users do not notice.
      idTokenValidity: Duration.minutes(30),
      accessTokenValidity: Duration.minutes(30),
      // A working day; revocable on sign-out.
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
      readAttributes: new cognito.ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes('tenantId', 'authorityId'),
      // Deliberately without the custom attributes (a user must not rebind themselves to
      // another partnership or authority) and without email, which is the username the
      // users group creates and deletes by.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    // Managed login (v2) shows an error page for a client without a branding style.
    new cognito.CfnManagedLoginBranding(this, 'SignInBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.userPoolClient.userPoolClientId,
      useCognitoProvidedValues: true,
    });

    // ---- Signed statement documents ---------------------------------------------------
    // Private, encrypted, versioned (an earlier signed document is never lost), TLS only.
    // Browsers upload and download directly with presigned URLs, hence the CORS rule.
    this.documents = new s3.Bucket(this, 'Documents', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.documentsKey,
      // One data key per bucket rather than a KMS call per object.
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'documents/',
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      cors: [{ allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET], allowedOrigins: allowedOrigins, allowedHeaders: ['content-type', 'content-length'], maxAge: 3000 }],
    });

    // ---- Import jobs: uploaded files and the queue of imports to run -------------------
    // A file to import is personal data: the browser PUTs it with a presigned URL, the worker reads
    // it and deletes it when the import is done. The lifecycle rule is only the backstop (objects of
    // a failed or abandoned import); unversioned, so a deleted file leaves no earlier version behind.
    this.imports = new s3.Bucket(this, 'Imports', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.importsKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'imports/',
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'ExpireImportFiles', expiration: Duration.days(2), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      cors: [{ allowedMethods: [s3.HttpMethods.PUT], allowedOrigins: allowedOrigins, allowedHeaders: ['content-type', 'content-length'], maxAge: 3000 }],
    });
    // A message is { tenantId, authorityId, importId }. The worker resumes from the import's last
    // checkpoint, so a redelivered message is safe; one that keeps failing is parked after 5 tries.
    this.importJobDeadLetters = new sqs.Queue(this, 'ImportJobDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.messagingKey,
      enforceSSL: true,
    });
    acknowledgeDeadLetterQueue(this.importJobDeadLetters, { referencedByRedrive: true });
    this.importJobs = new sqs.Queue(this, 'ImportJobs', {
      encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.messagingKey,
      enforceSSL: true,
      // Six times the function's timeout, as AWS advises for a Lambda event source: a message
      // is not handed to a second worker while the first may still run (or be retried by Lambda).
      visibilityTimeout: Duration.seconds(6 * IMPORT_WORKER_TIMEOUT.toSeconds()),
      deadLetterQueue: { queue: this.importJobDeadLetters, maxReceiveCount: IMPORT_MAX_RECEIVES },
    });

    // ---- Page cursors: sealed with a key of this deployment ----------------------------
    // Cursors are LastEvaluatedKeys sealed with AES-256-GCM (functions/data/store.ts). The key is
    // generated here and reaches the functions through a CloudFormation dynamic reference, so it
    // is never in the template; rotating it only makes outstanding cursors start again.
    const cursorKey = new secretsmanager.Secret(this, 'CursorKey', {
      description: 'Seals page cursors of the Prevent compliance API',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(cursorKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Read at deploy time by dynamic reference; rotating it is a new value and a redeploy (outstanding cursors start again), not a rotation Lambda.',
    });

    // ---- Functions: one per resource group ------------------------------------------
    const functions = {} as Record<GroupName, ApiFunction>;
    for (const [group, spec] of Object.entries(GROUPS) as [GroupName, (typeof GROUPS)[GroupName]][]) {
      const fn = new ApiFunction(this, `${capitalise(group)}Function`, {
        entry: path.join(PROJECT_ROOT, spec.entry),
        projectRoot: PROJECT_ROOT,
        description: `Prevent compliance API: ${group} routes`,
        logLevel: props.logLevel,
        environment: {
          ALLOWED_ORIGINS: allowedOrigins.join(','),
          // Checked by functions/shared/http.ts: a request without the secret did not come through CloudFront.
          ORIGIN_VERIFY_HEADER,
          ORIGIN_VERIFY_SECRET: originVerify.secretValue.unsafeUnwrap(),
        },
        memorySize: groupLimits(group).memoryMB,
        timeout: Duration.seconds(groupLimits(group).timeoutSeconds),
        logsKey: this.logsKey,
        invocation: 'sync',
      });
      // Tenant-facing: no table or bucket permission of its own; it reaches data with the tenant
      // role assumed for the caller's partnership (TenantAccess, below).
      if (spec.table === 'RO' || spec.table === 'RW') fn.addEnvironment('CURSOR_KEY', cursorKey.secretValue.unsafeUnwrap());
      if ('readiness' in spec && spec.readiness) {
        // GET /health/ready reads one key outside every partnership, and nothing else.
        fn.addEnvironment('TABLE_NAME', this.table.tableName);
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['dynamodb:GetItem'],
            resources: [this.table.tableArn],
            conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [HEALTH_KEY.PK] } },
          }),
        );
        this.tableKey.grantDecrypt(fn);
      }
      if ('documents' in spec && spec.documents) {
        // Signs upload and download URLs, reads what arrived, deletes rejects: as the partnership.
        fn.addEnvironment('DOCUMENTS_BUCKET', this.documents.bucketName);
      }
      if ('imports' in spec && spec.imports) {
        // Signs upload URLs for import files, checks and reads what arrived (the synchronous route),
        // deletes what it will not import (as the partnership), and queues the import job.
        fn.addEnvironment('IMPORTS_BUCKET', this.imports.bucketName);
        fn.addEnvironment('IMPORT_QUEUE_URL', this.importJobs.queueUrl);
        this.importJobs.grantSendMessages(fn);
        // Sending to the queue encrypts with the messaging key.
        fn.acknowledgeKeyGrant();
      }
      functions[group] = fn;
    }
    this.functions = functions;

    // The person's partnership in each token, and the identity routes' narrow cross-partnership access.
    const signInTrigger = new SignInTrigger(this, 'SignInTrigger', { userPool: this.userPool, table: this.table, projectRoot: PROJECT_ROOT, routes: functions.identity, logLevel: props.logLevel, tableKey: this.tableKey, logsKey: this.logsKey });

    // The users group invites people and removes what it made: exactly the three admin calls it
    // makes, on this pool only (no cognito-idp:*, no other pool).
    functions.users.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    functions.users.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...USER_DIRECTORY_ACTIONS], resources: [this.userPool.userPoolArn] }),
    );

    // ---- HTTP API: every route of the contract, none by hand ------------------------
    // Verifies the ID token (signature, expiry, issuer = this pool, aud = this client);
    // the ID token is the one that carries custom:tenantId and custom:authorityId.
    const authorizer = new HttpUserPoolAuthorizer('CognitoAuthorizer', this.userPool, {
      userPoolClients: [this.userPoolClient],
    });
    const noAuth = new apigw.HttpNoneAuthorizer();
    // One integration per group, shared by the group's routes.
    const integrations = {} as Record<GroupName, HttpLambdaIntegration>;
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      integrations[group] = new HttpLambdaIntegration(`${capitalise(group)}Integration`, functions[group]);
    }
    for (const route of Object.values(ROUTES) as RouteContract[]) {
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: integrations[route.group],
        // Explicit even for public routes, so a default authorizer added later cannot
        // silently change what /health and /openapi.json require.
        authorizer: route.auth === 'jwt' ? authorizer : noAuth,
      });
      if (route.auth !== 'jwt') {
        Validations.of(added).acknowledge({ id: 'AwsSolutions-APIG4', reason: `${route.method} ${route.path} is public by contract (functions/api.ts): liveness and the API description, no data.` });
      }
    }

    // ---- The daily reminder job --------------------------------------------------------
    const sender = props.senderEmail ?? 'prevent-reminders@example.org';
    const senderIdentity = sender.includes('@') ? sender.split('@')[1] : sender;
    this.reminderDeadLetters = new sqs.Queue(this, 'ReminderDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.messagingKey,
      enforceSSL: true,
    });
    acknowledgeDeadLetterQueue(this.reminderDeadLetters, { referencedByRedrive: false });
    this.reminderFunction = new ApiFunction(this, 'RemindersFunction', {
      entry: path.join(PROJECT_ROOT, 'functions/jobs/reminders.ts'),
      projectRoot: PROJECT_ROOT,
      description: 'Prevent compliance: daily reminders of what falls due',
      logLevel: props.logLevel,
      memorySize: 512,
      timeout: Duration.minutes(5),
      // A second line against doubled reminders: at-least-once delivery of the schedule and
      // Lambda's retries cannot run two jobs at once. The fix itself is the claim on each
      // reminder (domain/reminders/job.ts); this only makes overlapping runs rarer.
      reservedConcurrentExecutions: 1,
      logsKey: this.logsKey,
      invocation: 'async',
      // Reminder links open the web app's pages (`/app/...`) at appBaseUrl, else on CloudFront.
      environment: { SENDER_EMAIL: sender, APP_BASE_URL: props.appBaseUrl ?? this.web.origin },
    });
    // Crosses partnerships by design (it reads the GSI3 buckets of every partnership and writes the
    // schedule and the outbox): its own role keeps the table and its indexes.
    this.reminderFunction.bindTable(this.table, 'RW');
    // Sends only as the one sending identity (address or domain), nothing else in SES.
    this.reminderFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [this.formatArn({ service: 'ses', resource: 'identity', resourceName: senderIdentity })],
      }),
    );
    // Lambda retries a failed run twice (the job is idempotent), then parks the event.
    this.reminderFunction.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.reminderDeadLetters) });
    const dailyReminders = new events.Rule(this, 'DailyReminders', {
      description: 'Runs the reminder job every morning (06:00 UTC)',
      schedule: events.Schedule.cron({ minute: '0', hour: '6' }),
      targets: [new targets.LambdaFunction(this.reminderFunction, { retryAttempts: 2, maxEventAge: Duration.hours(6), deadLetterQueue: this.reminderDeadLetters })],
    });

    // ---- Report summaries, kept current from the table's change stream ----------------
    const summaryDeadLetters = new sqs.Queue(this, 'SummaryDeadLetters', { retentionPeriod: Duration.days(14), encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: this.messagingKey, enforceSSL: true });
    acknowledgeDeadLetterQueue(summaryDeadLetters, { referencedByRedrive: false });
    this.summaryFunction = new ApiFunction(this, 'ReportSummariesFunction', {
      entry: path.join(PROJECT_ROOT, 'functions/jobs/report-summaries.ts'),
      projectRoot: PROJECT_ROOT,
      description: 'Prevent compliance: recomputes report summaries of the authorities a change touches',
      logLevel: props.logLevel,
      memorySize: 1024,
      timeout: Duration.minutes(2),
      logsKey: this.logsKey,
      invocation: 'event-source',
    });
    // Crosses partnerships by design (the stream carries every partnership's changes): its own role keeps the table.
    this.summaryFunction.bindTable(this.table, 'RW');
    // Recomputing is idempotent: retries and replays are safe. A batch that keeps failing is
    // split to isolate the bad record, then parked in the dead-letter queue.
    this.summaryFunction.addEventSource(
      new DynamoEventSource(this.table, {
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(2),
        retryAttempts: 5,
        bisectBatchOnError: true,
        // The handler answers with the records that failed (Powertools batch), so one bad record
        // is retried alone instead of its whole batch.
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(summaryDeadLetters),
      }),
    );

    // ---- The import worker: runs queued imports ---------------------------------------
    this.importWorker = new ApiFunction(this, 'ImportWorkerFunction', {
      entry: path.join(PROJECT_ROOT, 'functions/jobs/import-worker.ts'),
      projectRoot: PROJECT_ROOT,
      description: 'Prevent compliance: runs queued imports of completions in checkpointed chunks',
      logLevel: props.logLevel,
      memorySize: 2048,
      timeout: IMPORT_WORKER_TIMEOUT,
      logsKey: this.logsKey,
      invocation: 'event-source',
      // The queue's URL: a job to retry is made visible again in seconds, not after the visibility timeout.
      environment: { IMPORTS_BUCKET: this.imports.bucketName, IMPORT_QUEUE_URL: this.importJobs.queueUrl },
    });
    // Serves one partnership per message (written by the API from verified claims): it reads the
    // uploaded file, writes the table and deletes the file as that partnership, through TenantAccess.
    // One import per invocation; a failed one is reported alone and comes back after the
    // visibility timeout. The event source's maximum concurrency (rather than reserved
    // concurrency, which would throttle and burn receives) caps imports running at once.
    this.importWorker.acknowledge(
      'Serverless-LambdaEventSourceMappingDestination',
      "An SQS event source takes no on-failure destination: a message that keeps failing goes to the queue's own dead-letter queue (redrive policy, alarmed).",
    );
    this.importWorker.addEventSource(
      new SqsEventSource(this.importJobs, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: IMPORT_WORKER_CONCURRENCY,
      }),
    );

    // ---- Tenant access: the only way request-serving functions and the import worker reach data ----
    const tenantFacing = (Object.keys(GROUPS) as GroupName[]).filter((g) => GROUPS[g].table === 'RO' || GROUPS[g].table === 'RW');
    const readOnly = tenantFacing.filter((g) => GROUPS[g].table === 'RO');
    const readWrite = [...tenantFacing.filter((g) => GROUPS[g].table === 'RW').map((g) => functions[g]), this.importWorker];
    this.tenantAccess = new TenantAccess(this, 'TenantAccess', {
      table: this.table,
      buckets: [this.documents, this.imports],
      readWrite: readWrite.map((fn) => fn.role!),
      readOnly: readOnly.map((g) => functions[g].role!),
    });
    this.tenantAccessRole = this.tenantAccess.readWriteRole;
    // The data they reach is encrypted with customer-managed keys: read/write may use the table's,
    // the documents' and the imports' keys; read-only only decrypts the table.
    for (const key of [this.tableKey, this.documentsKey, this.importsKey]) key.grantEncryptDecrypt(this.tenantAccess.readWriteRole);
    this.tableKey.grantDecrypt(this.tenantAccess.readOnlyRole);
    const tenantRole = Validations.of(this.tenantAccess.readWriteRole);
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      tenantRole.acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason: "CDK's encrypt/decrypt grant on the table's, documents' and imports' keys only (each statement names those key ARNs)." });
    }
    for (const bucket of [this.documents, this.imports]) {
      tenantRole.acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(bucket.node.defaultChild as CfnElement)}.Arn>/<aws:PrincipalTag/tenantId>/*]`,
        reason: "The objects of the caller's own partnership only: the prefix is the session's tenantId tag, which the trust policy requires.",
      });
    }
    for (const fn of readWrite) fn.useTenantAccess(this.table, this.tenantAccess.readWriteRole);
    for (const g of readOnly) functions[g].useTenantAccess(this.table, this.tenantAccess.readOnlyRole);

    // ---- Web app's runtime configuration (infra/web-app.ts WebConfig) --------------------
    const webConfig: WebConfig = {
      // Same origin as the app, through CloudFront and the WAF.
      apiUrl: `${this.web.origin}${API_PATH_PREFIX}`,
      auth: {
        mode: 'cognito',
        authority: `https://cognito-idp.${region}.amazonaws.com/${this.userPool.userPoolId}`,
        clientId: this.userPoolClient.userPoolClientId,
        signInDomain: this.signInDomain.baseUrl(),
      },
    };
    this.web.publish(webConfig);

    // ---- Alarms ------------------------------------------------------------------------------
    this.monitoring = new Monitoring(this, 'Monitoring', { alarmEmail: props.alarmEmail, topicKey: this.messagingKey });
    this.monitoring.watchApi(this.api);
    for (const [group, fn] of Object.entries(functions)) this.monitoring.watchFunction(`${capitalise(group)}Function`, fn);
    this.monitoring.watchFunction('RemindersFunction', this.reminderFunction);
    this.monitoring.watchFunction('ReportSummariesFunction', this.summaryFunction);
    this.monitoring.watchFunction('ImportWorkerFunction', this.importWorker);
    this.monitoring.watchFunction('SignInTriggerFunction', signInTrigger.function);
    this.monitoring.watchDeadLetters('ReminderDeadLetters', this.reminderDeadLetters);
    this.monitoring.watchDeadLetters('SummaryDeadLetters', summaryDeadLetters);
    this.monitoring.watchDeadLetters('ImportJobDeadLetters', this.importJobDeadLetters);
    this.monitoring.watchIteratorAge('ReportSummariesFunction', this.summaryFunction);
    this.monitoring.watchSchedule('DailyReminders', dailyReminders);
    if (!props.alarmEmail) Annotations.of(this).addWarning('No alarmEmail: alarms go to the topic, which nobody receives until someone subscribes (docs/deploy.md)');

    // ---- Backups besides point-in-time recovery ---------------------------------------
    // PITR restores any second of the last 35 days; these are copies that survive a mistake
    // noticed later (monthly, a year) and a table deleted with its PITR history.
    const vault = new backup.BackupVault(this, 'BackupVault', { encryptionKey: this.tableKey, removalPolicy: RemovalPolicy.RETAIN });
    this.backupPlan = new backup.BackupPlan(this, 'BackupPlan', {
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({ ruleName: 'Daily', scheduleExpression: events.Schedule.cron({ minute: '0', hour: '3' }), deleteAfter: BACKUP_RETENTION.daily }),
        new backup.BackupPlanRule({ ruleName: 'Monthly', scheduleExpression: events.Schedule.cron({ minute: '0', hour: '4', day: '1' }), deleteAfter: BACKUP_RETENTION.monthly }),
      ],
    });
    // The same role restores (docs/deploy.md), so a restore needs no role made by hand in an incident.
    const selection = this.backupPlan.addSelection('Table', { resources: [backup.BackupResource.fromDynamoDbTable(this.table)], allowRestores: true });
    for (const policy of ['AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores']) {
      Validations.of(selection).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${policy}]`,
        reason: "AWS Backup's own service policies for its role: AWS keeps them current with what Backup and restores need (the table's key included).",
      });
    }

    new CfnOutput(this, 'ApiUrl', { value: `${this.web.origin}${API_PATH_PREFIX}` });
    new CfnOutput(this, 'AlarmTopic', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'WebAppUrl', { value: this.web.appUrl });
    new CfnOutput(this, 'SignInDomain', { value: this.signInDomain.baseUrl() });
    new CfnOutput(this, 'WebBucket', { value: this.web.bucket.bucketName });
    new CfnOutput(this, 'ReminderDeadLetterQueue', { value: this.reminderDeadLetters.queueUrl });
    new CfnOutput(this, 'DocumentsBucket', { value: this.documents.bucketName });
    new CfnOutput(this, 'ImportsBucket', { value: this.imports.bucketName });
    new CfnOutput(this, 'ImportJobDeadLetterQueue', { value: this.importJobDeadLetters.queueUrl });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
  }
}

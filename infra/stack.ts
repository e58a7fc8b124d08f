import { IMPORT_MAX_RECEIVES } from '../domain/training/import-job';
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
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
import { WebHosting } from './constructs/web-hosting';
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
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The import worker's time limit per run (Lambda's maximum). */
export const IMPORT_WORKER_TIMEOUT = Duration.minutes(15);
/** Imports the worker processes at once, so a burst of imports cannot starve the table. */
export const IMPORT_WORKER_CONCURRENCY = 5;

/**
 * Everything the service runs on: one DynamoDB table, a Cognito user pool whose tokens
 * carry the partnership and authority, an HTTP API whose routes, Lambdas and
 * permissions are all derived from the contract in functions/api.ts, and the web app on
 * CloudFront that signs in with the pool's managed login and calls that API.
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

  constructor(scope: Construct, id: string, props: PreventComplianceStackProps = {}) {
    super(scope, id, props);

    // ---- Data: the single table, built from its one definition -----------------------
    const stringKey = (name: string) => ({ name, type: dynamodb.AttributeType.STRING });
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: stringKey(TABLE.partitionKey),
      sortKey: stringKey(TABLE.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
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
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // The version 2 pre-token trigger (access-token claims, group override) needs Essentials or Plus.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
    });
    // No Cognito groups: a person's role is their membership's, and the pre-token trigger puts
    // that one role in `cognito:groups` (the claim the API reads), so a group could only disagree.
    this.signInDomain = this.userPool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: props.signInDomainPrefix ?? `prevent-compliance-${this.account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const region = this.region;

    // ---- Web app: static hosting behind CloudFront ----------------------------------------
    // The CSP may not name the HttpApi: the API's CORS names the distribution (cycle), hence the
    // region's execute-api wildcard. The same holds for the buckets the browser uploads to with
    // presigned URLs (their CORS names the distribution), hence the region's S3 wildcard.
    // The sign-in domain depends only on the pool, so it is exact.
    this.web = new WebHosting(this, 'Web', {
      assetsPath: props.webAssetsPath ?? path.join(PROJECT_ROOT, 'web', 'dist'),
      cspOrigins: {
        connect: [`https://*.execute-api.${region}.amazonaws.com`, `https://*.s3.${region}.amazonaws.com`, `https://cognito-idp.${region}.amazonaws.com`, this.signInDomain.baseUrl()],
        formAction: [this.signInDomain.baseUrl()],
      },
    });
    if (props.allowedOrigins?.includes('*')) {
      Annotations.of(this).addWarning("allowedOrigins '*' ignored: CORS allows the web app's origin and the listed ones only");
    }
    const allowedOrigins = [this.web.origin, ...(props.allowedOrigins ?? []).filter((o) => o && o !== '*')];
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
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
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
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
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
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'ExpireImportFiles', expiration: Duration.days(2), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      cors: [{ allowedMethods: [s3.HttpMethods.PUT], allowedOrigins: allowedOrigins, allowedHeaders: ['content-type', 'content-length'], maxAge: 3000 }],
    });
    // A message is { tenantId, authorityId, importId }. The worker resumes from the import's last
    // checkpoint, so a redelivered message is safe; one that keeps failing is parked after 5 tries.
    this.importJobDeadLetters = new sqs.Queue(this, 'ImportJobDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.importJobs = new sqs.Queue(this, 'ImportJobs', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
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

    // ---- Functions: one per resource group ------------------------------------------
    const functions = {} as Record<GroupName, ApiFunction>;
    for (const [group, spec] of Object.entries(GROUPS) as [GroupName, (typeof GROUPS)[GroupName]][]) {
      const fn = new ApiFunction(this, `${capitalise(group)}Function`, {
        entry: path.join(PROJECT_ROOT, spec.entry),
        projectRoot: PROJECT_ROOT,
        description: `Prevent compliance API: ${group} routes`,
        logLevel: props.logLevel,
        environment: { ALLOWED_ORIGINS: allowedOrigins.join(',') },
        memorySize: groupLimits(group).memoryMB,
        timeout: Duration.seconds(groupLimits(group).timeoutSeconds),
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
      }
      functions[group] = fn;
    }
    this.functions = functions;

    // The person's partnership in each token, and the identity routes' narrow cross-partnership access.
    new SignInTrigger(this, 'SignInTrigger', { userPool: this.userPool, table: this.table, projectRoot: PROJECT_ROOT, routes: functions.identity, logLevel: props.logLevel });

    // The users group invites people and removes what it made: exactly the three admin calls it
    // makes, on this pool only (no cognito-idp:*, no other pool).
    functions.users.addEnvironment('USER_POOL_ID', this.userPool.userPoolId);
    functions.users.addToRolePolicy(
      new iam.PolicyStatement({ actions: [...USER_DIRECTORY_ACTIONS], resources: [this.userPool.userPoolArn] }),
    );

    // ---- HTTP API: every route of the contract, none by hand ------------------------
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'prevent-compliance',
      corsPreflight: {
        allowOrigins: allowedOrigins,
        allowHeaders: ['authorization', 'content-type'],
        allowMethods: [apigw.CorsHttpMethod.ANY],
        maxAge: Duration.hours(1),
      },
    });
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
      this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: integrations[route.group],
        // Explicit even for public routes, so a default authorizer added later cannot
        // silently change what /health and /openapi.json require.
        authorizer: route.auth === 'jwt' ? authorizer : noAuth,
      });
    }

    // ---- The daily reminder job --------------------------------------------------------
    const sender = props.senderEmail ?? 'prevent-reminders@example.org';
    const senderIdentity = sender.includes('@') ? sender.split('@')[1] : sender;
    this.reminderDeadLetters = new sqs.Queue(this, 'ReminderDeadLetters', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
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
    new events.Rule(this, 'DailyReminders', {
      description: 'Runs the reminder job every morning (06:00 UTC)',
      schedule: events.Schedule.cron({ minute: '0', hour: '6' }),
      targets: [new targets.LambdaFunction(this.reminderFunction, { retryAttempts: 2, maxEventAge: Duration.hours(6), deadLetterQueue: this.reminderDeadLetters })],
    });

    // ---- Report summaries, kept current from the table's change stream ----------------
    const summaryDeadLetters = new sqs.Queue(this, 'SummaryDeadLetters', { retentionPeriod: Duration.days(14), encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
    this.summaryFunction = new ApiFunction(this, 'ReportSummariesFunction', {
      entry: path.join(PROJECT_ROOT, 'functions/jobs/report-summaries.ts'),
      projectRoot: PROJECT_ROOT,
      description: 'Prevent compliance: recomputes report summaries of the authorities a change touches',
      logLevel: props.logLevel,
      memorySize: 1024,
      timeout: Duration.minutes(2),
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
      // The queue's URL: a job to retry is made visible again in seconds, not after the visibility timeout.
      environment: { IMPORTS_BUCKET: this.imports.bucketName, IMPORT_QUEUE_URL: this.importJobs.queueUrl },
    });
    // Serves one partnership per message (written by the API from verified claims): it reads the
    // uploaded file, writes the table and deletes the file as that partnership, through TenantAccess.
    // One import per invocation; a failed one is reported alone and comes back after the
    // visibility timeout. The event source's maximum concurrency (rather than reserved
    // concurrency, which would throttle and burn receives) caps imports running at once.
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
    for (const fn of readWrite) fn.useTenantAccess(this.table, this.tenantAccess.readWriteRole);
    for (const g of readOnly) functions[g].useTenantAccess(this.table, this.tenantAccess.readOnlyRole);

    // ---- Web app's runtime configuration (infra/web-app.ts WebConfig) --------------------
    const webConfig: WebConfig = {
      apiUrl: this.api.apiEndpoint,
      auth: {
        mode: 'cognito',
        authority: `https://cognito-idp.${region}.amazonaws.com/${this.userPool.userPoolId}`,
        clientId: this.userPoolClient.userPoolClientId,
        signInDomain: this.signInDomain.baseUrl(),
      },
    };
    this.web.publish(webConfig);

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
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

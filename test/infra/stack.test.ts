import type { Template } from 'aws-cdk-lib/assertions';
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GROUPS, ROUTES, routeKey, type GroupName } from '../../functions/api';
import { TABLE } from '../../functions/data/table';
import { DEFAULT_REGION } from '../../infra/deployment';
import { esbuildOptionsOf } from '../../infra/constructs/api-function';
import { IMPORT_WORKER_CONCURRENCY, IMPORT_WORKER_TIMEOUT, PROJECT_ROOT } from '../../infra/stack';
import { AUTH_CALLBACK_PATH, SIGNED_OUT_PATH } from '../../infra/web-app';
import { synthesise, type Synthesised } from './synth';

/**
 * Properties of the synthesised CloudFormation template that protect data and tenants.
 * The stack is synthesised once (real esbuild bundling of every group, a few seconds).
 */

// CloudFormation resources are untyped JSON.
type Resource = { Type: string; Properties: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** The only routes that may be reached without a token. */
const PUBLIC_ROUTE_KEYS = ['GET /health/live', 'GET /health/ready', 'GET /openapi.json'];
const DYNAMODB_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const USER_DIRECTORY_ACTIONS = ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser', 'cognito-idp:AdminDeleteUser'];

let template: Template;
let stack: Synthesised['service'];

function resources(type: string): [string, Resource][] {
  return Object.entries(template.findResources(type) as Record<string, Resource>);
}

function only(type: string): [string, Resource] {
  const all = resources(type);
  expect(all, `exactly one ${type}`).toHaveLength(1);
  return all[0];
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((i) => !test(i))];
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Logical id of the Lambda function behind an API route (route → integration → function). */
function functionIdOfRoute(key: string): string {
  const route = resources('AWS::ApiGatewayV2::Route').find(([, r]) => r.Properties.RouteKey === key);
  expect(route, `route ${key}`).toBeDefined();
  const [prefix, ref] = route![1].Properties.Target['Fn::Join'][1];
  expect(prefix).toBe('integrations/');
  const integration = template.toJSON().Resources[ref.Ref] as Resource;
  expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
  return integration.Properties.IntegrationUri['Fn::GetAtt'][0];
}

/** Logical id of the function of a group, found through the group's first route. */
function functionIdOfGroup(group: GroupName): string {
  const route = Object.values(ROUTES).find((r) => r.group === group);
  expect(route, `a route of group ${group}`).toBeDefined();
  return functionIdOfRoute(routeKey(route!));
}

/** Every policy statement attached to a function's execution role. */
function statementsOf(functionId: string): { Action: string | string[]; Resource: unknown; Effect: string }[] {
  const fn = template.toJSON().Resources[functionId] as Resource;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return resources('AWS::IAM::Policy')
    .filter(([, p]) => asArray(p.Properties.Roles).some((r: { Ref?: string }) => r.Ref === roleId))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
}

const actionsOf = (functionId: string) => statementsOf(functionId).flatMap((s) => asArray(s.Action));

const readiness = (group: GroupName) => 'readiness' in GROUPS[group] && GROUPS[group].readiness === true;

const envOf = (functionId: string): Record<string, any> => (template.toJSON().Resources[functionId] as Resource).Properties.Environment.Variables;

/** Logical id of the tenant role a function assumes (its TENANT_ROLE_ARN, `{ Fn::GetAtt: [role, 'Arn'] }`). */
function tenantRoleOf(functionId: string): string {
  const ref = envOf(functionId).TENANT_ROLE_ARN;
  expect(ref, `TENANT_ROLE_ARN of ${functionId}`).toBeDefined();
  return ref['Fn::GetAtt'][0];
}

/** The statements of a role's own (inline) policies. */
const roleStatements = (roleId: string): any[] =>
  asArray((template.toJSON().Resources[roleId] as Resource).Properties.Policies).flatMap((p: any) => p.PolicyDocument.Statement);

/** Actions a function has through the tenant role it assumes. */
const tenantRoleActionsOf = (functionId: string) => roleStatements(tenantRoleOf(functionId)).flatMap((s) => asArray(s.Action));

const groupsWithTable = (mode: 'none' | 'RO' | 'RW') =>
  (Object.keys(GROUPS) as GroupName[]).filter((g) => GROUPS[g].table === mode);

let synthesised: Synthesised;

beforeAll(() => {
  synthesised = synthesise({ bundle: true });
  template = synthesised.template;
  stack = synthesised.service;
}, 120_000);

afterAll(() => synthesised?.cleanup());

/** Logical id of one of the stack's customer-managed keys, by its construct id (TableKey, DocumentsKey...). */
function keyId(name: string): string {
  const ids = resources('AWS::KMS::Key').map(([id]) => id).filter((id) => id.startsWith(name));
  expect(ids, `the key ${name}`).toHaveLength(1);
  return ids[0];
}

/** Logical id a stack output refers to (`{ Ref: id }`). */
function outputRef(name: string): string {
  const output = template.findOutputs(name)[name];
  expect(output, `output ${name}`).toBeDefined();
  return output.Value.Ref;
}

/** `{ Fn::Join: ['', ['https://', { Fn::GetAtt: [distribution, 'DomainName'] }, suffix]] }` */
function distributionUrl(suffix = ''): unknown {
  const [distributionId] = only('AWS::CloudFront::Distribution');
  return { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, ...(suffix ? [suffix] : [])]] };
}

describe('table', () => {
  it('is on-demand, recoverable, protected from deletion, retained and encrypted', () => {
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table.Properties.SSESpecification?.SSEEnabled).toBe(true);
  });

  it('has the keys, TTL attribute and indexes of TABLE', () => {
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.Properties.KeySchema).toEqual([
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' },
    ]);
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: TABLE.ttlAttribute, Enabled: true });
    const indexes = table.Properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(Object.values(TABLE.indexes).map((i) => i.name).sort());
    for (const index of Object.values(TABLE.indexes)) {
      expect(indexes.find((i) => i.IndexName === index.name)?.KeySchema).toEqual([
        { AttributeName: index.partitionKey, KeyType: 'HASH' },
        { AttributeName: index.sortKey, KeyType: 'RANGE' },
      ]);
    }
  });
});

describe('HTTP API', () => {
  it('has exactly the routes of the contract', () => {
    const keys = resources('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey as string);
    expect(keys).toHaveLength(Object.keys(ROUTES).length);
    expect(keys.sort()).toEqual(Object.values(ROUTES).map(routeKey).sort());
  });

  it('leaves only /health and /openapi.json open; every other route needs a JWT', () => {
    const [authorizerId] = only('AWS::ApiGatewayV2::Authorizer');
    for (const [, route] of resources('AWS::ApiGatewayV2::Route')) {
      const key = route.Properties.RouteKey as string;
      if (PUBLIC_ROUTE_KEYS.includes(key)) {
        expect(route.Properties.AuthorizationType, key).toBe('NONE');
        expect(route.Properties.AuthorizerId, key).toBeUndefined();
      } else {
        expect(route.Properties.AuthorizationType, key).toBe('JWT');
        expect(route.Properties.AuthorizerId, key).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('verifies Cognito ID tokens of this pool and client', () => {
    const [, authorizer] = only('AWS::ApiGatewayV2::Authorizer');
    const [poolId] = only('AWS::Cognito::UserPool');
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    expect(authorizer.Properties.AuthorizerType).toBe('JWT');
    expect(authorizer.Properties.IdentitySource).toEqual(['$request.header.Authorization']);
    expect(authorizer.Properties.JwtConfiguration).toEqual({
      Audience: [{ Ref: clientId }],
      Issuer: { 'Fn::Join': ['', ['https://cognito-idp.eu-west-2.amazonaws.com/', { Ref: poolId }]] },
    });
  });

  it('sends every route to the function of its group, one function per group', () => {
    const byGroup = new Map<GroupName, string>();
    for (const route of Object.values(ROUTES)) {
      const fnId = functionIdOfRoute(routeKey(route));
      byGroup.set(route.group, byGroup.get(route.group) ?? fnId);
      expect(fnId, routeKey(route)).toBe(byGroup.get(route.group));
    }
    expect(new Set(byGroup.values()).size).toBe(Object.keys(GROUPS).length);
    for (const [group, fnId] of byGroup) {
      expect((template.toJSON().Resources[fnId] as Resource).Properties.Description).toContain(`${group} routes`);
    }
  });
});

describe('functions', () => {
  it('one per group plus the reminder job, the summaries and the import worker, all Node 22 on arm64 with a bounded log group', () => {
    const [ours, cdks] = partition(resources('AWS::Lambda::Function'), ([, fn]) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'prevent-compliance');
    const functions = ours;
    expect(functions).toHaveLength(Object.keys(GROUPS).length + 4); // + reminder job, + report summaries, + import worker, + sign-in trigger
    // The only others are CDK's: the BucketDeployment handler (the web app's files) and the reader
    // of the web ACL's ARN from us-east-1 (cross-region reference).
    expect(cdks.map(([id]) => id).sort()).toEqual([expect.stringMatching(/^CustomCDKBucketDeployment/), expect.stringMatching(/^CustomCrossRegionExportReader/)]);
    const logGroups = template.findResources('AWS::Logs::LogGroup') as Record<string, Resource>;
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      // Source maps are not loaded at start (--enable-source-maps parsed the whole map on each cold start).
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS, id).toBeUndefined();
      const logGroup = logGroups[fn.Properties.LoggingConfig?.LogGroup?.Ref];
      expect(logGroup, `log group of ${id}`).toBeDefined();
      expect(logGroup.Properties.RetentionInDays, id).toBeGreaterThan(0);
    }
  });

  it('ship each bundle with its source map beside it (positions only), and bundle as bench/cold-start.ts measures', async () => {
    const assetOf = (fn: Resource) => path.join(synthesised.app.outdir, `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`);
    for (const [id, fn] of ourFunctions()) {
      const code = readFileSync(path.join(assetOf(fn), 'index.mjs'), 'utf8');
      expect(code.trimEnd().endsWith('//# sourceMappingURL=index.mjs.map'), id).toBe(true);
      const map = JSON.parse(readFileSync(path.join(assetOf(fn), 'index.mjs.map'), 'utf8'));
      expect(map.sources.some((s: string) => s.endsWith('functions/shared/logger.ts')), id).toBe(true);
      expect(map.sourcesContent, id).toBeUndefined();
    }
    // The benchmark's bundle of a function (FUNCTION_BUNDLING through esbuildOptionsOf) is the stack's, byte for byte.
    const out = mkdtempSync(path.join(tmpdir(), 'bench-bundle-'));
    try {
      const options = esbuildOptionsOf(GROUPS.reports.entry, out, PROJECT_ROOT);
      await build(options);
      const [, reports] = resources('AWS::Lambda::Function').find(([id]) => id === functionIdOfGroup('reports'))!;
      expect(readFileSync(options.outfile, 'utf8')).toBe(readFileSync(path.join(assetOf(reports), 'index.mjs'), 'utf8'));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('gives the import group the memory and time a 20,000-row file needs, within API Gateway’s 30 s', () => {
    const props = (template.toJSON().Resources[functionIdOfGroup('training')] as Resource).Properties;
    expect(props.MemorySize).toBe(1024);
    expect(props.Timeout).toBe(29);
    expect((template.toJSON().Resources[functionIdOfGroup('me')] as Resource).Properties.Timeout).toBe(10);
  });

  it('gives the table name only to groups that use the table', () => {
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      const vars = (template.toJSON().Resources[functionIdOfGroup(group)] as Resource).Properties.Environment.Variables;
      if (GROUPS[group].table === 'none' && !readiness(group)) expect(vars.TABLE_NAME, group).toBeUndefined();
      else expect(vars.TABLE_NAME, group).toEqual({ Ref: only('AWS::DynamoDB::Table')[0] });
    }
  });

  it('gives groups that page a generated cursor key by dynamic reference, never in the template', () => {
    const [secretId, secret] = resources('AWS::SecretsManager::Secret').find(([, s]) => s.Properties.Description?.includes('page cursors'))!;
    expect(secret.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(32);
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      const vars = (template.toJSON().Resources[functionIdOfGroup(group)] as Resource).Properties.Environment.Variables;
      // The identity group reads a person's few memberships whole: it pages nothing.
      if (GROUPS[group].table === 'none' || GROUPS[group].table === 'identity') {
        expect(vars.CURSOR_KEY, group).toBeUndefined();
        continue;
      }
      const reference = JSON.stringify(vars.CURSOR_KEY);
      expect(reference, group).toContain('{{resolve:secretsmanager:');
      expect(reference, group).toContain(secretId);
    }
  });

  it('read-only groups cannot write to the table (through the read-only tenant role)', () => {
    const readOnly = groupsWithTable('RO');
    expect(readOnly.length).toBeGreaterThan(0);
    for (const group of readOnly) {
      const actions = tenantRoleActionsOf(functionIdOfGroup(group));
      expect(actions, group).toContain('dynamodb:Query');
      expect(actions, group).not.toContain('dynamodb:*');
      for (const write of DYNAMODB_WRITE_ACTIONS) expect(actions, group).not.toContain(write);
    }
  });

  it('read/write groups can write (through the tenant role), groups without the table have no DynamoDB access at all', () => {
    for (const group of groupsWithTable('RW')) expect(tenantRoleActionsOf(functionIdOfGroup(group)), group).toContain('dynamodb:PutItem');
    for (const group of groupsWithTable('none').filter((g) => !readiness(g))) {
      expect(actionsOf(functionIdOfGroup(group)).filter((a) => a.startsWith('dynamodb:') || a.startsWith('sts:')), group).toEqual([]);
      expect(envOf(functionIdOfGroup(group)).TENANT_ROLE_ARN, group).toBeUndefined();
    }
  });

  it('the readiness probe may read one key outside every partnership, and nothing else of the table', () => {
    const probes = (Object.keys(GROUPS) as GroupName[]).filter(readiness);
    expect(probes).toEqual(['public']);
    const statements = statementsOf(functionIdOfGroup('public')).filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'dynamodb:GetItem',
        Resource: { 'Fn::GetAtt': [only('AWS::DynamoDB::Table')[0], 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['HEALTH'] } },
      },
    ]);
  });

  it('only the users group may call Cognito, with exactly the three admin actions on this pool', () => {
    const [poolId] = only('AWS::Cognito::UserPool');
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      const statements = statementsOf(functionIdOfGroup(group)).filter((s) =>
        asArray(s.Action).some((a) => a.startsWith('cognito-idp:')),
      );
      const actions = statements.flatMap((s) => asArray(s.Action));
      if (group !== 'users') {
        expect(actions, group).toEqual([]);
        continue;
      }
      expect([...actions].sort()).toEqual([...USER_DIRECTORY_ACTIONS].sort());
      expect(actions).not.toContain('cognito-idp:*');
      for (const s of statements) expect(s.Resource).toEqual({ 'Fn::GetAtt': [poolId, 'Arn'] });
      const vars = (template.toJSON().Resources[functionIdOfGroup(group)] as Resource).Properties.Environment.Variables;
      expect(vars.USER_POOL_ID).toEqual({ Ref: poolId });
    }
  });
});

describe('user pool', () => {
  it('is invitation-only, retained, with TOTP MFA required and email-only recovery', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.Properties.UsernameAttributes).toEqual(['email']);
    expect(pool.Properties.MfaConfiguration).toBe('ON');
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.Properties.AccountRecoverySetting.RecoveryMechanisms).toEqual([{ Name: 'verified_email', Priority: 1 }]);
    expect(pool.Properties.Policies.PasswordPolicy.MinimumLength).toBeGreaterThanOrEqual(12);
  });

  it('has immutable tenantId and authorityId attributes', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    const schema = pool.Properties.Schema as { Name: string; Mutable?: boolean; AttributeDataType: string }[];
    for (const name of ['tenantId', 'authorityId']) {
      expect(schema.find((a) => a.Name === name), name).toEqual({ Name: name, AttributeDataType: 'String', Mutable: false });
    }
  });

  it('has no groups: the role in a token is the chosen membership’s, set by the sign-in trigger', () => {
    expect(resources('AWS::Cognito::UserPoolGroup')).toEqual([]);
  });

  it('client reads the custom attributes but cannot write them', () => {
    const [, client] = only('AWS::Cognito::UserPoolClient');
    expect(client.Properties.GenerateSecret).toBe(false);
    expect([...client.Properties.ExplicitAuthFlows].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH']);
    expect(client.Properties.ReadAttributes).toEqual(expect.arrayContaining(['custom:tenantId', 'custom:authorityId']));
    // An absent WriteAttributes means Cognito's default set, so it must be explicit.
    const write = client.Properties.WriteAttributes as string[];
    expect(Array.isArray(write) && write.length > 0).toBe(true);
    expect(write).not.toContain('custom:tenantId');
    expect(write).not.toContain('custom:authorityId');
    expect(write.filter((a) => a.startsWith('custom:'))).toEqual([]);
  });
});

describe('outputs', () => {
  it('exports the API URL, user pool, client, table, buckets and the reminder and import-job dead-letter queues', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual([
      'AlarmTopic', 'ApiUrl', 'DocumentsBucket', 'ImportJobDeadLetterQueue', 'ImportsBucket', 'ReminderDeadLetterQueue', 'SignInDomain', 'TableName', 'UserPoolClientId', 'UserPoolId', 'WebAppUrl', 'WebBucket',
    ]);
    expect(template.findOutputs('WebAppUrl').WebAppUrl.Value).toEqual(distributionUrl('/app/'));
    expect(template.findOutputs('WebBucket').WebBucket.Value).toEqual({ Ref: webBucketId() });
  });
});

describe('reminder job', () => {
  const reminderFunctionId = () => {
    const [id] = resources('AWS::Lambda::Function').find(([, fn]) => fn.Properties.Environment?.Variables?.SENDER_EMAIL) ?? [];
    expect(id, 'the reminder function').toBeDefined();
    return id!;
  };

  it('runs daily on an EventBridge schedule, with retries and a dead-letter queue', () => {
    const [, rule] = only('AWS::Events::Rule');
    expect(rule.Properties.ScheduleExpression).toBe('cron(0 6 * * ? *)');
    const target = rule.Properties.Targets[0];
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [reminderFunctionId(), 'Arn'] });
    expect(target.RetryPolicy.MaximumRetryAttempts).toBe(2);
    const queueId = target.DeadLetterConfig.Arn['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[queueId].Type).toBe('AWS::SQS::Queue');
    const [, invokeConfig] = only('AWS::Lambda::EventInvokeConfig');
    expect(invokeConfig.Properties.MaximumRetryAttempts).toBe(2);
    expect(invokeConfig.Properties.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
  });

  it('never runs twice at once (reserved concurrency 1), as a second line behind the claims', () => {
    const fn = template.toJSON().Resources[reminderFunctionId()];
    expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
    // Only the job is capped: the API functions scale with requests.
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      expect(template.toJSON().Resources[functionIdOfGroup(group)].Properties.ReservedConcurrentExecutions, group).toBeUndefined();
    }
  });

  it('may send email only as the sending identity', () => {
    const ses = statementsOf(reminderFunctionId()).filter((st) => asArray(st.Action).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(asArray(ses[0].Action)).toEqual(['ses:SendEmail']);
    expect(JSON.stringify(ses[0].Resource)).toContain(':identity/example.org');
    expect(JSON.stringify(ses[0].Resource)).not.toContain('*');
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      expect(actionsOf(functionIdOfGroup(group)).some((a) => a.startsWith('ses:')), group).toBe(false);
    }
  });

  it('may query the due-date index', () => {
    const [tableId] = only('AWS::DynamoDB::Table');
    const statements = statementsOf(reminderFunctionId()).filter((st) => asArray(st.Action).includes('dynamodb:Query'));
    const resources = JSON.stringify(statements.flatMap((st) => asArray(st.Resource)));
    expect(resources).toContain(tableId);
    expect(resources).toContain('/index/*');
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.Properties.GlobalSecondaryIndexes.map((i: { IndexName: string }) => i.IndexName)).toContain(TABLE.indexes.GSI3.name);
  });
});

describe('documents bucket', () => {
  it('is private, encrypted, versioned, retained, and refuses requests without TLS', () => {
    const bucketId = outputRef('DocumentsBucket');
    const bucket = template.toJSON().Resources[bucketId] as Resource;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId('DocumentsKey'), 'Arn'] } });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
    const [, policy] = resources('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)!;
    const denyInsecure = policy.Properties.PolicyDocument.Statement.find((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    expect(denyInsecure).toBeDefined();
    expect(denyInsecure.Principal).toEqual({ AWS: '*' });
    expect(JSON.stringify(denyInsecure.Resource)).toContain(bucketId);
  });

  it('only the assurance group is given it, and no execution role reaches it (the tenant role does, per partnership)', () => {
    const bucketId = outputRef('DocumentsBucket');
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      const usesBucket = statementsOf(functionIdOfGroup(group)).some((st) => JSON.stringify(st.Resource ?? '').includes(bucketId));
      expect(usesBucket, group).toBe(false);
      expect(envOf(functionIdOfGroup(group)).DOCUMENTS_BUCKET !== undefined, group).toBe(group === 'assurance');
    }
  });
});

describe('import jobs', () => {
  const importsBucketId = () => outputRef('ImportsBucket');
  /** Logical id of the queue behind the dead-letter output's URL (`{ Ref: queue }`). */
  const deadLettersId = () => outputRef('ImportJobDeadLetterQueue');
  const importQueue = (): [string, Resource] => {
    const queues = resources('AWS::SQS::Queue').filter(([, q]) => q.Properties.RedrivePolicy?.deadLetterTargetArn?.['Fn::GetAtt']?.[0] === deadLettersId());
    expect(queues, 'the queue whose dead letters go to ImportJobDeadLetterQueue').toHaveLength(1);
    return queues[0];
  };
  const workerId = () => {
    const [id] = resources('AWS::Lambda::Function').find(([, fn]) => (fn.Properties.Description as string | undefined)?.includes('runs queued imports')) ?? [];
    expect(id, 'the import worker').toBeDefined();
    return id!;
  };
  const workerMapping = (): Resource => {
    const mappings = resources('AWS::Lambda::EventSourceMapping').filter(([, m]) => m.Properties.FunctionName?.Ref === workerId());
    expect(mappings).toHaveLength(1);
    return mappings[0][1];
  };

  it('keep uploaded files in a private, encrypted, TLS-only bucket that expires them after 2 days', () => {
    const bucketId = importsBucketId();
    const bucket = template.toJSON().Resources[bucketId] as Resource;
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyId('ImportsKey'), 'Arn'] } });
    // Unversioned: a file the worker deletes leaves no earlier version behind.
    expect(bucket.Properties.VersioningConfiguration).toBeUndefined();
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 2, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    ]);
    const [, policy] = resources('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === bucketId)!;
    const denyInsecure = policy.Properties.PolicyDocument.Statement.find((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    expect(denyInsecure).toBeDefined();
    expect(JSON.stringify(denyInsecure.Resource)).toContain(bucketId);
  });

  it('are queued encrypted, TLS only, with a dead-letter queue after 5 receives', () => {
    const [queueId, queue] = importQueue();
    const messagingKey = { 'Fn::GetAtt': [keyId('MessagingKey'), 'Arn'] };
    expect(queue.Properties.KmsMasterKeyId).toEqual(messagingKey);
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    const deadLetters = template.toJSON().Resources[deadLettersId()] as Resource;
    expect(deadLetters.Type).toBe('AWS::SQS::Queue');
    expect(deadLetters.Properties.KmsMasterKeyId).toEqual(messagingKey);
    expect(deadLetters.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    for (const id of [queueId, deadLettersId()]) {
      const [, policy] = resources('AWS::SQS::QueuePolicy').find(([, p]) => asArray(p.Properties.Queues).some((q: { Ref?: string }) => q.Ref === id)) ?? [];
      expect(policy, `queue policy of ${id}`).toBeDefined();
      expect(policy!.Properties.PolicyDocument.Statement.some((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false'), id).toBe(true);
    }
  });

  it('are run by a worker with 2 GB and 15 minutes, one message at a time, at most 5 at once', () => {
    const worker = template.toJSON().Resources[workerId()] as Resource;
    expect(worker.Properties.MemorySize).toBe(2048);
    expect(worker.Properties.Timeout).toBe(900);
    expect(IMPORT_WORKER_TIMEOUT.toSeconds()).toBe(900);
    expect(worker.Properties.Environment.Variables.IMPORTS_BUCKET).toEqual({ Ref: importsBucketId() });
    expect(worker.Properties.Environment.Variables.TABLE_NAME).toEqual({ Ref: only('AWS::DynamoDB::Table')[0] });
    const mapping = workerMapping();
    expect(mapping.Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': [importQueue()[0], 'Arn'] });
    expect(mapping.Properties.BatchSize).toBe(1);
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: IMPORT_WORKER_CONCURRENCY });
    expect(IMPORT_WORKER_CONCURRENCY).toBe(5);
    // Capped by the mapping, not by reserved concurrency (throttled receives would count towards the DLQ).
    expect(worker.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('a message stays invisible for at least 6 times the worker’s timeout', () => {
    const [, queue] = importQueue();
    const worker = template.toJSON().Resources[workerId()] as Resource;
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Properties.Timeout);
  });

  it('the worker reaches the table and the uploaded file only as the partnership of the job (the tenant role)', () => {
    const bucketId = importsBucketId();
    expect(statementsOf(workerId()).filter((st) => JSON.stringify(st.Resource ?? '').includes(bucketId))).toEqual([]);
    expect(actionsOf(workerId()).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
    expect(tenantRoleActionsOf(workerId())).toContain('dynamodb:PutItem');
    expect(tenantRoleActionsOf(workerId())).toContain('s3:DeleteObject');
    expect(actionsOf(workerId())).toContain('sqs:DeleteMessage');
  });

  it('the training group signs uploads, queues jobs, and is the only group to reach the bucket or the queue', () => {
    const bucketId = importsBucketId();
    const [queueId] = importQueue();
    const training = template.toJSON().Resources[functionIdOfGroup('training')] as Resource;
    expect(training.Properties.Environment.Variables.IMPORTS_BUCKET).toEqual({ Ref: bucketId });
    expect(training.Properties.Environment.Variables.IMPORT_QUEUE_URL).toEqual({ Ref: queueId });
    const statements = statementsOf(functionIdOfGroup('training'));
    const onQueue = statements.filter((st) => JSON.stringify(st.Resource ?? '') === JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] }));
    expect(onQueue.flatMap((st) => asArray(st.Action))).toContain('sqs:SendMessage');
    // The bucket only through the tenant role (its partnership's prefix); the queue directly.
    for (const action of ['s3:PutObject', 's3:GetObject', 's3:DeleteObject']) expect(tenantRoleActionsOf(functionIdOfGroup('training'))).toContain(action);
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      const fnStatements = statementsOf(functionIdOfGroup(group));
      expect(fnStatements.some((st) => JSON.stringify(st.Resource ?? '').includes(bucketId)), group).toBe(false);
      const reaches = fnStatements.some((st) => JSON.stringify(st.Resource ?? '').includes(queueId));
      expect(reaches, group).toBe(group === 'training');
      const vars = (template.toJSON().Resources[functionIdOfGroup(group)] as Resource).Properties.Environment.Variables;
      if (group !== 'training') expect([vars.IMPORTS_BUCKET, vars.IMPORT_QUEUE_URL], group).toEqual([undefined, undefined]);
    }
  });
});

describe('report summaries', () => {
  it('are fed by the table stream, with retries, batch bisection and a dead-letter queue', () => {
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const streamArn = { 'Fn::GetAtt': [only('AWS::DynamoDB::Table')[0], 'StreamArn'] };
    const mappings = resources('AWS::Lambda::EventSourceMapping').filter(([, m]) => JSON.stringify(m.Properties.EventSourceArn) === JSON.stringify(streamArn));
    expect(mappings).toHaveLength(1);
    const [[, mapping]] = mappings;
    expect(mapping.Properties.StartingPosition).toBe('TRIM_HORIZON');
    expect(mapping.Properties.BisectBatchOnFunctionError).toBe(true);
    expect(mapping.Properties.MaximumRetryAttempts).toBe(5);
    const dlq = mapping.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[dlq].Type).toBe('AWS::SQS::Queue');
  });
});


// ---- Web app -----------------------------------------------------------------------------

const webBucketId = () => outputRef('WebBucket');

/** The CSP of the distribution's response-headers policy, with CloudFormation tokens shown as {Ref}. */
function cspOfDistribution(): string {
  const [, distribution] = only('AWS::CloudFront::Distribution');
  const policyId = distribution.Properties.DistributionConfig.DefaultCacheBehavior.ResponseHeadersPolicyId.Ref;
  const policy = template.toJSON().Resources[policyId] as Resource;
  expect(policy.Type).toBe('AWS::CloudFront::ResponseHeadersPolicy');
  return flatten(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
}

/** A string or Fn::Join as one string, references written `{Ref}` / `{Id.Attr}`. */
function flatten(value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(flatten).join(value['Fn::Join'][0]);
  if (value.Ref) return `{${value.Ref}}`;
  if (value['Fn::GetAtt']) return `{${value['Fn::GetAtt'].join('.')}}`;
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

/** The BucketDeployment custom resources, by whether they carry config.json (the one with markers). */
function deployments() {
  const all = resources('Custom::CDKBucketDeployment');
  expect(all).toHaveLength(2);
  const shell = all.find(([, d]) => d.Properties.SourceMarkers?.some((m: object) => Object.keys(m).length > 0));
  const hashed = all.find(([id]) => id !== shell?.[0]);
  expect(shell, 'the deployment with config.json').toBeDefined();
  return { shell: shell!, hashed: hashed! };
}

/** config.json as deployed: the staged file with each marker replaced by its (flattened) CloudFormation value. */
function deployedConfig(): any {
  const [, shell] = deployments().shell;
  const index = shell.Properties.SourceMarkers.findIndex((m: object) => Object.keys(m).length > 0);
  const assetHash = shell.Properties.SourceObjectKeys[index].replace(/\.zip$/, '');
  let text = readFileSync(path.join(synthesised.app.outdir, `asset.${assetHash}`, 'config.json'), 'utf8');
  for (const [marker, value] of Object.entries(shell.Properties.SourceMarkers[index])) text = text.split(marker).join(flatten(value));
  return JSON.parse(text);
}

describe('web app hosting', () => {
  it('keeps the files in a private, encrypted, TLS-only bucket without ACLs', () => {
    const bucket = template.toJSON().Resources[webBucketId()] as Resource;
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.Properties.OwnershipControls.Rules).toEqual([{ ObjectOwnership: 'BucketOwnerEnforced' }]);
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    const [, policy] = resources('AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket.Ref === webBucketId())!;
    const statements = policy.Properties.PolicyDocument.Statement;
    expect(statements.some((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    // Readable by this distribution only (OAC), nobody else.
    const allows = statements.filter((st: any) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0].Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
    expect(allows[0].Action).toBe('s3:GetObject');
    expect(JSON.stringify(allows[0].Condition)).toContain(only('AWS::CloudFront::Distribution')[0]);
  });

  it('serves it through CloudFront with Origin Access Control, HTTPS only', () => {
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    // The bucket and the API (see 'edge').
    expect(config.Origins).toHaveLength(2);
    const origin = config.Origins.find((o: any) => o.S3OriginConfig);
    expect(config.DefaultCacheBehavior.TargetOriginId).toBe(origin.Id);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [webBucketId(), 'RegionalDomainName'] });
    const [oacId, oac] = only('AWS::CloudFront::OriginAccessControl');
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    // Routing is the function's job; error responses would also hide real 403s.
    expect(config.CustomErrorResponses).toBeUndefined();
  });

  it('sends the strict security headers of web-app.ts on every response', () => {
    const csp = cspOfDistribution();
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    const [, policy] = only('AWS::CloudFront::ResponseHeadersPolicy');
    const config = policy.Properties.ResponseHeadersPolicyConfig;
    const security = config.SecurityHeadersConfig;
    expect(security.ContentSecurityPolicy.Override).toBe(true);
    expect(security.StrictTransportSecurity).toEqual({ AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Preload: false, Override: true });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true });
    expect(config.CustomHeadersConfig.Items).toEqual([{ Header: 'permissions-policy', Value: expect.stringContaining('camera=()'), Override: true }]);
  });

  it('lets the app reach the API and Cognito, and post forms only to the sign-in domain', () => {
    const directives = Object.fromEntries(cspOfDistribution().split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    const domainId = only('AWS::Cognito::UserPoolDomain')[0];
    const signIn = `https://{${domainId}}.auth.eu-west-2.amazoncognito.com`;
    // The API is 'self' (/api on the same distribution): no execute-api origin.
    expect(directives['connect-src']).toEqual(["'self'", 'https://*.s3.eu-west-2.amazonaws.com', 'https://cognito-idp.eu-west-2.amazonaws.com', signIn]);
    expect(directives['form-action']).toEqual(["'self'", signIn]);
  });

  it('redirects / to the app and serves index.html for app routes, but not for files', () => {
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const [association] = distribution.Properties.DistributionConfig.DefaultCacheBehavior.FunctionAssociations;
    expect(association.EventType).toBe('viewer-request');
    const functionId = association.FunctionARN['Fn::GetAtt'][0];
    const fn = template.toJSON().Resources[functionId] as Resource;
    expect(fn.Type).toBe('AWS::CloudFront::Function');
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (e: unknown) => any;
    const uriAfter = (uri: string) => handler({ request: { uri, querystring: {}, headers: {} } });
    expect(uriAfter('/')).toMatchObject({ statusCode: 302, headers: { location: { value: '/app/' } } });
    expect(uriAfter('/app')).toMatchObject({ statusCode: 302, headers: { location: { value: '/app/' } } });
    for (const route of ['/app/', '/app/auth/callback', '/app/authorities/01HX/sop']) expect(uriAfter(route).uri, route).toBe('/app/index.html');
    for (const file of ['/app/index.html', '/app/config.json', '/app/assets/index-abc123.js', '/app/favicon.svg', '/elsewhere']) expect(uriAfter(file).uri, file).toBe(file);
  });

  it('deploys hashed assets as immutable and index.html and config.json as no-cache, then invalidates', () => {
    const { shell, hashed } = deployments();
    const [distributionId] = only('AWS::CloudFront::Distribution');
    for (const [, d] of [shell, hashed]) {
      expect(d.Properties.DestinationBucketName).toEqual({ Ref: webBucketId() });
      expect(d.Properties.DestinationBucketKeyPrefix).toBe('app/');
      // Neither may delete what the other wrote.
      expect(d.Properties.Prune).toBe(false);
    }
    expect(hashed[1].Properties.Include).toEqual(['assets/*']);
    expect(hashed[1].Properties.SystemMetadata['cache-control']).toContain('immutable');
    expect(shell[1].Properties.Exclude).toEqual(['assets/*']);
    expect(shell[1].Properties.SystemMetadata['cache-control']).toBe('no-cache');
    expect(shell[1].Properties.DistributionId).toEqual({ Ref: distributionId });
    expect(shell[1].Properties.DistributionPaths).toEqual(['/app/*']);
    expect(asArray((template.toJSON().Resources[shell[0]] as { DependsOn?: string[] }).DependsOn)).toContain(hashed[0]);
  });

  it('writes config.json with the API, the issuer, the client and the sign-in domain', () => {
    const [distributionId] = only('AWS::CloudFront::Distribution');
    const [poolId] = only('AWS::Cognito::UserPool');
    const [clientId] = only('AWS::Cognito::UserPoolClient');
    const [domainId] = only('AWS::Cognito::UserPoolDomain');
    expect(deployedConfig()).toEqual({
      // Through the distribution (and its WAF), same origin as the app.
      apiUrl: `https://{${distributionId}.DomainName}/api`,
      auth: {
        mode: 'cognito',
        authority: `https://cognito-idp.eu-west-2.amazonaws.com/{${poolId}}`,
        clientId: `{${clientId}}`,
        signInDomain: `https://{${domainId}}.auth.eu-west-2.amazoncognito.com`,
      },
    });
  });
});

describe('sign-in', () => {
  it('has a Cognito-prefix domain with managed login, branded with Cognito’s defaults', () => {
    const [, domain] = only('AWS::Cognito::UserPoolDomain');
    expect(domain.Properties.UserPoolId).toEqual({ Ref: only('AWS::Cognito::UserPool')[0] });
    expect(domain.Properties.Domain).toEqual({ 'Fn::Join': ['', ['prevent-compliance-', { Ref: 'AWS::AccountId' }]] });
    expect(domain.Properties.ManagedLoginVersion).toBe(2);
    expect(domain.Properties.CustomDomainConfig).toBeUndefined();
    const [, branding] = only('AWS::Cognito::ManagedLoginBranding');
    expect(branding.Properties).toMatchObject({ ClientId: { Ref: only('AWS::Cognito::UserPoolClient')[0] }, UseCognitoProvidedValues: true });
  });

  it('the web client uses the authorization-code grant only, as a public client, back to the app', () => {
    const [, client] = only('AWS::Cognito::UserPoolClient');
    const props = client.Properties;
    expect(props.AllowedOAuthFlows).toEqual(['code']);
    expect(props.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect([...props.AllowedOAuthScopes].sort()).toEqual(['email', 'openid', 'profile']);
    expect(props.SupportedIdentityProviders).toEqual(['COGNITO']);
    // No secret: a browser cannot keep one; PKCE protects the code instead.
    expect(props.GenerateSecret).toBe(false);
    expect(props.CallbackURLs).toEqual([distributionUrl(AUTH_CALLBACK_PATH)]);
    expect(props.LogoutURLs).toEqual([distributionUrl(SIGNED_OUT_PATH)]);
    expect(props.PreventUserExistenceErrors).toBe('ENABLED');
    expect(props.EnableTokenRevocation).toBe(true);
    expect(props.TokenValidityUnits).toEqual({ AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' });
    // Short access and ID tokens (renewed silently with the refresh token), a working day's refresh token.
    expect(props).toMatchObject({ IdTokenValidity: 30, AccessTokenValidity: 30, RefreshTokenValidity: 720 });
  });
});

describe('CORS', () => {
  it('allows exactly the web app’s origin: handlers, documents and imports buckets; the API needs no CORS (same origin)', () => {
    const [, api] = only('AWS::ApiGatewayV2::Api');
    expect(api.Properties.CorsConfiguration).toBeUndefined();
    for (const output of ['DocumentsBucket', 'ImportsBucket']) {
      const bucket = template.toJSON().Resources[outputRef(output)] as Resource;
      expect(bucket.Properties.CorsConfiguration.CorsRules.map((r: { AllowedOrigins: unknown }) => r.AllowedOrigins), output).toEqual([[distributionUrl()]]);
    }
    const imports = template.toJSON().Resources[outputRef('ImportsBucket')] as Resource;
    expect(imports.Properties.CorsConfiguration.CorsRules.map((r: { AllowedMethods: unknown }) => r.AllowedMethods)).toEqual([['PUT']]);
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      const vars = (template.toJSON().Resources[functionIdOfGroup(group)] as Resource).Properties.Environment.Variables;
      expect(vars.ALLOWED_ORIGINS, group).toEqual(distributionUrl());
    }
  });

  it('reminder links point at the web app', () => {
    const [, fn] = resources('AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.SENDER_EMAIL)!;
    expect(fn.Properties.Environment.Variables.APP_BASE_URL).toEqual(distributionUrl());
  });
});

describe('tenant access', () => {
  const [tableId] = [() => only('AWS::DynamoDB::Table')[0]];
  const tenantFacing = () => (Object.keys(GROUPS) as GroupName[]).filter((g) => GROUPS[g].table === 'RO' || GROUPS[g].table === 'RW');
  const workerId = () => resources('AWS::Lambda::Function').find(([, fn]) => (fn.Properties.Description as string | undefined)?.includes('runs queued imports'))![0];
  const executionRoleOf = (functionId: string) => (template.toJSON().Resources[functionId] as Resource).Properties.Role['Fn::GetAtt'][0];
  const tenantRoles = () => [...new Set([...tenantFacing().map((g) => tenantRoleOf(functionIdOfGroup(g))), tenantRoleOf(workerId())])];
  const TAG = '${aws:PrincipalTag/tenantId}';

  it('no tenant-facing execution role has table or bucket access of its own', () => {
    const guarded = [...tenantFacing().map(functionIdOfGroup), workerId()];
    const dataIds = [tableId(), outputRef('DocumentsBucket'), outputRef('ImportsBucket')];
    for (const id of guarded) {
      const statements = statementsOf(id);
      expect(statements.flatMap((s) => asArray(s.Action)).filter((a) => /^(dynamodb|s3):/.test(a)), id).toEqual([]);
      for (const data of dataIds) expect(statements.some((s) => JSON.stringify(s.Resource ?? '').includes(data)), `${id} → ${data}`).toBe(false);
      // What it has instead: assume (and tag) its tenant role, and nothing else in STS.
      const sts = statements.filter((s) => asArray(s.Action).some((a) => a.startsWith('sts:')));
      expect(sts, id).toEqual([expect.objectContaining({ Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: { 'Fn::GetAtt': [tenantRoleOf(id), 'Arn'] } })]);
    }
    // The stack exposes the read/write one (for key grants).
    expect(stack.tenantAccessRole).toBe(stack.tenantAccess.readWriteRole);
    expect(tenantRoles()).toHaveLength(2);
  });

  it('read-only groups assume the read-only role; read/write groups and the import worker the read/write one', () => {
    const rw = tenantRoleOf(functionIdOfGroup('authorities'));
    const ro = tenantRoleOf(functionIdOfGroup('reports'));
    expect(rw).not.toBe(ro);
    for (const g of tenantFacing()) expect(tenantRoleOf(functionIdOfGroup(g)), g).toBe(GROUPS[g].table === 'RO' ? ro : rw);
    expect(tenantRoleOf(workerId())).toBe(rw);
  });

  it("the tenant roles' table statements: LeadingKeys with the delimiter, a Null guard, the table and GSI1/GSI2 only, no Scan", () => {
    for (const roleId of tenantRoles()) {
      const onTable = roleStatements(roleId).filter((s) => asArray(s.Action).some((a: string) => a.startsWith('dynamodb:')));
      expect(onTable.length, roleId).toBeGreaterThan(0);
      for (const s of onTable) {
        expect(s.Effect).toBe('Allow');
        expect(s.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']).toEqual([`${TAG}#*`]);
        expect(s.Condition.Null).toEqual({ 'aws:PrincipalTag/tenantId': 'false' });
        const actions = asArray(s.Action) as string[];
        for (const banned of ['dynamodb:Scan', 'dynamodb:*', 'dynamodb:PartiQLSelect', 'dynamodb:ExecuteStatement']) expect(actions, roleId).not.toContain(banned);
        expect(actions.every((a) => !a.includes('*')), roleId).toBe(true);
        const resourcesText = JSON.stringify(s.Resource);
        expect(resourcesText).toContain(tableId());
        expect(resourcesText).toContain('/index/GSI1');
        expect(resourcesText).toContain('/index/GSI2');
        expect(resourcesText).not.toContain(TABLE.indexes.GSI3.name);
        expect(resourcesText).not.toContain('/index/*');
        expect(resourcesText).not.toContain('/stream');
      }
    }
  });

  it("the read/write role reaches only its partnership's objects in the two buckets, and lists only that prefix", () => {
    const rw = tenantRoleOf(functionIdOfGroup('assurance'));
    const onS3 = roleStatements(rw).filter((s) => asArray(s.Action).some((a: string) => a.startsWith('s3:')));
    const objects = onS3.filter((s) => !asArray(s.Action).includes('s3:ListBucket'));
    const listing = onS3.filter((s) => asArray(s.Action).includes('s3:ListBucket'));
    for (const s of objects) {
      for (const r of asArray(s.Resource)) expect(JSON.stringify(r)).toMatch(/"\/\$\{aws:PrincipalTag\/tenantId\}\/\*"\]/);
      expect(s.Condition.Null).toEqual({ 'aws:PrincipalTag/tenantId': 'false' });
    }
    expect(JSON.stringify(objects)).toContain(outputRef('DocumentsBucket'));
    expect(JSON.stringify(objects)).toContain(outputRef('ImportsBucket'));
    expect(listing).toHaveLength(1);
    expect(listing[0].Condition.StringLike).toEqual({ 's3:prefix': [`${TAG}/*`] });
    const ro = tenantRoleOf(functionIdOfGroup('reports'));
    expect(roleStatements(ro).flatMap((s) => asArray(s.Action)).filter((a: string) => a.startsWith('s3:'))).toEqual([]);
  });

  it('the trust policy: exactly the tenant-facing execution roles, with the tenantId tag required and no other tag', () => {
    for (const roleId of tenantRoles()) {
      const trust = (template.toJSON().Resources[roleId] as Resource).Properties.AssumeRolePolicyDocument.Statement;
      expect(trust, roleId).toHaveLength(1);
      const [st] = trust;
      expect(st.Effect).toBe('Allow');
      expect(st.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
      expect(st.Condition).toEqual({ Null: { 'aws:RequestTag/tenantId': 'false' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['tenantId'] } });
      const trusted = asArray(st.Principal.AWS).map((p: any) => p['Fn::GetAtt'][0]).sort();
      const expected = [...tenantFacing().map(functionIdOfGroup), workerId()].filter((id) => tenantRoleOf(id) === roleId).map(executionRoleOf).sort();
      expect(trusted, roleId).toEqual(expected);
    }
  });

  it('the jobs that cross partnerships keep their own table access and take no tenant role', () => {
    const jobs = resources('AWS::Lambda::Function').filter(([, fn]) => /daily reminders|report summaries/.test(fn.Properties.Description ?? '')).map(([id]) => id);
    expect(jobs).toHaveLength(2);
    for (const id of jobs) {
      expect(actionsOf(id), id).toContain('dynamodb:Query');
      expect(envOf(id).TENANT_ROLE_ARN, id).toBeUndefined();
    }
  });
});

// ---- The stack, reviewed (issue 13) -------------------------------------------------------

/** Our functions (not CDK's handlers), by logical id. */
const ourFunctions = () => resources('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === 'prevent-compliance');

/** Logical ids of every queue that receives what was given up on: redrive targets, Lambda on-failure destinations, rule DLQs. */
function deadLetterQueueIds(): string[] {
  const arnOf = (ref: any): string | undefined => ref?.['Fn::GetAtt']?.[0];
  const ids = [
    ...resources('AWS::SQS::Queue').map(([, q]) => arnOf(q.Properties.RedrivePolicy?.deadLetterTargetArn)),
    ...resources('AWS::Lambda::EventInvokeConfig').map(([, c]) => arnOf(c.Properties.DestinationConfig?.OnFailure?.Destination)),
    ...resources('AWS::Lambda::EventSourceMapping').map(([, m]) => arnOf(m.Properties.DestinationConfig?.OnFailure?.Destination)),
    ...resources('AWS::Events::Rule').flatMap(([, r]) => r.Properties.Targets.map((t: any) => arnOf(t.DeadLetterConfig?.Arn))),
  ];
  return [...new Set(ids.filter((id): id is string => !!id))].sort();
}

/** Alarms whose metric (or one metric of its expression) is `metricName` with a dimension referring to `resourceId`. */
function alarmsOn(metricName: string, resourceId: string): Resource[] {
  const refersTo = (dimensions: any[] | undefined) => JSON.stringify(dimensions ?? []).includes(`"${resourceId}"`);
  return resources('AWS::CloudWatch::Alarm')
    .map(([, a]) => a)
    .filter((a) =>
      (a.Properties.MetricName === metricName && refersTo(a.Properties.Dimensions)) ||
      (a.Properties.Metrics ?? []).some((m: any) => m.MetricStat?.Metric?.MetricName === metricName && refersTo(m.MetricStat.Metric.Dimensions)),
    );
}

describe('Cognito, reviewed', () => {
  it('requires MFA with an authenticator app (TOTP), never SMS', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    expect(pool.Properties.MfaConfiguration).toBe('ON');
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool.Properties.SmsConfiguration).toBeUndefined();
  });

  it('asks for a long password with no composition rules (NCSC), and runs threat protection (Plus, enforced)', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    const policy = pool.Properties.Policies.PasswordPolicy;
    expect(policy.MinimumLength).toBeGreaterThanOrEqual(12);
    expect(policy).toMatchObject({ RequireLowercase: false, RequireUppercase: false, RequireNumbers: false, RequireSymbols: false });
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(pool.Properties.DeletionProtection).toBe('ACTIVE');
    expect(pool.Properties.UsernameConfiguration).toEqual({ CaseSensitive: false });
  });

  it('issues access and ID tokens for 30 minutes at most', () => {
    const [, client] = only('AWS::Cognito::UserPoolClient');
    expect(client.Properties.TokenValidityUnits).toMatchObject({ AccessToken: 'minutes', IdToken: 'minutes' });
    expect(client.Properties.AccessTokenValidity).toBeLessThanOrEqual(30);
    expect(client.Properties.IdTokenValidity).toBeLessThanOrEqual(30);
  });
});

describe('encryption', () => {
  it('uses customer-managed keys, rotated, and kept if the stack goes', () => {
    const keys = resources('AWS::KMS::Key');
    expect(keys.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['DocumentsKey', 'ImportsKey', 'LogsKey', 'MessagingKey', 'TableKey']);
    for (const [id, key] of keys) {
      expect(key.Properties.EnableKeyRotation, id).toBe(true);
      expect(key.DeletionPolicy, id).toBe('Retain');
    }
  });

  it('encrypts the table with its key, exposed for the tenant role as stack.tableKey (and the documents key as stack.documentsKey)', () => {
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId('TableKey'), 'Arn'] } });
    const stack = synthesised.service;
    expect(stack.resolve(stack.tableKey.keyArn)).toEqual({ 'Fn::GetAtt': [keyId('TableKey'), 'Arn'] });
    expect(stack.resolve(stack.documentsKey.keyArn)).toEqual({ 'Fn::GetAtt': [keyId('DocumentsKey'), 'Arn'] });
  });

  it('encrypts every queue, dead-letter queues included, and the alarm topic with the messaging key', () => {
    const messagingKey = { 'Fn::GetAtt': [keyId('MessagingKey'), 'Arn'] };
    const queues = resources('AWS::SQS::Queue');
    expect(queues).toHaveLength(4);
    for (const [id, queue] of queues) expect(queue.Properties.KmsMasterKeyId, id).toEqual(messagingKey);
    const [, topic] = only('AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toEqual(messagingKey);
  });

  it('encrypts the logs that hold request data (every function, the API access log) with the logs key, which the logs service may use', () => {
    const logsKey = { 'Fn::GetAtt': [keyId('LogsKey'), 'Arn'] };
    const logGroups = template.toJSON().Resources as Record<string, Resource>;
    for (const [id, fn] of ourFunctions()) expect(logGroups[fn.Properties.LoggingConfig.LogGroup.Ref].Properties.KmsKeyId, id).toEqual(logsKey);
    const [, stage] = only('AWS::ApiGatewayV2::Stage');
    const accessLogGroupId = stage.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0];
    expect(logGroups[accessLogGroupId].Properties.KmsKeyId).toEqual(logsKey);
    const key = template.toJSON().Resources[keyId('LogsKey')] as Resource;
    const forLogs = key.Properties.KeyPolicy.Statement.find((st: any) => JSON.stringify(st.Principal ?? {}).includes('logs.eu-west-2.amazonaws.com'));
    expect(forLogs, 'a key policy statement for CloudWatch Logs').toBeDefined();
    expect(JSON.stringify(forLogs.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
  });
});

describe('edge', () => {
  it('serves the API under /api of the web app’s distribution: no caching, every method, the viewer’s headers but Host, HTTPS only', () => {
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    const behaviours = config.CacheBehaviors as any[];
    expect(behaviours.map((b) => b.PathPattern)).toEqual(['/api/*']);
    const [api] = behaviours;
    const origin = config.Origins.find((o: any) => o.Id === api.TargetOriginId);
    const [apiId] = only('AWS::ApiGatewayV2::Api');
    expect(flatten(origin.DomainName)).toBe(`{${apiId}}.execute-api.eu-west-2.{AWS::URLSuffix}`);
    expect(origin.CustomOriginConfig).toEqual({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader (forwards Authorization)
    expect([...api.AllowedMethods].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    expect(api.ViewerProtocolPolicy).toBe('https-only');
    expect(api.ResponseHeadersPolicyId).toEqual(config.DefaultCacheBehavior.ResponseHeadersPolicyId);
  });

  it('strips /api before the request reaches the HTTP API', () => {
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const [association] = distribution.Properties.DistributionConfig.CacheBehaviors[0].FunctionAssociations;
    expect(association.EventType).toBe('viewer-request');
    const fn = template.toJSON().Resources[association.FunctionARN['Fn::GetAtt'][0]] as Resource;
    const handler = new Function(`${fn.Properties.FunctionCode}; return handler;`)() as (e: unknown) => any;
    const uriAfter = (uri: string) => handler({ request: { uri, querystring: { year: { value: '2025' } }, headers: {} } });
    expect(uriAfter('/api/health').uri).toBe('/health');
    expect(uriAfter('/api/authorities/01HX/statements/2025').uri).toBe('/authorities/01HX/statements/2025');
    expect(uriAfter('/api/reports/consolidated').querystring).toEqual({ year: { value: '2025' } });
    expect(uriAfter('/api').uri).toBe('/');
  });

  it('adds a secret origin header the functions are told to check, by dynamic reference only', () => {
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const apiOrigin = distribution.Properties.DistributionConfig.Origins.find((o: any) => o.CustomOriginConfig);
    const [secretId] = resources('AWS::SecretsManager::Secret').find(([, s]) => s.Properties.Description?.includes('CloudFront adds'))!;
    const reference = { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: secretId }, ':SecretString:::}}']] };
    expect(apiOrigin.OriginCustomHeaders).toEqual([{ HeaderName: 'x-origin-verify', HeaderValue: reference }]);
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      const vars = (template.toJSON().Resources[functionIdOfGroup(group)] as Resource).Properties.Environment.Variables;
      expect(vars.ORIGIN_VERIFY_HEADER, group).toBe('x-origin-verify');
      expect(vars.ORIGIN_VERIFY_SECRET, group).toEqual(reference);
    }
  });

  it('has a WAF web ACL in us-east-1 with the AWS managed groups and a per-IP rate rule, associated with the distribution', () => {
    expect(synthesised.edge.region).toBe('us-east-1');
    const acls = Object.entries(synthesised.edgeTemplate.findResources('AWS::WAFv2::WebACL')) as [string, Resource][];
    expect(acls).toHaveLength(1);
    const [aclId, acl] = acls[0];
    expect(acl.Properties.Scope).toBe('CLOUDFRONT');
    expect(acl.Properties.DefaultAction).toEqual({ Allow: {} });
    const rules = acl.Properties.Rules as any[];
    const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement).map((r) => r.Statement.ManagedRuleGroupStatement);
    expect(managed.map((m) => `${m.VendorName}/${m.Name}`).sort()).toEqual([
      'AWS/AWSManagedRulesAmazonIpReputationList', 'AWS/AWSManagedRulesCommonRuleSet', 'AWS/AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    for (const r of rules.filter((r) => r.Statement.ManagedRuleGroupStatement)) expect(r.OverrideAction, r.Name).toEqual({ None: {} });
    const rate = rules.find((r) => r.Statement.RateBasedStatement);
    expect(rate.Action).toEqual({ Block: {} });
    expect(rate.Statement.RateBasedStatement).toMatchObject({ AggregateKeyType: 'IP', Limit: expect.any(Number) });
    // The distribution names the ACL's ARN, carried across regions by CDK's export reader.
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const webAcl = distribution.Properties.DistributionConfig.WebACLId;
    const [readerId, attribute] = webAcl['Fn::GetAtt'];
    expect((template.toJSON().Resources[readerId] as Resource).Type).toBe('Custom::CrossRegionExportReader');
    expect(attribute).toContain(aclId.replace(/[0-9A-F]{8}$/, ''));
  });

  it('logs the distribution and the buckets to a private, TLS-only access-log bucket', () => {
    const [, distribution] = only('AWS::CloudFront::Distribution');
    const logBucket = distribution.Properties.DistributionConfig.Logging.Bucket['Fn::GetAtt'][0];
    for (const id of [webBucketId(), outputRef('DocumentsBucket'), outputRef('ImportsBucket')]) {
      expect((template.toJSON().Resources[id] as Resource).Properties.LoggingConfiguration?.DestinationBucketName, id).toEqual({ Ref: logBucket });
    }
    const bucket = template.toJSON().Resources[logBucket] as Resource;
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });
});

describe('API stage', () => {
  const stage = () => only('AWS::ApiGatewayV2::Stage')[1].Properties;

  it('throttles every route by default and the heavy routes (imports, uploads) harder', () => {
    const { DefaultRouteSettings, RouteSettings } = stage();
    expect(DefaultRouteSettings).toEqual({ ThrottlingRateLimit: expect.any(Number), ThrottlingBurstLimit: expect.any(Number) });
    const keys = Object.keys(RouteSettings);
    expect(keys).toEqual(expect.arrayContaining(['POST /authorities/{id}/completions/import', 'POST /authorities/{id}/imports/uploads', 'POST /authorities/{id}/statements/{year}/document/upload-url']));
    const routeKeys = Object.values(ROUTES).map(routeKey);
    for (const key of keys) {
      expect(routeKeys, key).toContain(key);
      expect(RouteSettings[key].ThrottlingRateLimit, key).toBeLessThan(DefaultRouteSettings.ThrottlingRateLimit);
      expect(RouteSettings[key].ThrottlingBurstLimit, key).toBeLessThan(DefaultRouteSettings.ThrottlingBurstLimit);
    }
  });

  it('writes JSON access logs with the request id, caller IP, route, status, latency and integration error — no token, body or query string', () => {
    const { AccessLogSettings } = stage();
    const format = JSON.parse(AccessLogSettings.Format) as Record<string, string>;
    const variables = Object.values(format);
    for (const v of ['$context.requestId', '$context.identity.sourceIp', '$context.httpMethod', '$context.routeKey', '$context.status', '$context.responseLatency', '$context.integrationErrorMessage']) {
      expect(variables, v).toContain(v);
    }
    const raw = AccessLogSettings.Format.toLowerCase();
    for (const forbidden of ['$context.authorizer', 'authorization', 'token', 'body', 'querystring', '$request', '$context.path', 'jwt']) {
      expect(raw, forbidden).not.toContain(forbidden.toLowerCase());
    }
  });
});

describe('sign-in trigger and the identity routes', () => {
  type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: any };
  const triggerId = () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    return pool.Properties.LambdaConfig.PreTokenGenerationConfig.LambdaArn['Fn::GetAtt'][0] as string;
  };
  const dynamoStatements = (functionId: string) =>
    (statementsOf(functionId) as Statement[]).filter((s) => asArray(s.Action).some((a) => a.startsWith('dynamodb:')));

  it('runs the version 2 pre-token trigger, on a pool whose feature plan allows it', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    expect(pool.Properties.LambdaConfig.PreTokenGenerationConfig.LambdaVersion).toBe('V2_0');
    expect(['ESSENTIALS', 'PLUS']).toContain(pool.Properties.UserPoolTier);
    const fn = template.toJSON().Resources[triggerId()] as Resource;
    expect(fn.Type).toBe('AWS::Lambda::Function');
    expect(fn.Properties.Timeout).toBeLessThanOrEqual(5);
    const permissions = resources('AWS::Lambda::Permission').filter(([, p]) => p.Properties.FunctionName['Fn::GetAtt']?.[0] === triggerId());
    expect(permissions.map(([, p]) => p.Properties.Principal)).toEqual(['cognito-idp.amazonaws.com']);
  });

  it('lets the trigger read only memberships (GSI3 MEMBER#) and choices (IDENTITY#), each under a guarded leading-key condition', () => {
    const statements = dynamoStatements(triggerId());
    expect(statements.flatMap((s) => asArray(s.Action)).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    for (const s of statements) {
      expect(s.Condition.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
      const keys = asArray(s.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']);
      expect(keys).toEqual(asArray(s.Action).includes('dynamodb:Query') ? ['MEMBER#*'] : ['IDENTITY#*']);
    }
    const query = statements.find((s) => asArray(s.Action).includes('dynamodb:Query'))!;
    expect(JSON.stringify(query.Resource)).toContain('/index/GSI3');
  });

  it('gives the identity routes no partnership data: guarded leading keys on every statement, names only, writes only to IDENTITY#', () => {
    const statements = dynamoStatements(functionIdOfGroup('identity'));
    const actions = statements.flatMap((s) => asArray(s.Action));
    expect([...new Set(actions)].sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
    expect(actions).not.toContain('dynamodb:Scan');
    for (const s of statements) {
      expect(s.Condition.Null, JSON.stringify(s.Action)).toEqual({ 'dynamodb:LeadingKeys': 'false' });
      const keys = asArray(s.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys']) as string[];
      if (asArray(s.Action).includes('dynamodb:PutItem')) expect(keys).toEqual(['IDENTITY#*']);
      if (asArray(s.Action).includes('dynamodb:BatchGetItem')) {
        expect(keys.sort()).toEqual(['*#AUTHORITY', '*#PARTNERSHIP']);
        expect(s.Condition['ForAllValues:StringEquals']['dynamodb:Attributes'].sort()).toEqual(['PK', 'SK', 'id', 'name']);
      }
      for (const k of keys) expect(k === 'IDENTITY#*' || k === 'MEMBER#*' || k.startsWith('*#'), k).toBe(true);
    }
  });
});

describe('alarms and tracing', () => {
  const topicId = () => only('AWS::SNS::Topic')[0];
  const notifiesTopic = (alarm: Resource) => expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId() }]);

  it('alarm on every dead-letter queue holding a message', () => {
    const ids = deadLetterQueueIds();
    // Import jobs, reminders (Lambda destination and the rule's DLQ), report summaries.
    expect(ids).toHaveLength(3);
    for (const id of ids) {
      const alarms = alarmsOn('ApproximateNumberOfMessagesVisible', id);
      expect(alarms, id).toHaveLength(1);
      expect(alarms[0].Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      notifiesTopic(alarms[0]);
    }
  });

  it('alarm on every function’s errors and throttles, the stream consumer’s iterator age and the schedule’s failed invocations', () => {
    for (const [id] of ourFunctions()) {
      for (const metric of ['Errors', 'Throttles']) {
        const alarms = alarmsOn(metric, id);
        expect(alarms, `${metric} of ${id}`).toHaveLength(1);
        notifiesTopic(alarms[0]);
      }
    }
    const [summaryId] = ourFunctions().find(([, fn]) => fn.Properties.Description.includes('report summaries'))!;
    expect(alarmsOn('IteratorAge', summaryId)).toHaveLength(1);
    const [ruleId] = only('AWS::Events::Rule');
    expect(alarmsOn('FailedInvocations', ruleId)).toHaveLength(1);
  });

  it('alarm on the API’s 5xx rate (errors over requests)', () => {
    const [apiId] = only('AWS::ApiGatewayV2::Api');
    const [alarm] = alarmsOn('5xx', apiId);
    expect(alarm).toBeDefined();
    const expression = alarm.Properties.Metrics.find((m: any) => m.Expression);
    expect(expression.Expression).toContain('errors / requests');
    expect(alarm.Properties.Metrics.map((m: any) => m.MetricStat?.Metric?.MetricName).filter(Boolean).sort()).toEqual(['5xx', 'Count']);
    notifiesTopic(alarm);
  });

  it('send alarms to a topic that refuses plain HTTP', () => {
    const [, policy] = only('AWS::SNS::TopicPolicy');
    expect(policy.Properties.PolicyDocument.Statement.some((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
  });

  it('trace every function actively; * resources in their roles only for actions that take no ARN (X-Ray, ListStreams)', () => {
    for (const [id, fn] of ourFunctions()) {
      expect(fn.Properties.TracingConfig, id).toEqual({ Mode: 'Active' });
      for (const st of statementsOf(id).filter((s) => s.Resource === '*')) {
        for (const action of asArray(st.Action)) expect(action, id).toMatch(/^(xray:PutTraceSegments|xray:PutTelemetryRecords|dynamodb:ListStreams)$/);
      }
    }
  });

  it('report summaries report partial batch failures', () => {
    const [summaryId] = ourFunctions().find(([, fn]) => fn.Properties.Description.includes('report summaries'))!;
    const [[, mapping]] = resources('AWS::Lambda::EventSourceMapping').filter(([, m]) => m.Properties.FunctionName?.Ref === summaryId);
    expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });
});

describe('region and backups', () => {
  it('deploys to eu-west-2 unless told otherwise, the WAF always to us-east-1', () => {
    expect(DEFAULT_REGION).toBe('eu-west-2');
    expect(synthesised.service.region).toBe('eu-west-2');
    expect(synthesised.edge.region).toBe('us-east-1');
    const elsewhere = synthesise({ bundle: false, region: 'eu-west-1' });
    try {
      expect(elsewhere.service.region).toBe('eu-west-1');
      expect(elsewhere.edge.region).toBe('us-east-1');
      const [, pool] = Object.entries(elsewhere.template.findResources('AWS::ApiGatewayV2::Authorizer'))[0] as [string, Resource];
      expect(JSON.stringify(pool.Properties.JwtConfiguration.Issuer)).toContain('cognito-idp.eu-west-1.amazonaws.com');
    } finally {
      elsewhere.cleanup();
    }
  });

  it('backs the table up daily (35 days) and monthly (a year) into a vault under the table’s key, besides PITR', () => {
    const [, plan] = only('AWS::Backup::BackupPlan');
    const rules = plan.Properties.BackupPlan.BackupPlanRule as any[];
    expect(rules.map((r) => [r.RuleName, r.Lifecycle.DeleteAfterDays]).sort()).toEqual([['Daily', 35], ['Monthly', 366]]);
    const [vaultId, vault] = only('AWS::Backup::BackupVault');
    expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [keyId('TableKey'), 'Arn'] });
    for (const r of rules) expect(r.TargetBackupVault).toEqual({ 'Fn::GetAtt': [vaultId, 'BackupVaultName'] });
    const [, selection] = only('AWS::Backup::BackupSelection');
    expect(JSON.stringify(selection.Properties.BackupSelection.Resources)).toContain(only('AWS::DynamoDB::Table')[0]);
    // Its role may restore too (docs/deploy.md uses it).
    const role = template.toJSON().Resources[selection.Properties.BackupSelection.IamRoleArn['Fn::GetAtt'][0]] as Resource;
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain('AWSBackupServiceRolePolicyForRestores');
  });
});

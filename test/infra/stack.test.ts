import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../domain/shared/identity';
import { GROUPS, ROUTES, routeKey, type GroupName } from '../../functions/api';
import { TABLE } from '../../functions/data/table';
import { PreventComplianceStack } from '../../infra/stack';

/**
 * Properties of the synthesised CloudFormation template that protect data and tenants.
 * The stack is synthesised once (real esbuild bundling of every group, a few seconds).
 */

// CloudFormation resources are untyped JSON.
type Resource = { Type: string; Properties: any; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** The only routes that may be reached without a token. */
const PUBLIC_ROUTE_KEYS = ['GET /health', 'GET /openapi.json'];
const DYNAMODB_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const USER_DIRECTORY_ACTIONS = ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminDeleteUser'];

let template: Template;

function resources(type: string): [string, Resource][] {
  return Object.entries(template.findResources(type) as Record<string, Resource>);
}

function only(type: string): [string, Resource] {
  const all = resources(type);
  expect(all, `exactly one ${type}`).toHaveLength(1);
  return all[0];
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

const groupsWithTable = (mode: 'none' | 'RO' | 'RW') =>
  (Object.keys(GROUPS) as GroupName[]).filter((g) => GROUPS[g].table === mode);

beforeAll(() => {
  const app = new App();
  template = Template.fromStack(new PreventComplianceStack(app, 'Test'));
}, 120_000);

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
      Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', { Ref: 'AWS::Region' }, '.amazonaws.com/', { Ref: poolId }]] },
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
  it('one per group plus the reminder job, all Node 22 on arm64 with a bounded log group', () => {
    const functions = resources('AWS::Lambda::Function');
    expect(functions).toHaveLength(Object.keys(GROUPS).length + 2); // + reminder job, + report summaries
    const logGroups = template.findResources('AWS::Logs::LogGroup') as Record<string, Resource>;
    for (const [id, fn] of functions) {
      expect(fn.Properties.Runtime, id).toBe('nodejs22.x');
      expect(fn.Properties.Architectures, id).toEqual(['arm64']);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS, id).toBe('--enable-source-maps');
      const logGroup = logGroups[fn.Properties.LoggingConfig?.LogGroup?.Ref];
      expect(logGroup, `log group of ${id}`).toBeDefined();
      expect(logGroup.Properties.RetentionInDays, id).toBeGreaterThan(0);
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
      if (GROUPS[group].table === 'none') expect(vars.TABLE_NAME, group).toBeUndefined();
      else expect(vars.TABLE_NAME, group).toEqual({ Ref: only('AWS::DynamoDB::Table')[0] });
    }
  });

  it('gives groups that page a generated cursor key by dynamic reference, never in the template', () => {
    const [secretId, secret] = only('AWS::SecretsManager::Secret');
    expect(secret.Properties.GenerateSecretString.PasswordLength).toBeGreaterThanOrEqual(32);
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      const vars = (template.toJSON().Resources[functionIdOfGroup(group)] as Resource).Properties.Environment.Variables;
      if (GROUPS[group].table === 'none') {
        expect(vars.CURSOR_KEY, group).toBeUndefined();
        continue;
      }
      const reference = JSON.stringify(vars.CURSOR_KEY);
      expect(reference, group).toContain('{{resolve:secretsmanager:');
      expect(reference, group).toContain(secretId);
    }
  });

  it('read-only groups cannot write to the table', () => {
    const readOnly = groupsWithTable('RO');
    expect(readOnly.length).toBeGreaterThan(0);
    for (const group of readOnly) {
      const actions = actionsOf(functionIdOfGroup(group));
      expect(actions, group).toContain('dynamodb:Query');
      expect(actions, group).not.toContain('dynamodb:*');
      for (const write of DYNAMODB_WRITE_ACTIONS) expect(actions, group).not.toContain(write);
    }
  });

  it('read/write groups can write, groups without the table have no DynamoDB access at all', () => {
    for (const group of groupsWithTable('RW')) expect(actionsOf(functionIdOfGroup(group)), group).toContain('dynamodb:PutItem');
    for (const group of groupsWithTable('none')) {
      expect(actionsOf(functionIdOfGroup(group)).filter((a) => a.startsWith('dynamodb:')), group).toEqual([]);
    }
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
  it('is invitation-only, retained, with TOTP MFA and email-only recovery', () => {
    const [, pool] = only('AWS::Cognito::UserPool');
    expect(pool.DeletionPolicy).toBe('Retain');
    expect(pool.Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly).toBe(true);
    expect(pool.Properties.UsernameAttributes).toEqual(['email']);
    expect(pool.Properties.MfaConfiguration).toBe('OPTIONAL');
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

  it('has one group per role', () => {
    const names = resources('AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName as string);
    expect(names.sort()).toEqual([...ROLES].sort());
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
  it('exports the API URL, user pool, client, table and the reminders dead-letter queue', () => {
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(['ApiUrl', 'DocumentsBucket', 'ReminderDeadLetterQueue', 'TableName', 'UserPoolClientId', 'UserPoolId']);
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
    const [bucketId, bucket] = only('AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.DeletionPolicy).toBe('Retain');
    const [, policy] = only('AWS::S3::BucketPolicy');
    const denyInsecure = policy.Properties.PolicyDocument.Statement.find((st: any) => st.Effect === 'Deny' && st.Condition?.Bool?.['aws:SecureTransport'] === 'false');
    expect(denyInsecure).toBeDefined();
    expect(denyInsecure.Principal).toEqual({ AWS: '*' });
    expect(JSON.stringify(denyInsecure.Resource)).toContain(bucketId);
  });

  it('only the assurance group may use it', () => {
    const [bucketId] = only('AWS::S3::Bucket');
    for (const group of Object.keys(GROUPS) as GroupName[]) {
      const usesBucket = statementsOf(functionIdOfGroup(group)).some((st) => JSON.stringify(st.Resource ?? '').includes(bucketId));
      expect(usesBucket, group).toBe(group === 'assurance');
    }
  });
});

describe('report summaries', () => {
  it('are fed by the table stream, with retries, batch bisection and a dead-letter queue', () => {
    const [, table] = only('AWS::DynamoDB::Table');
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const [, mapping] = only('AWS::Lambda::EventSourceMapping');
    expect(mapping.Properties.EventSourceArn).toEqual({ 'Fn::GetAtt': [only('AWS::DynamoDB::Table')[0], 'StreamArn'] });
    expect(mapping.Properties.StartingPosition).toBe('TRIM_HORIZON');
    expect(mapping.Properties.BisectBatchOnFunctionError).toBe(true);
    expect(mapping.Properties.MaximumRetryAttempts).toBe(5);
    const dlq = mapping.Properties.DestinationConfig.OnFailure.Destination['Fn::GetAtt'][0];
    expect(template.toJSON().Resources[dlq].Type).toBe('AWS::SQS::Queue');
  });
});


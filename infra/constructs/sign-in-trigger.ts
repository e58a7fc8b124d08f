import { Duration } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import * as path from 'node:path';
import { IDENTITY_PREFIX, KEY_DELIMITER, MEMBER_PREFIX } from '../../functions/data/keys';
import { TABLE } from '../../functions/data/table';
import { ApiFunction } from './api-function';

export interface SignInTriggerProps {
  readonly userPool: cognito.UserPool;
  readonly table: dynamodb.ITable;
  /** Repository root (handler entries are relative to it). */
  readonly projectRoot: string;
  /** The API group serving GET /me/memberships and PUT /me/partnership (functions/handlers/identity.ts). */
  readonly routes: ApiFunction;
  readonly logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** The table's customer-managed key: the trigger decrypts what it reads, the routes also encrypt the choice they write. */
  readonly tableKey: kms.IKey;
  /** The key of the log groups holding request data. */
  readonly logsKey: kms.IKey;
}

/**
 * The pre-token-generation trigger (event version 2, which needs the Essentials or Plus feature
 * plan) that puts the person's chosen partnership, authority and role into each token, and the
 * narrow cross-partnership access it and the identity routes have. These are the only roles that
 * read across partnerships on a person's behalf, and they reach only:
 *   - `MEMBER#<sub>` on GSI3: a person's memberships (Query);
 *   - `IDENTITY#<sub>`: their choice (GetItem; PutItem for the routes only);
 *   - for the routes' list of names: `<tenant>#PARTNERSHIP` and `<tenant>#AUTHORITY` items,
 *     and of those only the key, id and name attributes (BatchGetItem).
 * No other partnership data, no Scan, no other index.
 */
export class SignInTrigger extends Construct {
  readonly function: ApiFunction;

  constructor(scope: Construct, id: string, props: SignInTriggerProps) {
    super(scope, id);
    this.function = new ApiFunction(this, 'Function', {
      entry: path.join(props.projectRoot, 'functions/identity/pre-token.ts'),
      projectRoot: props.projectRoot,
      description: 'Prevent compliance: pre-token-generation trigger (partnership, authority and role of the chosen membership)',
      logLevel: props.logLevel,
      memorySize: 256,
      // Cognito waits at most 5 seconds for a trigger.
      timeout: Duration.seconds(5),
      logsKey: props.logsKey,
      // Cognito calls it synchronously and fails the sign-in on an error: nothing to park.
      invocation: 'sync',
    });
    const { table } = props;
    const memberships = membershipQuery(table);
    const readChoice = identityItems(table, ['dynamodb:GetItem']);
    for (const fn of [this.function, props.routes]) {
      fn.addEnvironment('TABLE_NAME', table.tableName);
      fn.addToRolePolicy(memberships);
    }
    this.function.addToRolePolicy(readChoice);
    props.routes.addToRolePolicy(identityItems(table, ['dynamodb:GetItem', 'dynamodb:PutItem']));
    props.routes.addToRolePolicy(names(table));
    props.tableKey.grantDecrypt(this.function);
    props.tableKey.grantEncryptDecrypt(props.routes);
    props.routes.acknowledgeKeyGrant();
    props.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, this.function, cognito.LambdaVersion.V2_0);
  }
}

/**
 * `ForAllValues` holds for a request with no leading key at all, so each statement also requires
 * one (`Null: false`): without it a key-less request would pass the condition.
 */
const leadingKeys = (patterns: string[]) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': patterns },
  Null: { 'dynamodb:LeadingKeys': 'false' },
});

function membershipQuery(table: dynamodb.ITable): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['dynamodb:Query'],
    resources: [`${table.tableArn}/index/${TABLE.indexes.GSI3.name}`],
    conditions: leadingKeys([`${MEMBER_PREFIX}*`]),
  });
}

function identityItems(table: dynamodb.ITable, actions: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions, resources: [table.tableArn], conditions: leadingKeys([`${IDENTITY_PREFIX}*`]) });
}

function names(table: dynamodb.ITable): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['dynamodb:BatchGetItem'],
    resources: [table.tableArn],
    conditions: {
      ...leadingKeys([`*${KEY_DELIMITER}PARTNERSHIP`, `*${KEY_DELIMITER}AUTHORITY`]),
      // Names only: an authority's record holds its Prevent lead's contact details.
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [TABLE.partitionKey, TABLE.sortKey, 'id', 'name'] },
      StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    },
  });
}


import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { KEY_DELIMITER } from '../../functions/data/keys';
import { TABLE } from '../../functions/data/table';
import { TENANT_SESSION_TAG } from '../../functions/data/tenant-credentials';

/** What a partnership's session may do to the table: item reads and writes, never Scan. */
export const TENANT_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'] as const;
export const TENANT_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;
/** Indexes whose partition keys begin with the tenant. GSI3 (the reminder index) crosses partnerships: never. */
export const TENANT_INDEXES = [TABLE.indexes.GSI1.name, TABLE.indexes.GSI2.name] as const;

export interface TenantAccessProps {
  readonly table: dynamodb.ITable;
  /** Buckets whose object keys begin with `<tenantId>/` (signed documents, import files). */
  readonly buckets: s3.IBucket[];
  /** Execution roles that may take the read/write tenant session (request-serving groups, the import worker). */
  readonly readWrite: iam.IRole[];
  /** Execution roles that may take only the read-only tenant session. */
  readonly readOnly: iam.IRole[];
}

/**
 * The roles a tenant request reaches data with (functions/data/tenant-credentials.ts): a function
 * assumes one with the partnership of the verified caller as the `tenantId` session tag, and the
 * session can touch only that partnership's items and objects:
 *
 * - trust: exactly the listed execution roles, `sts:AssumeRole` + `sts:TagSession`, and only with
 *   a `tenantId` request tag and no other tag (so a caller cannot add tags that widen anything);
 * - table: the table and the tenant-keyed indexes (GSI1, GSI2; not GSI3), item actions only (no
 *   Scan), under `dynamodb:LeadingKeys` `${aws:PrincipalTag/tenantId}#*` (`ForAllValues`, so every
 *   key of a batch or transaction must match; the delimiter, so `north` does not reach
 *   `north-east`), with a `Null` guard so a session without the tag is granted nothing;
 * - buckets (read/write role only): objects under `${aws:PrincipalTag/tenantId}/` and listing of
 *   that prefix only (without ListBucket a missing object reads as 403, not 404).
 *
 * Two roles, so a read-only group stays unable to write, as its own role was before.
 */
export class TenantAccess extends Construct {
  readonly readWriteRole: iam.Role;
  readonly readOnlyRole: iam.Role;

  constructor(scope: Construct, id: string, props: TenantAccessProps) {
    super(scope, id);
    const tag = `\${aws:PrincipalTag/${TENANT_SESSION_TAG}}`;
    const hasTag = { Null: { [`aws:PrincipalTag/${TENANT_SESSION_TAG}`]: 'false' } };
    const tableResources = [props.table.tableArn, ...TENANT_INDEXES.map((name) => `${props.table.tableArn}/index/${name}`)];
    const tableStatement = (actions: readonly string[]) =>
      new iam.PolicyStatement({
        sid: 'PartnershipItemsOnly',
        actions: [...actions],
        resources: tableResources,
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${tag}${KEY_DELIMITER}*`] }, ...hasTag },
      });
    const role = (roleId: string, description: string, principals: iam.IRole[], statements: iam.PolicyStatement[]) => {
      if (!principals.length) throw new Error(`${roleId}: no function may assume it`);
      const created = new iam.Role(this, roleId, {
        description,
        // Replaced below: the trust is one statement for every execution role, with the tag conditions.
        assumedBy: new iam.ArnPrincipal(principals[0].roleArn),
        inlinePolicies: { Partnership: new iam.PolicyDocument({ statements }) },
      });
      // One statement naming every execution role (CDK would write one per principal, and a trust
      // policy is capped at 2 KB by default): the partnership tag must be there, and be the only tag.
      (created.node.defaultChild as iam.CfnRole).assumeRolePolicyDocument = new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'TenantFunctionsWithPartnershipTag',
            principals: principals.map((p) => new iam.ArnPrincipal(p.roleArn)),
            actions: ['sts:AssumeRole', 'sts:TagSession'],
            conditions: {
              Null: { [`aws:RequestTag/${TENANT_SESSION_TAG}`]: 'false' },
              'ForAllValues:StringEquals': { 'aws:TagKeys': [TENANT_SESSION_TAG] },
            },
          }),
        ],
      });
      // The callers' side: each execution role may assume this role (and tag the session), nothing else in STS.
      for (const p of principals) {
        p.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole', 'sts:TagSession'], resources: [created.roleArn] }));
      }
      return created;
    };

    const objects = props.buckets.map((b) => b.arnForObjects(`${tag}/*`));
    this.readWriteRole = role('ReadWrite', 'One partnership: its items in the table and its objects in the buckets (session tag tenantId)', props.readWrite, [
      tableStatement([...TENANT_READ_ACTIONS, ...TENANT_WRITE_ACTIONS]),
      new iam.PolicyStatement({ sid: 'PartnershipObjectsOnly', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: objects, conditions: hasTag }),
      new iam.PolicyStatement({
        sid: 'PartnershipPrefixOnly',
        actions: ['s3:ListBucket'],
        resources: props.buckets.map((b) => b.bucketArn),
        conditions: { StringLike: { 's3:prefix': [`${tag}/*`] }, ...hasTag },
      }),
    ]);
    this.readOnlyRole = role('ReadOnly', 'One partnership, read only: its items in the table (session tag tenantId)', props.readOnly, [tableStatement(TENANT_READ_ACTIONS)]);
  }
}

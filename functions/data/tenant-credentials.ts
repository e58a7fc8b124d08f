import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { createIsIdentityExpiredFunction, doesIdentityRequireRefresh, memoizeIdentityProvider } from '@smithy/core';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { isTenantId } from '../../domain/shared/ids';

/**
 * Credentials confined to one partnership: an STS AssumeRole of the tenant-access role
 * (TENANT_ROLE_ARN) with the partnership as the `tenantId` session tag. The role's policy
 * allows the table only under `dynamodb:LeadingKeys` `${aws:PrincipalTag/tenantId}#*` and the
 * buckets only under `${aws:PrincipalTag/tenantId}/`, so a request built with another
 * partnership's key is refused by AWS itself. The tenant id must come from the verified caller
 * (or, for the import worker, from a queue message the API wrote from verified claims).
 *
 * Caching. `fromTemporaryCredentials` calls AssumeRole on every call: the caching is the SDK's
 * identity memoizer (`memoizeIdentityProvider`, what every client wraps its credentials in),
 * here with our own refresh point. One memoized provider per partnership is shared by that
 * partnership's DynamoDB and S3 clients (marked `memoized`, so the clients use it as it is
 * rather than wrapping it again with their default five-minute window), so a warm container
 * makes one STS call per partnership per session, and concurrent first requests share it.
 *
 * Refresh point. A presigned URL signed with temporary credentials stops working when they
 * expire, whatever its own X-Amz-Expires says. The credentials are therefore replaced once
 * less than the longest URL life the API hands out (15 minutes, an import upload) plus five
 * minutes' margin remains: every URL signed before that lives its full stated life.
 */
export const TENANT_SESSION_TAG = 'tenantId';
export const TENANT_SESSION_SECONDS = 3600;
/** The longest presigned URL the API signs (domain/training/import-job.ts UPLOAD_URL_SECONDS). */
export const LONGEST_PRESIGNED_URL_SECONDS = 900;
export const REFRESH_BEFORE_EXPIRY_MS = (LONGEST_PRESIGNED_URL_SECONDS + 300) * 1000;

/** The STS client's settings: STS_ENDPOINT points it at the local stand-in (infra/local/sts.ts). */
function stsClientConfig() {
  const endpoint = process.env.STS_ENDPOINT;
  if (!endpoint) return { region: process.env.AWS_REGION };
  return {
    endpoint,
    region: process.env.AWS_REGION ?? 'eu-west-2',
    // The stand-in does not check who asks; the SDK still needs credentials to sign with.
    credentials: { accessKeyId: 'local-sts-caller', secretAccessKey: 'local-sts-caller-secret' },
  };
}

/** A memoized credential provider for one partnership (see above). Not cached here: see client.ts. */
export function tenantCredentials(tenantId: string): AwsCredentialIdentityProvider {
  // The tag value is what IAM compares keys with: only a well-formed tenant id (no `#`, no `*`).
  if (!isTenantId(tenantId)) throw new Error('Tenant credentials need a valid tenant id');
  const roleArn = process.env.TENANT_ROLE_ARN;
  if (!roleArn) throw new Error('TENANT_ROLE_ARN is not set: tenant requests cannot reach the table');
  const assume = fromTemporaryCredentials({
    params: {
      RoleArn: roleArn,
      // Shows in CloudTrail; tenant ids fit RoleSessionName's alphabet and length.
      RoleSessionName: `tenant-${tenantId}`,
      DurationSeconds: TENANT_SESSION_SECONDS,
      Tags: [{ Key: TENANT_SESSION_TAG, Value: tenantId }],
    },
    clientConfig: stsClientConfig(),
  });
  const provider = memoizeIdentityProvider<AwsCredentialIdentity>(assume, createIsIdentityExpiredFunction(REFRESH_BEFORE_EXPIRY_MS), doesIdentityRequireRefresh)!;
  // The clients take a provider marked memoized as it is (@aws-sdk/core normalizeCredentialProvider).
  return Object.assign(provider, { memoized: true });
}

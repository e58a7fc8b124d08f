import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { tenantDynamo } from '../data/client';
import { traced } from '../shared/tracer';

// Checksums only where S3 requires them: otherwise the SDK signs a CRC32 of the empty
// body into presigned PUT URLs, and S3 refuses the real upload.
const checksums = { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const;

/** S3_ENDPOINT points a client at the local stand-in (path-style). */
function s3Client(credentials: AwsCredentialIdentityProvider | undefined): S3Client {
  return traced(untracedS3Client(credentials));
}

function untracedS3Client(credentials: AwsCredentialIdentityProvider | undefined): S3Client {
  const endpoint = process.env.S3_ENDPOINT;
  if (!endpoint) return new S3Client({ ...checksums, credentials });
  return new S3Client({
    ...checksums,
    endpoint,
    forcePathStyle: true,
    region: process.env.AWS_REGION ?? 'eu-west-2',
    credentials: credentials ?? { accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'local-s3', secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'local-s3-secret' },
  });
}

/**
 * The process's own S3 client (execution role): for system work only (tests, local tooling).
 * In AWS the tenant-facing functions' roles have no bucket access; tenant requests use tenantS3.
 */
let system: S3Client | undefined;
export function s3(): S3Client {
  system ??= s3Client(undefined);
  return system;
}

/**
 * The S3 client for one partnership's request, with the same tenant-role credentials as its
 * DynamoDB client (one STS session for both): the role allows only `<tenantId>/…` object keys.
 * Presigned URLs are signed with these credentials, which are replaced early enough that a URL
 * lives its full stated life (tenant-credentials.ts). Kept as long as the partnership's scope.
 */
const tenantClients = new WeakMap<AwsCredentialIdentityProvider, S3Client>();
export function tenantS3(tenantId: string): S3Client {
  const { credentials } = tenantDynamo(tenantId);
  let client = tenantClients.get(credentials);
  if (!client) {
    client = s3Client(credentials);
    tenantClients.set(credentials, client);
  }
  return client;
}

/**
 * A presigned PUT of one object: content type and length are signed into the URL, so S3 refuses
 * any other upload (documents and import files alike).
 */
export function presignPut(client: S3Client, bucket: string, key: string, contentType: string, contentLength: number, expiresIn: number): Promise<string> {
  return getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType, ContentLength: contentLength }), {
    expiresIn,
    signableHeaders: new Set(['content-type', 'content-length']),
  });
}

export const isMissing = (error: unknown) => ['NotFound', 'NoSuchKey'].includes((error as { name?: string }).name ?? '');

import { S3Client } from '@aws-sdk/client-s3';

/**
 * One S3 client per process for the buckets the API uses. S3_ENDPOINT points it at the local
 * stand-in (path-style, local credentials).
 */
let client: S3Client | undefined;
export function s3(): S3Client {
  // Checksums only where S3 requires them: otherwise the SDK signs a CRC32 of the empty
  // body into presigned PUT URLs, and S3 refuses the real upload.
  const checksums = { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const;
  client ??= new S3Client(
    process.env.S3_ENDPOINT
      ? {
          ...checksums,
          endpoint: process.env.S3_ENDPOINT,
          forcePathStyle: true,
          region: process.env.AWS_REGION ?? 'eu-west-2',
          credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'local-s3', secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'local-s3-secret' },
        }
      : checksums,
  );
  return client;
}

export const isMissing = (error: unknown) => ['NotFound', 'NoSuchKey'].includes((error as { name?: string }).name ?? '');

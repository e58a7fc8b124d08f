import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { presignPut } from './s3-client';
import type { DocumentStorage } from '../../domain/statements/document';

/**
 * Signed documents in S3: uploads and downloads go straight between the browser and S3
 * through short-lived presigned URLs; the API only signs, then checks what arrived.
 * The client is given per call: a tenant request signs with its partnership's credentials.
 */
const bucket = () => process.env.DOCUMENTS_BUCKET ?? 'prevent-documents';

export function documentStorage(s3: () => S3Client): DocumentStorage {
  return {
    /** Content type and length are signed into the URL: S3 refuses anything else. */
    presignUpload: (key, contentType, contentLength, expiresIn) =>
      presignPut(s3(), bucket(), key, contentType, contentLength, expiresIn),

    presignDownload: (key, fileName, expiresIn) =>
      getSignedUrl(
        s3(),
        new GetObjectCommand({ Bucket: bucket(), Key: key, ResponseContentDisposition: `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"` }),
        { expiresIn },
      ),

    async inspect(key) {
      try {
        const head = await s3().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
        const object = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
        const bytes = Buffer.from(await object.Body!.transformToByteArray());
        return {
          contentType: head.ContentType ?? '',
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          head: bytes.subarray(0, 8),
        };
      } catch (error) {
        if ((error as { name?: string }).name === 'NotFound' || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },

    async remove(key) {
      await s3().send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
    },
  };
}

import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ImportFiles } from '../../domain/training/import-job';
import { isMissing, presignPut } from './s3-client';

/**
 * Uploaded import files in S3: the browser PUTs the file through a presigned URL (type and size
 * signed in), the worker reads it and deletes it when the job ends; the bucket's lifecycle rule
 * removes anything left after two days.
 */
const bucket = () => process.env.IMPORTS_BUCKET ?? 'prevent-imports';

export function importFileStorage(s3: () => S3Client): ImportFiles {
  return {
    presignUpload: (key, contentType, contentLength, expiresIn) =>
      presignPut(s3(), bucket(), key, contentType, contentLength, expiresIn),

    async size(key) {
      try {
        return (await s3().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }))).ContentLength ?? 0;
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async read(key) {
      try {
        const object = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
        return await object.Body!.transformToByteArray();
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },

    async remove(key) {
      await s3().send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
    },
  };
}

// Before anything loads the AWS SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * One delivery of an import job on this machine, in a process of its own as a Lambda
 * invocation would be: `node --import tsx infra/local/import-worker-process.ts '<job json>' <receive count>`.
 * Exit 0: the message is done; 75 (EX_TEMPFAIL): hand it over again later. The environment
 * (DYNAMODB_ENDPOINT, TABLE_NAME, S3_ENDPOINT, IMPORTS_BUCKET, IMPORT_LEASE_SECONDS) comes from
 * the process that runs the queue.
 */
const { ImportJobMessage, runImportJob } = await import('../../functions/jobs/import-worker');
const job = ImportJobMessage.parse(JSON.parse(process.argv[2] ?? 'null'));
const outcome = await runImportJob(job, Number(process.argv[3] ?? 1));
process.exit(outcome === 'retry' ? 75 : 0);
export {};

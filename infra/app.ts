import { App } from 'aws-cdk-lib';
import { PreventComplianceStack } from './stack';

/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). The stack is environment-agnostic
 * (no account/region), so `cdk synth` works offline and without credentials; the
 * account and region come from the deploying profile.
 *
 * Context: `-c allowedOrigins=https://a.example,https://b.example` (default `*`),
 *          `-c logLevel=DEBUG` (default INFO),
 *          `-c senderEmail=prevent@county.gov.uk` (the SES identity reminders come from),
 *          `-c appBaseUrl=https://prevent.example.org` (where reminder links point).
 */
const app = new App();

const origins = String(app.node.tryGetContext('allowedOrigins') ?? '*')
  .split(',')
  .map((o) => o.trim())
  .filter(Boolean);

new PreventComplianceStack(app, 'PreventCompliance', {
  description: 'Prevent duty compliance records: HTTP API, Lambda, DynamoDB, Cognito',
  allowedOrigins: origins,
  logLevel: app.node.tryGetContext('logLevel') ?? 'INFO',
  senderEmail: app.node.tryGetContext('senderEmail'),
  appBaseUrl: app.node.tryGetContext('appBaseUrl'),
});

import { App } from 'aws-cdk-lib';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PreventComplianceStack, PROJECT_ROOT } from './stack';

/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). The stack is environment-agnostic
 * (no account/region), so `cdk synth` works offline and without credentials; the
 * account and region come from the deploying profile.
 *
 * Context: `-c allowedOrigins=https://a.example,https://b.example` (CORS origins besides the web app's),
 *          `-c webDevOrigins=http://localhost:5173` (extra sign-in callback/sign-out origins),
 *          `-c signInDomainPrefix=my-prevent` (Cognito sign-in domain prefix; default prevent-compliance-<account>),
 *          `-c logLevel=DEBUG` (default INFO),
 *          `-c senderEmail=prevent@county.gov.uk` (the SES identity reminders come from),
 *          `-c appBaseUrl=https://prevent.example.org` (where reminder links point; default the web app).
 */
const app = new App();

const list = (key: string): string[] =>
  String(app.node.tryGetContext(key) ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);

// The stack uploads web/dist: build it once so synth works from a clean checkout.
const webDist = path.join(PROJECT_ROOT, 'web', 'dist');
if (!existsSync(path.join(webDist, 'index.html'))) {
  console.error('web/dist/index.html is missing: building the web app (npm run build:web)');
  const build = spawnSync('npm', ['run', 'build:web'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (build.status !== 0 || !existsSync(path.join(webDist, 'index.html'))) {
    console.error(`Building the web app failed (${build.error?.message ?? `exit code ${build.status}`}); run \`npm run build:web\` and fix it before synth or deploy.`);
    process.exit(1);
  }
}

new PreventComplianceStack(app, 'PreventCompliance', {
  description: 'Prevent duty compliance records: web app (CloudFront, S3), HTTP API, Lambda, DynamoDB, Cognito',
  allowedOrigins: list('allowedOrigins'),
  webDevOrigins: list('webDevOrigins'),
  signInDomainPrefix: app.node.tryGetContext('signInDomainPrefix') || undefined,
  webAssetsPath: webDist,
  logLevel: app.node.tryGetContext('logLevel') ?? 'INFO',
  senderEmail: app.node.tryGetContext('senderEmail'),
  appBaseUrl: app.node.tryGetContext('appBaseUrl'),
});

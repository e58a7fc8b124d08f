import { App } from 'aws-cdk-lib';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { addDeployment, addNagChecks, DEFAULT_REGION } from './deployment';
import { PROJECT_ROOT } from './stack';

/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`). Two stacks (infra/deployment.ts): the
 * service in eu-west-2 unless `-c region=...` says otherwise, and its WAF web ACL in us-east-1.
 * The account comes from the deploying profile (CDK_DEFAULT_ACCOUNT). Every synth runs cdk-nag
 * (AwsSolutions and Serverless packs) and fails on an unacknowledged finding; the report is
 * cdk.out/validation-report.json.
 *
 * Context: `-c allowedOrigins=https://a.example,https://b.example` (CORS origins besides the web app's),
 *          `-c webDevOrigins=http://localhost:5173` (extra sign-in callback/sign-out origins),
 *          `-c signInDomainPrefix=my-prevent` (Cognito sign-in domain prefix; default prevent-compliance-<account>),
 *          `-c logLevel=DEBUG` (default INFO),
 *          `-c senderEmail=prevent@county.gov.uk` (the SES identity reminders come from),
 *          `-c appBaseUrl=https://prevent.example.org` (where reminder links point; default the web app),
 *          `-c alarmEmail=cloud-oncall@county.gov.uk` (subscribed to the alarm topic),
 *          `-c region=eu-west-1` (default eu-west-2).
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

addDeployment(app, {
  region: app.node.tryGetContext('region') || DEFAULT_REGION,
  account: process.env.CDK_DEFAULT_ACCOUNT,
  service: {
    allowedOrigins: list('allowedOrigins'),
    webDevOrigins: list('webDevOrigins'),
    signInDomainPrefix: app.node.tryGetContext('signInDomainPrefix') || undefined,
    webAssetsPath: webDist,
    logLevel: app.node.tryGetContext('logLevel') ?? 'INFO',
    senderEmail: app.node.tryGetContext('senderEmail'),
    appBaseUrl: app.node.tryGetContext('appBaseUrl'),
    alarmEmail: app.node.tryGetContext('alarmEmail') || undefined,
  },
});
addNagChecks(app);

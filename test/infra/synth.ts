import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { addDeployment, type Deployment, type DeploymentOptions } from '../../infra/deployment';

export interface Synthesised extends Deployment {
  readonly app: App;
  /** The service stack's template (eu-west-2 unless options.region). */
  readonly template: Template;
  /** The us-east-1 stack's template (the WAF web ACL). */
  readonly edgeTemplate: Template;
  /** Deletes the stand-in web build and the cloud assembly. */
  cleanup(): void;
}

/**
 * The deployment infra/app.ts deploys (infra/deployment.ts), synthesised once per test file.
 * `bundle: false` skips esbuild (a placeholder asset per function): for checks of the templates'
 * shape only, such as cdk-nag, it saves a minute.
 */
export function synthesise(options: { bundle: boolean } & Pick<DeploymentOptions, 'region'>): Synthesised {
  // A stand-in for the Vite build (web/dist), so the tests do not need one.
  const webDist = mkdtempSync(path.join(tmpdir(), 'web-dist-'));
  writeFileSync(path.join(webDist, 'index.html'), '<!doctype html><title>app</title>');
  mkdirSync(path.join(webDist, 'assets'));
  writeFileSync(path.join(webDist, 'assets', 'index-abc123.js'), '');
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-out-'));
  const app = new App({ outdir, context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] } });
  const deployment = addDeployment(app, { region: options.region, service: { webAssetsPath: webDist } });
  // Also refuses a template with a dependency cycle (e.g. the distribution and the API).
  app.synth();
  return {
    ...deployment,
    app,
    template: Template.fromStack(deployment.service),
    edgeTemplate: Template.fromStack(deployment.edge),
    cleanup: () => {
      for (const dir of [webDist, outdir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { EdgeStack } from './constructs/edge';
import { PreventComplianceStack, type PreventComplianceStackProps } from './stack';

/** The service runs in London unless told otherwise: UK data stays in a UK region. */
export const DEFAULT_REGION = 'eu-west-2';
/** CloudFront's WAF web ACLs exist only in us-east-1. */
export const EDGE_REGION = 'us-east-1';

export interface DeploymentOptions {
  /** @default DEFAULT_REGION */
  readonly region?: string;
  /** @default the deploying credentials' account (resolved at deploy time) */
  readonly account?: string;
  /** @default 'PreventCompliance' */
  readonly stackName?: string;
  readonly service?: Omit<PreventComplianceStackProps, 'env' | 'webAclArn' | 'crossRegionReferences'>;
}

export interface Deployment {
  readonly edge: EdgeStack;
  readonly service: PreventComplianceStack;
}

/**
 * The whole deployment, as infra/app.ts deploys it and the template tests synthesise it: the
 * WAF web ACL in us-east-1 (EdgeStack) and the service in its region, which references the ACL
 * across regions (CDK carries the ARN through an SSM parameter in us-east-1).
 */
export function addDeployment(app: App, options: DeploymentOptions = {}): Deployment {
  const region = options.region ?? DEFAULT_REGION;
  const name = options.stackName ?? 'PreventCompliance';
  const edge = new EdgeStack(app, `${name}Edge`, {
    env: { account: options.account, region: EDGE_REGION },
    description: 'Prevent duty compliance records: the WAF web ACL in front of CloudFront (us-east-1 by necessity)',
    crossRegionReferences: true,
  });
  const service = new PreventComplianceStack(app, name, {
    description: 'Prevent duty compliance records: web app and API (CloudFront, WAF, S3), HTTP API, Lambda, DynamoDB, Cognito',
    ...options.service,
    env: { account: options.account, region },
    crossRegionReferences: true,
    webAclArn: edge.webAcl.attrArn,
  });
  service.addStackDependency(edge);
  return { edge, service };
}

/** The packs every synth runs (cdk synth fails on an unacknowledged finding): the report is cdk.out/validation-report.json. */
export function nagPacks(app?: App) {
  return [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
}

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(...nagPacks(app));
}

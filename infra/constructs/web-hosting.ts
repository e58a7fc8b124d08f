import { Duration, Names, Stack, Token, Validations, type CfnElement } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { APP_BASE_PATH, webSecurityHeaders, type CspOrigins, type WebConfig } from '../web-app';

export interface WebHostingProps {
  /** The Vite build (web/dist): index.html plus hashed files under assets/. */
  readonly assetsPath: string;
  /** Extra origins for the CSP. Must not reference resources that depend on the distribution (cycle). */
  readonly cspOrigins: CspOrigins;
  /** Receives the bucket's server access logs and the distribution's access logs (it must allow ACLs, as CloudFront's logging needs). */
  readonly logBucket: s3.IBucket;
  /** The WAF web ACL (CLOUDFRONT scope, from us-east-1) in front of everything the distribution serves. @default none */
  readonly webAclArn?: string;
  /** The HTTP API, served under API_PATH_PREFIX of the same distribution. @default not served */
  readonly api?: ApiOrigin;
}

export interface ApiOrigin {
  /** `<api id>.execute-api.<region>.amazonaws.com` */
  readonly domainName: string;
  /** Headers CloudFront adds to every request to the API (the origin-verify secret). */
  readonly customHeaders: Record<string, string>;
}

/** Where the distribution serves the API: same origin as the app, so no CORS and one WAF for both. */
export const API_PATH_PREFIX = '/api';

/**
 * Viewer-request rewrite of the API behaviour: `/api/x` reaches the HTTP API as `/x`, the paths of
 * the contract (functions/api.ts), so the API itself needs no prefix and the local runtime none either.
 */
export const API_PREFIX_FUNCTION = `function handler(event) {
  var request = event.request;
  request.uri = request.uri.substring(${API_PATH_PREFIX.length}) || '/';
  return request;
}`;

/** Bucket key prefix = URL path prefix, so CloudFront needs no origin path rewriting. */
const KEY_PREFIX = APP_BASE_PATH.replace(/^\//, '');

/**
 * Viewer-request routing of the single-page app: `/` goes to the app, and app paths that are
 * not files (no extension in the last segment) get index.html. Done here rather than with
 * error responses so that a real 403/404 from S3 (a missing asset) stays visible.
 */
export const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '${APP_BASE_PATH.slice(0, -1)}') {
    return { statusCode: 302, statusDescription: 'Found', headers: { location: { value: '${APP_BASE_PATH}' } } };
  }
  if (uri.indexOf('${APP_BASE_PATH}') === 0 && uri.split('/').pop().indexOf('.') === -1) {
    request.uri = '${APP_BASE_PATH}index.html';
  }
  return request;
}`;

/**
 * The web app's hosting: a private bucket served only through CloudFront (Origin Access
 * Control), with the security headers of infra/web-app.ts on every response.
 * Call `publish(config)` once the values of config.json exist.
 */
export class WebHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>`, no trailing slash: the origin CORS and Cognito allow. */
  readonly origin: string;
  /** `https://<distribution domain>/app/` */
  readonly appUrl: string;
  private readonly assetsPath: string;
  private readonly hashedAssets: s3deploy.BucketDeployment;

  constructor(scope: Construct, id: string, props: WebHostingProps) {
    super(scope, id);
    this.assetsPath = props.assetsPath;

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: props.logBucket,
      serverAccessLogsPrefix: 'web-bucket/',
    });

    const routing = new cloudfront.Function(this, 'SpaRouting', {
      comment: 'Redirects / to the app; serves index.html for app routes',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
    });

    const securityHeaders = securityHeadersPolicy(this, props.cspOrigins);
    const additionalBehaviors: Record<string, cloudfront.BehaviorOptions> = {};
    if (props.api) {
      additionalBehaviors[`${API_PATH_PREFIX}/*`] = {
        origin: new origins.HttpOrigin(props.api.domainName, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          customHeaders: props.api.customHeaders,
        }),
        // POSTs must not be redirected: HTTPS or nothing.
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Every answer is per user: nothing is cached. With caching off, the all-viewer origin request
        // policy is the way CloudFront forwards Authorization (and Origin, Content-Type, the query
        // string); Host is left out because API Gateway answers only to its own host name.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [
          {
            function: new cloudfront.Function(this, 'ApiPrefix', {
              comment: 'Strips /api before the request reaches the HTTP API',
              runtime: cloudfront.FunctionRuntime.JS_2_0,
              code: cloudfront.FunctionCode.fromInline(API_PREFIX_FUNCTION),
            }),
            eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
          },
        ],
      };
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Prevent compliance web app and API',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      webAclId: props.webAclArn,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      additionalBehaviors,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessControl: new cloudfront.S3OriginAccessControl(this, 'OriginAccess', { originAccessControlName: regionalName(this, 'OriginAccess', 64) }),
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // Honours each object's Cache-Control (set per deployment below).
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [{ function: routing, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
    });
    // The default *.cloudfront.net certificate: CloudFront fixes its TLS policy (TLSv1 minimum),
    // only a custom domain with its own certificate can raise it.
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason: 'Served on the default cloudfront.net domain, whose certificate CloudFront fixes at TLSv1; browsers negotiate TLS 1.2/1.3. A custom domain would take TLSv1.2_2021.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'No geo restriction: Prevent staff work away from the UK at times; the WAF (IP reputation, rate limit) and Cognito MFA guard access instead.',
    });
    this.origin = `https://${this.distribution.distributionDomainName}`;
    this.appUrl = `${this.origin}${APP_BASE_PATH}`;

    // Hashed file names never change content: cache for a year. Never pruned, so a page
    // loaded before a deploy can still fetch its (old) lazy chunks.
    this.hashedAssets = new s3deploy.BucketDeployment(this, 'HashedAssets', {
      sources: [s3deploy.Source.asset(this.assetsPath)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: KEY_PREFIX,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      memoryLimit: 512,
      cacheControl: [s3deploy.CacheControl.setPublic(), s3deploy.CacheControl.maxAge(Duration.days(365)), s3deploy.CacheControl.immutable()],
    });
  }

  /**
   * Deploys index.html (and the other unhashed files) with the runtime config.json, both
   * revalidated on every load, and invalidates the distribution.
   */
  publish(config: WebConfig): s3deploy.BucketDeployment {
    const shell = new s3deploy.BucketDeployment(this, 'Shell', {
      // config.json last: it wins over any placeholder of the same name in the build.
      sources: [s3deploy.Source.asset(this.assetsPath), s3deploy.Source.jsonData('config.json', config)],
      destinationBucket: this.bucket,
      destinationKeyPrefix: KEY_PREFIX,
      exclude: ['assets/*'],
      // Pruning would delete the hashed assets the other deployment wrote.
      prune: false,
      memoryLimit: 512,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: [`${APP_BASE_PATH}*`],
    });
    // The new index.html must not go live before the files it references.
    shell.node.addDependency(this.hashedAssets);
    acknowledgeBucketDeploymentHandler(Stack.of(this), this.bucket);
    return shell;
  }
}

/**
 * The findings on CDK's own BucketDeployment handler (one per stack and memory size): its code,
 * runtime and role are CDK's, and it runs only during deployments.
 */
function acknowledgeBucketDeploymentHandler(stack: Stack, bucket: s3.Bucket): void {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const bucketId = stack.getLogicalId(bucket.node.defaultChild as CfnElement);
  const findings: Record<string, string> = {
    'AwsSolutions-L1': "CDK's handler: its runtime is the one CDK ships with this aws-cdk-lib version.",
    'Serverless-LambdaLatestVersion': "CDK's handler: its runtime is the one CDK ships with this aws-cdk-lib version.",
    'Serverless-LambdaDLQ': 'Invoked synchronously by CloudFormation during a deployment; a failure fails the deployment.',
    'Serverless-LambdaTracing': 'Runs only during deployments; CloudFormation events and its log say what happened.',
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': "AWS's basic execution policy: the handler writes its own logs, nothing else.",
    'AwsSolutions-IAM5[Action::s3:GetObject*]': "CDK's grants: read the CDK asset bucket, write the web bucket, and nothing else.",
    'AwsSolutions-IAM5[Action::s3:GetBucket*]': "CDK's grants: read the CDK asset bucket, write the web bucket, and nothing else.",
    'AwsSolutions-IAM5[Action::s3:List*]': "CDK's grants: read the CDK asset bucket, write the web bucket, and nothing else.",
    'AwsSolutions-IAM5[Action::s3:DeleteObject*]': "CDK's grants: read the CDK asset bucket, write the web bucket, and nothing else.",
    'AwsSolutions-IAM5[Action::s3:Abort*]': "CDK's grants: read the CDK asset bucket, write the web bucket, and nothing else.",
    [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${region}/*]`]: "The objects of CDK's bootstrap asset bucket, where the web build is staged.",
    [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`]: 'The objects of the web bucket it deploys to.',
    'AwsSolutions-IAM5[Resource::*]': 'cloudfront:CreateInvalidation and GetInvalidation, which CDK grants on * for the invalidation after a deployment.',
  };
  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    for (const [id, reason] of Object.entries(findings)) Validations.of(child).acknowledge({ id, reason });
  }
}

/** webSecurityHeaders() as a CloudFront policy: the security headers it knows natively, the rest as custom headers. */
function securityHeadersPolicy(scope: Construct, cspOrigins: CspOrigins): cloudfront.ResponseHeadersPolicy {
  const headers = { ...webSecurityHeaders(cspOrigins) };
  const take = (name: string): string => {
    const value = headers[name];
    if (value === undefined) throw new Error(`webSecurityHeaders() has no ${name}`);
    delete headers[name];
    return value;
  };

  const hsts = take('strict-transport-security');
  const maxAge = /max-age=(\d+)/.exec(hsts);
  if (!maxAge) throw new Error(`Unparsable Strict-Transport-Security: ${hsts}`);
  const frameOption = take('x-frame-options').toUpperCase();
  if (!(frameOption in cloudfront.HeadersFrameOption)) throw new Error(`Unknown X-Frame-Options: ${frameOption}`);
  const referrer = take('referrer-policy');
  const referrerPolicy = Object.values(cloudfront.HeadersReferrerPolicy).find((p) => p === referrer);
  if (!referrerPolicy) throw new Error(`Unknown Referrer-Policy: ${referrer}`);
  if (take('x-content-type-options') !== 'nosniff') throw new Error('X-Content-Type-Options must be nosniff');

  const securityHeadersBehavior: cloudfront.ResponseSecurityHeadersBehavior = {
    contentSecurityPolicy: { contentSecurityPolicy: take('content-security-policy'), override: true },
    strictTransportSecurity: {
      accessControlMaxAge: Duration.seconds(Number(maxAge[1])),
      includeSubdomains: /includeSubDomains/i.test(hsts),
      preload: /preload/i.test(hsts),
      override: true,
    },
    contentTypeOptions: { override: true },
    frameOptions: { frameOption: cloudfront.HeadersFrameOption[frameOption as keyof typeof cloudfront.HeadersFrameOption], override: true },
    referrerPolicy: { referrerPolicy, override: true },
  };
  // Whatever CloudFront has no native setting for (Permissions-Policy).
  const customHeaders = Object.entries(headers).map(([header, value]) => ({ header, value, override: true }));

  return new cloudfront.ResponseHeadersPolicy(scope, 'SecurityHeaders', {
    responseHeadersPolicyName: regionalName(scope, 'SecurityHeaders', 128),
    comment: 'Prevent compliance web app: security headers of infra/web-app.ts',
    securityHeadersBehavior,
    customHeadersBehavior: customHeaders.length ? { customHeaders } : undefined,
  });
}

/**
 * CloudFront names are unique per account, not per region: the region in the name lets the
 * same stack be deployed to two regions of one account.
 */
function regionalName(scope: Construct, id: string, maxLength: number): string {
  // 16: a hyphen and a region name (at most 15 characters).
  const base = Names.uniqueResourceName(scope, { maxLength: maxLength - id.length - 16 });
  return `${base}${id}-${Stack.of(scope).region}`;
}

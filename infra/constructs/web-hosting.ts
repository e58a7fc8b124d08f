import { Duration, Names, Stack } from 'aws-cdk-lib';
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
}

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
    });

    const routing = new cloudfront.Function(this, 'SpaRouting', {
      comment: 'Redirects / to the app; serves index.html for app routes',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Prevent compliance web app',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
          originAccessControl: new cloudfront.S3OriginAccessControl(this, 'OriginAccess', { originAccessControlName: regionalName(this, 'OriginAccess', 64) }),
        }),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // Honours each object's Cache-Control (set per deployment below).
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeadersPolicy(this, props.cspOrigins),
        functionAssociations: [{ function: routing, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
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
    return shell;
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

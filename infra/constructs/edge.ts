import { Stack, type StackProps } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/**
 * Requests one IP address may make in 5 minutes before the web ACL blocks it for a while. A
 * council's or a police force's staff usually share one NAT address: 50 people at work at once,
 * each opening ~4 pages a minute of ~5 API calls, make 1,000 requests a minute, 5,000 in 5
 * minutes. Twice that leaves room for a busy morning and still stops a flood or a password spray.
 */
export const RATE_LIMIT_PER_5_MINUTES = 10_000;

/** The AWS managed rule groups the web ACL runs, in order. */
export const MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;

/**
 * The WAF web ACL in front of the CloudFront distribution (web app and API alike). A web ACL for
 * CloudFront must live in us-east-1, whatever region the service runs in: hence a stack of its
 * own, which the service stack references across regions (infra/deployment.ts).
 */
export class EdgeStack extends Stack {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });
    const managed = (name: (typeof MANAGED_RULE_GROUPS)[number], priority: number, ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[]): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'Prevent compliance: managed rule groups and a per-IP rate limit in front of the web app and the API',
      visibilityConfig: visibility('PreventComplianceWebAcl'),
      rules: [
        managed('AWSManagedRulesAmazonIpReputationList', 0),
        // SizeRestrictions_BODY blocks bodies over 8 KB: statements, SOP evidence and the synchronous
        // import post more than that. Counted instead of blocked; API Gateway's 10 MB limit and the
        // handlers' schemas bound bodies.
        managed('AWSManagedRulesCommonRuleSet', 1, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 2),
        {
          // Per source IP, sized for a whole office behind one address (RATE_LIMIT_PER_5_MINUTES).
          name: 'RateLimitPerIp',
          priority: 3,
          action: { block: {} },
          statement: { rateBasedStatement: { limit: RATE_LIMIT_PER_5_MINUTES, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
      ],
    });
  }
}

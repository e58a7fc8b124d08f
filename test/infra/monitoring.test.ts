import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { Monitoring } from '../../infra/constructs/monitoring';

/** The alarm email is a deploy parameter (`-c alarmEmail=...`): subscribed when given, nothing otherwise. */
describe('alarm topic subscription', () => {
  const topicTemplate = (alarmEmail?: string) => {
    const stack = new Stack(new App(), 'Probe');
    new Monitoring(stack, 'Monitoring', { alarmEmail, topicKey: new kms.Key(stack, 'Key') });
    return Template.fromStack(stack);
  };

  it('subscribes the alarm email when one is given', () => {
    const subscriptions = Object.values(topicTemplate('cloud-oncall@county.gov.uk').findResources('AWS::SNS::Subscription')) as { Properties: any }[];
    expect(subscriptions).toHaveLength(1);
    expect(subscriptions[0].Properties).toMatchObject({ Protocol: 'email', Endpoint: 'cloud-oncall@county.gov.uk' });
  });

  it('subscribes nobody without one', () => {
    expect(Object.keys(topicTemplate().findResources('AWS::SNS::Subscription'))).toEqual([]);
  });
});

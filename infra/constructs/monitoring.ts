import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Share of API requests answered 5xx, over 5 minutes, that raises the alarm (percent). */
export const API_5XX_RATE_PERCENT = 5;
/** Age of the oldest stream record not yet summarised that raises the alarm. */
export const ITERATOR_AGE_ALARM = Duration.minutes(15);

export interface MonitoringProps {
  /** Where alarms are emailed (the subscription must be confirmed from the email). @default no subscription */
  readonly alarmEmail?: string;
  /** Encrypts the topic. CloudWatch must be allowed to use it (the stack's key policy does that). */
  readonly topicKey: kms.IKey;
}

/**
 * CloudWatch alarms, all sent to one SNS topic that the council's on-call address subscribes to.
 * Every alarm fires on the first occurrence: for a service of this size one error is worth a look,
 * and the thresholds are the constants above, where a test can read them.
 */
export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  private readonly action: actions.SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Prevent compliance alarms',
      masterKey: props.topicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    this.action = new actions.SnsAction(this.topic);
  }

  private alarm(id: string, description: string, props: Omit<cloudwatch.AlarmProps, 'alarmDescription'>): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      // No data means no requests or no failures: fine.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
    });
    alarm.addAlarmAction(this.action);
    // The recovery is worth knowing too (the incident can be closed).
    alarm.addOkAction(this.action);
    return alarm;
  }

  /** 5xx answers as a share of all requests, so a quiet night's single error and a busy day's compare. */
  watchApi(api: apigw.HttpApi): void {
    const period = Duration.minutes(5);
    const rate = new cloudwatch.MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { errors: api.metricServerError({ period, statistic: 'Sum' }), requests: api.metricCount({ period, statistic: 'Sum' }) },
      period,
      label: 'API 5xx rate (%)',
    });
    this.alarm('Api5xxRate', `More than ${API_5XX_RATE_PERCENT}% of API requests answered 5xx over 5 minutes`, {
      metric: rate,
      threshold: API_5XX_RATE_PERCENT,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /** Any error or throttle of the function. */
  watchFunction(name: string, fn: lambda.IFunction): void {
    const period = Duration.minutes(5);
    this.alarm(`${name}Errors`, `${name}: a function error (see its log group)`, {
      metric: fn.metricErrors({ period, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
    this.alarm(`${name}Throttles`, `${name}: invocations throttled (concurrency limit reached)`, {
      metric: fn.metricThrottles({ period, statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /** A dead-letter queue holding anything means work that was given up on: someone must look. */
  watchDeadLetters(name: string, queue: sqs.IQueue): void {
    this.alarm(`${name}Depth`, `${name}: messages waiting in a dead-letter queue (work given up after retries)`, {
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /** The stream consumer falling behind: report summaries are going stale. */
  watchIteratorAge(name: string, fn: lambda.IFunction): void {
    this.alarm(`${name}IteratorAge`, `${name}: the oldest unprocessed stream record is older than ${ITERATOR_AGE_ALARM.toMinutes()} minutes`, {
      metric: fn.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: ITERATOR_AGE_ALARM.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });
  }

  /** The schedule could not start the reminder job (its own errors are watchFunction's). */
  watchSchedule(name: string, rule: events.Rule): void {
    this.alarm(`${name}FailedInvocations`, `${name}: EventBridge could not invoke the job`, {
      metric: new cloudwatch.Metric({ namespace: 'AWS/Events', metricName: 'FailedInvocations', dimensionsMap: { RuleName: rule.ruleName }, period: Duration.hours(1), statistic: 'Sum' }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
    });
  }
}

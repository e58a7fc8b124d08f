import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type middy from '@middy/core';
import { SERVICE_NAME } from './service';

/**
 * Business events as CloudWatch metrics (embedded metric format in the function's log, so no
 * API call and no extra latency): what the steering group and the service's owners watch.
 * Dimension: the service only — never a partnership, an authority or a person, which would be
 * personal or commercial data in a shared metrics namespace (and unbounded cardinality).
 */
export const METRICS_NAMESPACE = 'PreventCompliance';

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });

/** The events counted; one place, so dashboards and alarms name the same things. */
export const BUSINESS_METRICS = {
  statementSubmitted: 'StatementsSubmitted',
  statementAccepted: 'StatementsAccepted',
  statementReturned: 'StatementsReturned',
  rowsImported: 'RowsImported',
  rowsRejected: 'RowsRejected',
  importsFailed: 'ImportsFailed',
  remindersSent: 'RemindersSent',
  remindersFailed: 'RemindersFailed',
  summaryRecomputations: 'SummaryRecomputations',
  summaryFailures: 'SummaryRecomputationFailures',
} as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[keyof typeof BUSINESS_METRICS];

export function count(metric: BusinessMetric, value = 1): void {
  if (value > 0) metrics.addMetric(metric, MetricUnit.Count, value);
}

/**
 * Publishes what the invocation counted, after it and after a failure alike. Unlike
 * Powertools' `logMetrics`, an invocation that counted nothing writes nothing (most requests
 * are reads: no empty-metrics warning in every log).
 */
export function publishMetrics(): middy.MiddlewareObj {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}

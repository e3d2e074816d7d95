import type * as events from 'aws-cdk-lib/aws-events';

/** The CDK form of a pattern in EventBridge's JSON form (as `lib/detection` builds it). */
export function cdkEventPattern(pattern: {
  readonly source: readonly string[];
  readonly 'detail-type': readonly string[];
  readonly detail: object;
}): events.EventPattern {
  return { source: [...pattern.source], detailType: [...pattern['detail-type']], detail: { ...pattern.detail } };
}

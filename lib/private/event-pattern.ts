import type * as events from 'aws-cdk-lib/aws-events';

/** The CDK form of a pattern in EventBridge's JSON form (as `lib/detection` builds it). */
export function cdkEventPattern(pattern: {
  readonly source: readonly unknown[];
  readonly 'detail-type': readonly string[];
  readonly detail: object;
}): events.EventPattern {
  // `source` may hold an operator (`{ prefix: 'aws.' }` for an unverified source): CDK passes the
  // values through as they are, so the template holds the pattern exactly as built.
  return {
    source: [...pattern.source] as string[],
    detailType: [...pattern['detail-type']],
    detail: { ...pattern.detail },
  };
}

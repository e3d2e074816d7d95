/**
 * The compliance-pack findings on the organisation hunt that it does not fix, acknowledged where
 * they arise with the reason a reviewer needs (the packs as in lib/detector/compliance.ts; cdk-nag's
 * AwsSolutions findings are acknowledged here too, with the resource they apply to).
 */
import { CfnResource, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

import {
  cfnGuardFindingId as guard,
  cfnLintRuleId as cfnLint,
  checkovCheckId as checkov,
  nagFindingIds as nag,
  suppressInTemplate,
} from '../private/compliance-packs';

export interface HuntComplianceAcknowledgment {
  /** Where it applies, for the README. */
  readonly resource: 'hunt results bucket' | 'hunt state machine' | 'hunt state machine role' | 'hunt starter policy';
  readonly ids: readonly string[];
  readonly reason: string;
}

export const HUNT_COMPLIANCE_ACKNOWLEDGMENTS: readonly HuntComplianceAcknowledgment[] = [
  {
    resource: 'hunt results bucket',
    ids: [
      'AwsSolutions-S1',
      ...nag('S3BucketLoggingEnabled'),
      guard('s3_bucket_logging_enabled_check'),
      checkov('CKV_AWS_18'),
    ],
    reason:
      "Only the hunt's Athena queries write to the bucket, and only the detector's alert function reads it, both through the enforced workgroup; Athena's query history records every query. The results expire after resultsExpiration (7 days by default).",
  },
  {
    resource: 'hunt results bucket',
    ids: nag('S3BucketReplicationEnabled'),
    reason:
      'The bucket holds query results derived from the organisation trail, which expire within days; running the hunt again recreates them, so a replica would protect nothing that is not already in the trail bucket.',
  },
  {
    resource: 'hunt results bucket',
    ids: [guard('s3_event_notifications_enabled_check'), guard('s3_bucket_object_lock_enabled_check')],
    reason:
      "Nothing consumes events of this bucket (the hunt reads results through Athena's GetQueryResults), and the results are meant to expire: Object Lock would keep derived copies of trail records longer than the hunt needs them.",
  },
  {
    resource: 'hunt state machine',
    ids: [cfnLint('W3005')],
    reason:
      "aws-cdk-lib's StateMachine declares DependsOn on its role and the role's default policy, so that the policy exists before the first execution; the reference to the role already orders one of them, which cfn-lint reports as redundant. It changes nothing in the deployment.",
  },
  {
    resource: 'hunt state machine role',
    ids: nag('IAMNoInlinePolicy'),
    reason:
      "The inline policy aws-cdk-lib's StateMachine writes for its own role: invoke the detector's alert function, deliver its own log to CloudWatch Logs, write X-Ray traces. It lives and dies with the role.",
  },
  {
    resource: 'hunt starter policy',
    ids: nag('IAMNoInlinePolicy'),
    reason:
      "The inline policy aws-cdk-lib's AwsCustomResource writes for its provider: states:StartExecution on the hunt's state machine only, once, when the stack is created. It lives and dies with the provider's role.",
  },
];

/** The constructs of the hunt the acknowledgments attach to. */
export interface HuntComplianceScope {
  readonly resultsBucket: IConstruct;
  readonly stateMachine: IConstruct;
  readonly stateMachineRole: IConstruct;
  readonly starter?: IConstruct;
}

/** Acknowledges {@link HUNT_COMPLIANCE_ACKNOWLEDGMENTS} on the hunt's constructs. */
export function acknowledgeHuntFindings(scope: HuntComplianceScope): void {
  const targets: Record<HuntComplianceAcknowledgment['resource'], IConstruct | undefined> = {
    'hunt results bucket': scope.resultsBucket,
    'hunt state machine': scope.stateMachine,
    'hunt state machine role': scope.stateMachineRole,
    'hunt starter policy': scope.starter?.node.tryFindChild('CustomResourcePolicy'),
  };
  for (const ack of HUNT_COMPLIANCE_ACKNOWLEDGMENTS) {
    const target = targets[ack.resource];
    if (!target) continue;
    const packs = ack.ids.filter((id) => suppressInTemplate(id) === undefined);
    if (packs.length > 0) Validations.of(target).acknowledge(...packs.map((id) => ({ id, reason: ack.reason })));
    for (const id of ack.ids.filter((i) => suppressInTemplate(i) !== undefined)) {
      const resource = target instanceof CfnResource ? target : target.node.defaultChild;
      if (!(resource instanceof CfnResource)) throw new Error(`no CloudFormation resource at ${target.node.path}`);
      suppressInTemplate(id)!(resource, ack.reason);
    }
  }
}

/**
 * The sweeps that back up EventBridge's best-effort delivery: the hourly reconciliation schedule and
 * the one-time backfill at stack creation. Both invoke the alert function, which reads CloudTrail
 * event history and puts each watched call through its own pipeline and idempotency, so nothing is
 * alerted twice.
 */
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct, IConstruct } from 'constructs';

import { reconcileLookbackMinutes, sweepRequestPayload, type DetectorNames } from '../detection';

/** The construct id aws-cdk-lib gives AwsCustomResource's singleton provider function. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

export interface SweepsProps {
  readonly names: DetectorNames;
  readonly alertFunction: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  /** How often to reconcile; undefined for never. */
  readonly reconciliation?: Duration;
  /** How many days the backfill reads back; 0 for no backfill. */
  readonly backfillDays: number;
  /** Check the trail the detector relies on every hour. */
  readonly healthCheck: boolean;
}

export interface Sweeps {
  readonly reconciliationRule?: events.Rule;
  readonly healthCheckRule?: events.Rule;
  /** The backfill's custom resource, and its provider function (at the stack's root). */
  readonly backfill?: cr.AwsCustomResource;
  readonly backfillProvider?: IConstruct;
}

/** Creates the reconciliation schedule and the backfill in `scope` (the detector). */
export function createSweeps(scope: Construct, props: SweepsProps): Sweeps {
  const { names, alertFunction } = props;
  let reconciliationRule: events.Rule | undefined;
  if (props.reconciliation) {
    const every = props.reconciliation;
    reconciliationRule = new events.Rule(scope, 'ReconciliationSchedule', {
      ruleName: names.reconcileRule,
      description: 'Sweeps CloudTrail for watched Bedrock calls EventBridge did not deliver',
      schedule: events.Schedule.rate(every),
      targets: [
        new targets.LambdaFunction(alertFunction, {
          event: events.RuleTargetInput.fromObject(
            sweepRequestPayload({ kind: 'reconcile', lookbackMinutes: reconcileLookbackMinutes(every.toMinutes()) }),
          ),
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
  }
  const healthCheckRule = props.healthCheck
    ? new events.Rule(scope, 'HealthCheckSchedule', {
        ruleName: names.healthRule,
        description:
          'Checks hourly that the trail the Bedrock supply-chain detector relies on still logs write management events in every region',
        schedule: events.Schedule.rate(Duration.hours(1)),
        targets: [
          new targets.LambdaFunction(alertFunction, {
            event: events.RuleTargetInput.fromObject(sweepRequestPayload({ kind: 'health', lookbackMinutes: 60 })),
            deadLetterQueue: props.deadLetterQueue,
            retryAttempts: 2,
            maxEventAge: Duration.hours(1),
          }),
        ],
      })
    : undefined;
  if (props.backfillDays <= 0) return { reconciliationRule, healthCheckRule };

  // Invoked once, asynchronously, when the stack is created: the deploy does not wait for the sweep.
  const backfill = new cr.AwsCustomResource(scope, 'Backfill', {
    resourceType: 'Custom::BedrockSupplyChainBackfill',
    onCreate: {
      service: 'Lambda',
      action: 'invoke',
      parameters: {
        FunctionName: alertFunction.functionName,
        InvocationType: 'Event',
        Payload: JSON.stringify(
          sweepRequestPayload({ kind: 'backfill', lookbackMinutes: props.backfillDays * 24 * 60 }),
        ),
      },
      physicalResourceId: cr.PhysicalResourceId.of(names.backfill),
    },
    policy: cr.AwsCustomResourcePolicy.fromStatements([
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [alertFunction.functionArn] }),
    ]),
    installLatestAwsSdk: false,
  });
  // Failures of the first invocation must reach the dead-letter queue: its on-failure destination
  // must exist first. (The function itself, its role and that role's policy are already ordered by
  // the reference to the function.)
  const invokeConfig = alertFunction.node.tryFindChild('EventInvokeConfig');
  if (invokeConfig) backfill.node.addDependency(invokeConfig);
  // AwsCustomResource's shared provider function lives at the stack's root.
  const backfillProvider = Stack.of(scope).node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  if (backfillProvider) {
    Validations.of(backfillProvider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "aws-cdk-lib's AwsCustomResource provider (invokes the backfill once, at stack creation): the AWS managed basic execution policy only lets it write its own logs.",
    });
  }
  return { reconciliationRule, healthCheckRule, backfill, backfillProvider };
}

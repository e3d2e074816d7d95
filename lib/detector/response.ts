/**
 * What the detector does after an alert: the lifecycle follow-up (a Step Functions state machine
 * that waits between the function's `Get*` checks) and contain mode (the Security Hub custom action
 * "Contain this model", its rule, and the function's containment permissions). Every permission is
 * scoped to this account's Bedrock resources of the kind it acts on; each wildcard that remains is
 * acknowledged with its reason.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';

import {
  CONTAIN_ACTION_NAME,
  CUSTOM_ACTION_DETAIL_TYPE,
  FOLLOW_UP_REQUEST_KEY,
  QUARANTINE_POLICY_STATEMENT,
  followUpMinutes,
  quarantinePolicyName,
  type AlertFunctionConfig,
  type DetectorNames,
} from '../detection';

import { DETECTOR_DEFAULTS, type SupplyChainDetectorProps } from './props';

/** The custom action's id (at most 20 letters and digits), one per detector prefix. */
export function containActionId(prefix: string): string {
  let h = 0;
  for (const c of prefix) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  return `Contain${h.toString(36).toUpperCase()}`.slice(0, 20);
}

/** The follow-up state machine: wait, check, and again until the check says it ended. */
export function createFollowUp(
  scope: Construct,
  parts: {
    readonly names: DetectorNames;
    readonly alertFunction: lambda.IFunction;
    readonly deadLetterQueue: sqs.IQueue;
    readonly encryptionKey: kms.IKey;
    readonly logRetention: logs.RetentionDays;
    readonly maxMinutes: number;
  },
): sfn.StateMachine {
  const { names } = parts;
  const stack = Stack.of(scope);
  const wait = new sfn.Wait(scope, 'FollowUpWait', { time: sfn.WaitTime.secondsPath('$.waitSeconds') });
  const check = new tasks.LambdaInvoke(scope, 'FollowUpCheck', {
    lambdaFunction: parts.alertFunction,
    payload: sfn.TaskInput.fromObject({ [FOLLOW_UP_REQUEST_KEY]: { 'eventId.$': '$.eventId' } }),
    payloadResponseOnly: true,
    retryOnServiceExceptions: true,
  });
  // A check that fails (a Get* that keeps throttling, the table down) is tried again after 1, 2 and
  // 4 minutes, then dead-lettered with the error and the event id: lost follow-ups are visible.
  check.addRetry({ errors: ['States.ALL'], interval: Duration.minutes(1), maxAttempts: 3, backoffRate: 2 });
  const deadLetter = new tasks.SqsSendMessage(scope, 'FollowUpDeadLetter', {
    queue: parts.deadLetterQueue,
    messageBody: sfn.TaskInput.fromObject({
      source: 'lifecycle-follow-up',
      'eventId.$': '$.eventId',
      'execution.$': '$$.Execution.Id',
      'error.$': '$.failure.Error',
      'cause.$': '$.failure.Cause',
    }),
  });
  check.addCatch(
    deadLetter.next(
      new sfn.Fail(scope, 'FollowUpFailed', { error: 'FollowUpFailed', cause: 'See the dead-letter queue' }),
    ),
    { resultPath: '$.failure' },
  );
  const done = new sfn.Choice(scope, 'FollowUpEnded')
    .when(sfn.Condition.booleanEquals('$.done', true), new sfn.Succeed(scope, 'FollowUpDone'))
    .otherwise(wait);
  const logGroup = new logs.LogGroup(scope, 'FollowUpLogs', {
    logGroupName: `/aws/vendedlogs/states/${names.followUp}`,
    retention: parts.logRetention,
    encryptionKey: parts.encryptionKey,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const role = new iam.Role(scope, 'FollowUpRole', {
    // `<prefix>-alert-*`: a name the guardrails protect (only deployers may create, change or pass it).
    roleName: `${names.rolePrefix}-follow-up-${stack.region}`,
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
  });
  const machine = new sfn.StateMachine(scope, 'FollowUpStateMachine', {
    stateMachineName: names.followUp,
    definitionBody: sfn.DefinitionBody.fromChainable(wait.next(check).next(done)),
    timeout: Duration.minutes(parts.maxMinutes + 60),
    tracingEnabled: true,
    logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    role,
  });
  Validations.of(role).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Written by the Step Functions construct: X-Ray trace segments and CloudWatch Logs log delivery support no resource-level permissions.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::<${stackLogicalId(scope, parts.alertFunction)}.Arn>:*]`,
      reason: "Written by LambdaInvoke: the alert function's versions and aliases (the function only).",
    },
    {
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason: 'Granted by queue.grantSendMessages on the detector key alone; SQS needs it to encrypt dead letters.',
    },
    {
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason: 'Granted by queue.grantSendMessages on the detector key alone.',
    },
  );
  return machine;
}

/** The logical id of a function in its stack (for the acknowledgment of `<fn>.Arn:*`). */
function stackLogicalId(scope: Construct, fn: lambda.IFunction): string {
  const child = fn.node.defaultChild;
  return child ? Stack.of(scope).getLogicalId(child as never) : fn.node.id;
}

/** The function's permissions for the follow-up and containment, and the acknowledgments of their wildcards. */
export function grantResponse(
  fn: lambda.IFunction,
  role: iam.IRole,
  config: AlertFunctionConfig,
  names: DetectorNames,
): void {
  const stack = Stack.of(fn);
  const acknowledgements: { id: string; reason: string }[] = [];
  const partition = Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const bedrock = (resource: string) => ({
    arn: `arn:${stack.partition}:bedrock:*:${stack.account}:${resource}`,
    nag: `arn:${partition}:bedrock:*:${account}:${resource}`,
  });
  const statement = (
    sid: string,
    actions: string[],
    resources: string[],
    reason: string,
    conditions?: Record<string, unknown>,
  ) => {
    const arns = resources.map(bedrock);
    fn.addToRolePolicy(new iam.PolicyStatement({ sid, actions, resources: arns.map((a) => a.arn), conditions }));
    for (const a of arns)
      if (a.nag.includes('*')) acknowledgements.push({ id: `AwsSolutions-IAM5[Resource::${a.nag}]`, reason });
  };
  const anyRegion =
    'Any region of this account (a call forwarded from another region is followed there), this one resource type only.';
  if (config.followUp) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'StartFollowUp',
        actions: ['states:StartExecution'],
        // By name: a reference would make the function and the state machine depend on each other.
        resources: [
          stack.formatArn({
            service: 'states',
            resource: 'stateMachine',
            resourceName: names.followUp,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    const reads: [string, string][] = [
      ['GetModelImportJob', 'model-import-job/*'],
      ['GetModelCopyJob', 'model-copy-job/*'],
      ['GetModelCustomizationJob', 'model-customization-job/*'],
      ['GetCustomModel', 'custom-model/*'],
      ['GetCustomModelDeployment', 'custom-model-deployment/*'],
      ['GetProvisionedModelThroughput', 'provisioned-model/*'],
      ['GetMarketplaceModelEndpoint', 'marketplace/model-endpoint/all-access'],
    ];
    for (const [action, resource] of reads) {
      statement(`FollowUp${action.slice(3)}`, [`bedrock:${action}`], [resource], `Read-only ${action}: ${anyRegion}`);
    }
  }
  const containment = config.mode === 'contain' ? config.containment : null;
  if (containment) {
    const used = new Set(Object.values(containment.actions).flat());
    const models = ['imported-model/*', 'custom-model/*', 'custom-model-deployment/*', 'provisioned-model/*'];
    if (used.has('quarantine-model')) {
      statement(
        'QuarantineReadTags',
        ['bedrock:ListTagsForResource'],
        models,
        `Quarantine reads the tags first. ${anyRegion}`,
      );
      statement(
        'QuarantineTag',
        ['bedrock:TagResource'],
        models,
        `Quarantine adds only the quarantine tag (aws:TagKeys). ${anyRegion}`,
        {
          'ForAllValues:StringEquals': { 'aws:TagKeys': [containment.quarantineTagKey] },
          Null: { 'aws:TagKeys': 'false' },
        },
      );
      statement(
        'QuarantineUntag',
        ['bedrock:UntagResource'],
        models,
        `Quarantine removes only the approval tag (aws:TagKeys). ${anyRegion}`,
        {
          'ForAllValues:StringEqualsIgnoreCase': { 'aws:TagKeys': [containment.approvalTagKey] },
          Null: { 'aws:TagKeys': 'false' },
        },
      );
    }
    if (used.has('delete-deployment')) {
      statement(
        'ContainDeleteDeployment',
        ['bedrock:DeleteCustomModelDeployment'],
        ['custom-model-deployment/*'],
        `Deletes a deployment an alert named. ${anyRegion}`,
      );
    }
    if (used.has('delete-endpoint')) {
      statement(
        'ContainMarketplaceEndpoint',
        ['bedrock:DeleteMarketplaceModelEndpoint', 'bedrock:DeregisterMarketplaceModelEndpoint'],
        ['marketplace/model-endpoint/all-access'],
        `Marketplace endpoints have one resource per account and region. ${anyRegion}`,
      );
    }
    if (used.has('stop-job')) {
      statement(
        'ContainStopJob',
        ['bedrock:StopModelCustomizationJob'],
        ['model-customization-job/*'],
        `Stops a job an alert named. ${anyRegion}`,
      );
    }
    if (used.has('quarantine-principal')) {
      // The one policy the function may attach: deny everything. Attaching a deny grants nothing,
      // so a compromised function cannot raise anyone's rights with it.
      const quarantine = new iam.ManagedPolicy(fn, 'QuarantinePolicy', {
        managedPolicyName: quarantinePolicyName(names.prefix, stack.region),
        description:
          'Attached by the Bedrock supply-chain detector (contain mode) to a principal it quarantines: every action denied. Detach to undo.',
        statements: [iam.PolicyStatement.fromJson(QUARANTINE_POLICY_STATEMENT)],
      });
      const iamArn = (resource: string) => `arn:${stack.partition}:iam::${stack.account}:${resource}`;
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'QuarantinePrincipal',
          actions: ['iam:AttachRolePolicy', 'iam:AttachUserPolicy'],
          resources: [iamArn('role/*'), iamArn('user/*')],
          conditions: { ArnEquals: { 'iam:PolicyARN': quarantine.managedPolicyArn } },
        }),
      );
      // Never its own roles, nor any of the detector's, service-linked or Identity Center roles.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'NeverQuarantineTheDetector',
          effect: iam.Effect.DENY,
          actions: ['iam:AttachRolePolicy', 'iam:AttachUserPolicy'],
          resources: [
            iamArn(`role/${names.prefix}-*`),
            iamArn('role/aws-service-role/*'),
            iamArn('role/aws-reserved/*'),
          ],
        }),
      );
      for (const r of ['role/*', 'user/*']) {
        acknowledgements.push({
          id: `AwsSolutions-IAM5[Resource::arn:${partition}:iam::${account}:${r}]`,
          reason:
            "Principal quarantine (opted in) attaches the detector's deny-everything policy (iam:PolicyARN condition: that policy only) to the role or user that made the alerted call, which cannot be named in advance; the detector's own, service-linked and Identity Center roles are denied.",
        });
      }
    }
    if (config.outputs.securityHub) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'NoteOnFindings',
          actions: ['securityhub:BatchUpdateFindings'],
          resources: [stack.formatArn({ service: 'securityhub', resource: 'hub', resourceName: 'default' })],
        }),
      );
    }
  }
  const deletesEndpoints =
    containment !== null && Object.values(containment.actions).flat().includes('delete-endpoint');
  if (deletesEndpoints || config.followUp) {
    // Bedrock reads and deletes a marketplace endpoint's SageMaker endpoint with the caller's
    // credentials (as AmazonBedrockMarketplaceAccess grants): only through Bedrock, only here.
    const sagemaker = `arn:${stack.partition}:sagemaker:*:${stack.account}:endpoint/*`;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'MarketplaceEndpointsThroughBedrock',
        actions: [
          'sagemaker:DescribeEndpoint',
          'sagemaker:DescribeEndpointConfig',
          'sagemaker:ListTags',
          ...(deletesEndpoints ? ['sagemaker:DeleteEndpoint', 'sagemaker:DeleteTags'] : []),
        ],
        resources: [sagemaker, `arn:${stack.partition}:sagemaker:*:${stack.account}:endpoint-config/*`],
        conditions: { StringEquals: { 'aws:CalledViaLast': 'bedrock.amazonaws.com' } },
      }),
    );
    for (const r of ['endpoint/*', 'endpoint-config/*']) {
      acknowledgements.push({
        id: `AwsSolutions-IAM5[Resource::arn:${partition}:sagemaker:*:${account}:${r}]`,
        reason:
          "Only through Bedrock (aws:CalledViaLast): the SageMaker calls Bedrock makes with the function's credentials to read or delete a marketplace endpoint an alert named.",
      });
    }
  }
  const byId = new Map<string, string[]>();
  for (const a of acknowledgements) byId.set(a.id, [...(byId.get(a.id) ?? []), a.reason]);
  if (byId.size) {
    Validations.of(role).acknowledge(
      ...[...byId].map(([id, reasons]) => ({ id, reason: [...new Set(reasons)].join(' ') })),
    );
  }
}

/** The custom action "Contain this model" and the rule that brings its events to the function. */
export function createContainAction(
  scope: Construct,
  parts: {
    readonly names: DetectorNames;
    readonly alertFunction: lambda.IFunction;
    readonly deadLetterQueue: sqs.IQueue;
    readonly retryAttempts: number;
    readonly maxEventAge: Duration;
  },
): { actionTarget: securityhub.CfnActionTarget; rule: events.Rule } {
  const actionTarget = new securityhub.CfnActionTarget(scope, 'ContainAction', {
    id: containActionId(parts.names.prefix),
    name: CONTAIN_ACTION_NAME,
    description: `Contain the model, deployment or endpoint of a ${parts.names.prefix} finding (contain mode; the detector checks its own plan and safety rules).`,
  });
  const rule = new events.Rule(scope, 'ContainRule', {
    ruleName: parts.names.containRule,
    description: 'Routes the Security Hub custom action "Contain this model" to the alert function',
    eventPattern: {
      source: ['aws.securityhub'],
      detailType: [CUSTOM_ACTION_DETAIL_TYPE],
      resources: [actionTarget.attrActionTargetArn],
    },
    targets: [
      new targets.LambdaFunction(parts.alertFunction, {
        deadLetterQueue: parts.deadLetterQueue,
        retryAttempts: parts.retryAttempts,
        maxEventAge: parts.maxEventAge,
      }),
    ],
  });
  return { actionTarget, rule };
}

/** The follow-up and contain mode for a detector, as its configuration says. */
export function createResponse(
  scope: Construct,
  props: SupplyChainDetectorProps,
  parts: {
    readonly names: DetectorNames;
    readonly config: AlertFunctionConfig;
    readonly alertFunction: { readonly function: lambda.IFunction; readonly role: iam.IRole };
    readonly deadLetterQueue: sqs.IQueue;
    readonly encryptionKey: kms.IKey;
  },
): { followUpStateMachine?: sfn.StateMachine; containRule?: events.Rule } {
  const { names, config } = parts;
  const fn = parts.alertFunction.function;
  grantResponse(fn, parts.alertFunction.role, config, names);
  const followUpStateMachine = config.followUp
    ? createFollowUp(scope, {
        names,
        alertFunction: fn,
        deadLetterQueue: parts.deadLetterQueue,
        encryptionKey: parts.encryptionKey,
        logRetention: props.logRetention ?? DETECTOR_DEFAULTS.logRetention,
        maxMinutes: Math.max(...followUpMinutes(config)),
      })
    : undefined;
  const containRule = config.containment?.customAction
    ? createContainAction(scope, {
        names,
        alertFunction: fn,
        deadLetterQueue: parts.deadLetterQueue,
        retryAttempts: props.ruleRetryAttempts ?? DETECTOR_DEFAULTS.ruleRetryAttempts,
        maxEventAge: props.ruleMaxEventAge ?? DETECTOR_DEFAULTS.ruleMaxEventAge,
      }).rule
    : undefined;
  return { followUpStateMachine, containRule };
}

import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

import {
  DETECTOR_ALARMS,
  METRIC_NAMESPACE,
  SERVICE_NAME,
  alarmName,
  detectorNames,
  type DetectorAlarm,
} from '../detection';

/** Props of `DetectorMonitoring`. */
export interface DetectorMonitoringProps {
  /** The detector's name prefix: the alarms and the dashboard are named under it. */
  readonly namePrefix: string;
  /** The alerting function, whose errors, throttles and metrics are watched. */
  readonly alertFunction: lambda.IFunction;
  /** The dead-letter queue, alarmed on its first message. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Rules whose failed invocations are alarmed (the detection, tamper and reconciliation rules). */
  readonly rules: events.IRule[];
  /** Where alarms are sent. */
  readonly alarmTopic: sns.ITopic;
  /**
   * The lifecycle follow-up state machine, whose failed, timed-out or aborted executions are alarmed.
   * @default - no follow-up alarm
   */
  readonly followUpStateMachine?: sfn.IStateMachine;
}

/**
 * The detector watching itself: an alarm for each way it can stop alerting, sent to the alert topic,
 * and a dashboard. Each alarm fires on the first occurrence in a 5-minute period and treats missing
 * data as fine (no events is the normal state).
 */
export class DetectorMonitoring extends Construct {
  /** By what they watch: `functionErrors`, `functionThrottles`, `deadLetters`, `ruleFailures`, `sweepFailures`, `deliveryFailures`. */
  readonly alarms: { [name: string]: cloudwatch.Alarm };
  /** The dashboard of the detector's metrics and alarms. */
  readonly dashboard: cloudwatch.Dashboard;
  /** The dashboard's name as given: `<prefix>-<region>` (dashboard names are global to the account). */
  readonly dashboardName: string;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props what the alarms watch
   */
  constructor(scope: Construct, id: string, props: DetectorMonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const own = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period,
      });
    const ruleFailures = new cloudwatch.MathExpression({
      expression: props.rules.map((_, i) => `r${i}`).join(' + ') || '0',
      usingMetrics: Object.fromEntries(
        props.rules.map((rule, i) => [
          `r${i}`,
          new cloudwatch.Metric({
            namespace: 'AWS/Events',
            metricName: 'FailedInvocations',
            dimensionsMap: { RuleName: rule.ruleName },
            statistic: 'Sum',
            period,
          }),
        ]),
      ),
      label: 'Failed rule invocations',
      period,
    });
    const deliveryFailures = new cloudwatch.MathExpression({
      expression: 'sns + chat + hub + soar',
      usingMetrics: {
        sns: own('DeliveryFailed_sns'),
        chat: own('DeliveryFailed_chat'),
        hub: own('DeliveryFailed_securityHub'),
        soar: own('DeliveryFailed_soar'),
      },
      label: 'Deliveries that failed after retries',
      period,
    });
    const machine = props.followUpStateMachine;
    const followUpFailures = machine
      ? new cloudwatch.MathExpression({
          expression: 'failed + timedOut + aborted + notStarted',
          usingMetrics: {
            notStarted: own('FollowUpsNotStarted'),
            failed: machine.metricFailed({ period, statistic: 'Sum' }),
            timedOut: machine.metricTimedOut({ period, statistic: 'Sum' }),
            aborted: machine.metricAborted({ period, statistic: 'Sum' }),
          },
          label: 'Follow-ups that failed',
          period,
        })
      : undefined;
    const watch: Partial<Record<DetectorAlarm, { metric: cloudwatch.IMetric; description: string }>> = {
      functionErrors: {
        metric: props.alertFunction.metricErrors({ period, statistic: 'Sum' }),
        description:
          'The alert function failed: an event could not be processed or delivered. Lambda retries it twice, then puts it in the dead-letter queue with the error. Read the function log (ERROR lines) and the queue.',
      },
      functionThrottles: {
        metric: props.alertFunction.metricThrottles({ period, statistic: 'Sum' }),
        description:
          'The alert function was throttled (account concurrency or its reserved concurrency). Lambda retries throttled asynchronous events for up to 6 hours; raise the concurrency if this persists.',
      },
      deadLetters: {
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        description:
          'Events are waiting in the dead-letter queue: alerts that were never delivered. Read each message (its attributes carry the error), fix the cause, and redrive or triage them by hand.',
      },
      ruleFailures: {
        metric: ruleFailures,
        description:
          "EventBridge could not invoke the alert function for a rule's event. It retries for 24 hours and then dead-letters it. Check the function's resource policy and whether it was deleted or disabled.",
      },
      sweepFailures: {
        metric: own('SweepFailures'),
        description:
          'A backfill or reconciliation sweep could not read CloudTrail or deliver everything; its log line and the dead-letter message name what was missed. Until it succeeds, events EventBridge dropped may be unalerted.',
      },
      deliveryFailures: {
        metric: deliveryFailures,
        description:
          'A destination (SNS, chat, Security Hub or SOAR bus) refused an alert after the SDK retries. The metric name in the log says which; the other destinations still delivered.',
      },
      ...(followUpFailures
        ? {
            followUpFailures: {
              metric: followUpFailures,
              description:
                'A lifecycle follow-up (or the containment it runs) failed after 3 retries, or could not be started after its alert (the table was down): its update was not sent. The dead-letter queue holds the event id, the error and the cause; check the job or resource by hand (README, "Runbook").',
            },
          }
        : {}),
    };
    const alarms = {} as Partial<Record<DetectorAlarm, cloudwatch.Alarm>>;
    for (const name of DETECTOR_ALARMS) {
      if (!watch[name]) continue;
      const { metric, description } = watch[name];
      const alarm = new cloudwatch.Alarm(this, `${name[0].toUpperCase()}${name.slice(1)}Alarm`, {
        alarmName: alarmName(props.namePrefix, name),
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      alarm.addOkAction(new actions.SnsAction(props.alarmTopic));
      alarms[name] = alarm;
    }
    this.alarms = alarms;

    // Dashboard names are global to the account: the region keeps two regions' detectors apart.
    this.dashboardName = `${detectorNames(props.namePrefix).dashboardPrefix}-${Stack.of(this).region}`;
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: this.dashboardName,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Alerts',
            left: [own('AlertsPublished'), own('AlertsNotNotified'), own('EventsIgnored'), own('AlertsFailed')],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Deliveries',
            left: [own('Delivered'), deliveryFailures, own('IdempotencyStoreErrors')],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Checks and sweeps',
            left: [
              own('Provenance_verified'),
              own('Provenance_not-owned'),
              own('Provenance_unverifiable'),
              own('EnrichmentUnavailable'),
              own('SweepEventsFound'),
              own('SweepFailures'),
            ],
            width: 12,
          }),
          new cloudwatch.AlarmStatusWidget({
            title: 'Alarms',
            alarms: Object.values(alarms).filter((a): a is cloudwatch.Alarm => a !== undefined),
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Function',
            left: [
              props.alertFunction.metricInvocations({ period }),
              props.alertFunction.metricErrors({ period }),
              props.alertFunction.metricThrottles({ period }),
            ],
            right: [props.alertFunction.metricDuration({ period, statistic: 'p99' })],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Dead letters and rule failures',
            left: [props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period }), ruleFailures],
            width: 12,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Lifecycle follow-ups',
            left: [
              own('FollowUpsStarted'),
              own('FollowUpChecks_pending'),
              own('AlertUpdates_live'),
              own('AlertUpdates_failed'),
              own('AlertUpdates_gone'),
              own('AlertUpdates_still-running'),
            ],
            right: followUpFailures ? [followUpFailures] : [],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Containment',
            left: [
              own('Containments'),
              own('ContainmentSteps_done'),
              own('ContainmentSteps_already'),
              own('ContainmentsDryRun'),
              own('ContainmentsHeld'),
              own('ContainmentsRateLimited'),
              own('ContainmentsRefused'),
            ],
            right: [own('ContainmentStepsFailed')],
            width: 12,
          }),
        ],
      ],
    });
  }
}

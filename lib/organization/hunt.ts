import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

import { HUNT_REQUEST_KEY } from '../detection';
import { logGroupKeyStatement } from '../detector/key';

import { acknowledgeHuntFindings } from './hunt-compliance';
import { ORGANIZATION_HUNT_DEFAULTS, type OrganizationHuntProps } from './hunt-props';
import { TrailLogLayout, huntTable } from './hunt-table';
import { validateHuntProps } from './hunt-validate';

/**
 * The organisation hunt: "did this already happen to us?" asked of every account's history in the
 * organisation trail's bucket. Glue tables over the trail's log files with partition projection
 * (account, region, day; one table per layout), an Athena workgroup whose encrypted result location
 * and bytes-scanned limit are enforced, and a state machine that runs the hunt query (generated
 * from the detector's watched calls) and hands every row to the detector's alert function, which
 * judges and delivers it like a live event, keyed by its CloudTrail event id: a hunt never alerts
 * twice for one event, nor re-alerts what the live path already sent. It runs once when the stack is
 * created (the last 90 days), then on demand:
 *
 *   aws stepfunctions start-execution --state-machine-arn <HuntStateMachineArn> \
 *     --input '{"fromDay":"2026/01/01","toDay":"2026/03/31","accounts":["111122223333"]}'
 */
export class OrganizationHunt extends Construct {
  /** The Glue database of the hunt's tables. */
  readonly databaseName: string;
  /** The tables, one per layout (`database.table`). */
  readonly tableNames: string[];
  /** The Athena workgroup the hunt's queries run in. */
  readonly workGroupName: string;
  /** Where query results are written (encrypted with `resultsKey`, expired). */
  readonly resultsBucket: s3.Bucket;
  /** The key of the results and the state machine's log. */
  readonly resultsKey: kms.Key;
  /** Runs a hunt: start an execution with `{}` (the last 90 days) or a range. */
  readonly stateMachine: sfn.StateMachine;
  /** Alarms when a hunt execution fails (a failed or cancelled query, rows not delivered). */
  readonly failedAlarm: cloudwatch.Alarm;

  /**
   * @param scope the construct this one is created in (the detector's stack)
   * @param id this construct's id
   * @param props the trail bucket, the organisation, its accounts and regions
   */
  constructor(scope: Construct, id: string, props: OrganizationHuntProps) {
    super(scope, id);
    const layouts = validateHuntProps(props, ORGANIZATION_HUNT_DEFAULTS.initialHuntDays);
    const detector = props.detector;
    const prefix = detector.names.prefix;
    const snake = prefix.replace(/-/g, '_');
    const stack = Stack.of(this);

    // --- Glue: one table per layout ----------------------------------------------------------------
    this.databaseName = `${snake}_hunt`;
    const database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'The organisation trail, for the Bedrock supply-chain hunt',
      },
    });
    const tables = layouts.map((layout) => {
      const table = huntTable(this, `${layout === TrailLogLayout.ORGANIZATION ? 'Organization' : 'Account'}Table`, {
        databaseName: this.databaseName,
        tableName: `${layout}_trail`,
        bucket: props.trailBucket,
        keyPrefix: props.s3KeyPrefix ?? '',
        layout,
        organizationId: props.organizationId,
        accounts: props.accounts,
        regions: props.regions,
      });
      table.node.addDependency(database);
      return table;
    });
    this.tableNames = layouts.map((l) => `${this.databaseName}.${l}_trail`);

    // --- Results: a KMS key, an SSL-only bucket whose results expire -------------------------------
    this.resultsKey = new kms.Key(this, 'ResultsKey', {
      description: 'Encrypts the Bedrock supply-chain hunt query results and its state machine log',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Grants only for AWS services acting on AWS resources (Control Tower CT.KMS.PR.3), as the detector key.
    this.resultsKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyGrantsExceptForAwsServices',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
    // CloudWatch Logs encrypts the state machine's log group with it, and only that log group.
    this.resultsKey.addToResourcePolicy(
      logGroupKeyStatement(stack, 'HuntLogGroup', `/aws/vendedlogs/states/${prefix}-hunt`),
    );
    this.resultsBucket = new s3.Bucket(this, 'Results', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.resultsKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        {
          expiration: props.resultsExpiration ?? ORGANIZATION_HUNT_DEFAULTS.resultsExpiration,
          noncurrentVersionExpiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // --- The workgroup: its result settings and limit override any client's ----------------------
    this.workGroupName = `${prefix}-hunt`;
    const workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Bedrock supply-chain hunt over the organisation trail',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery:
          props.bytesScannedCutoffPerQuery ?? ORGANIZATION_HUNT_DEFAULTS.bytesScannedCutoffPerQuery,
        publishCloudWatchMetricsEnabled: true,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: this.resultsBucket.s3UrlForObject('results/'),
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.resultsKey.keyArn },
          expectedBucketOwner: stack.account,
        },
      },
    });
    const workGroupArn = stack.formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workGroupName,
    });

    // --- What the alert function may do for a hunt ---------------------------------------------------
    const fn = detector.alertFunction;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HuntQueries',
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ],
        resources: [workGroupArn],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HuntTables',
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartition', 'glue:GetPartitions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
          ...layouts.map((l) =>
            stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${l}_trail` }),
          ),
        ],
      }),
    );
    const logsPrefix = `${props.s3KeyPrefix ? `${props.s3KeyPrefix}/` : ''}AWSLogs/`;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HuntTrailLogs',
        actions: ['s3:GetObject'],
        resources: [props.trailBucket.arnForObjects(`${logsPrefix}*`)],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HuntTrailListing',
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [props.trailBucket.bucketArn],
      }),
    );
    props.trailKey?.grantDecrypt(fn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HuntResults',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [this.resultsBucket.arnForObjects('results/*')],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HuntResultsKey',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.resultsKey.keyArn],
      }),
    );
    // Athena checks the bucket's location and lists the results prefix as the caller.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'HuntResultsBucket',
        actions: ['s3:GetBucketLocation', 's3:ListBucket'],
        resources: [this.resultsBucket.bucketArn],
      }),
    );

    // --- The runner: start, wait, check, read pages, until done -----------------------------------
    const step = new tasks.LambdaInvoke(this, 'HuntStep', {
      lambdaFunction: fn,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    step.addRetry({
      errors: ['HuntThrottledError'],
      interval: Duration.seconds(30),
      backoffRate: 2,
      maxAttempts: 6,
      jitterStrategy: sfn.JitterType.FULL,
    });
    // IAM is eventually consistent: right after a deployment the function's new hunt grants may not
    // be in effect yet (Athena's AccessDeniedException); a few retries cover it.
    step.addRetry({
      errors: ['AccessDeniedException'],
      interval: Duration.seconds(20),
      backoffRate: 2,
      maxAttempts: 3,
    });
    const wait = new sfn.Wait(this, 'WaitForQuery', { time: sfn.WaitTime.duration(Duration.seconds(15)) });
    const done = new sfn.Succeed(this, 'HuntDone', { outputPath: `$.${HUNT_REQUEST_KEY}.tally` });
    const loop = new sfn.Choice(this, 'Phase')
      .when(sfn.Condition.stringEquals(`$.${HUNT_REQUEST_KEY}.phase`, 'done'), done)
      .when(sfn.Condition.stringEquals(`$.${HUNT_REQUEST_KEY}.phase`, 'wait'), wait.next(step))
      .otherwise(step);
    // The execution input ({} or a range), with the construct's settings over it (an input cannot
    // choose another workgroup or table).
    const input = new sfn.Pass(this, 'Input', { parameters: { 'input.$': '$' } });
    const settings = new sfn.Pass(this, 'Settings', {
      result: sfn.Result.fromObject({ workGroup: this.workGroupName, tables: this.tableNames }),
      resultPath: '$.settings',
    });
    const request = new sfn.Pass(this, 'Request', {
      parameters: { [`${HUNT_REQUEST_KEY}.$`]: 'States.JsonMerge($.input, $.settings, false)' },
    });
    const logGroup = new logs.LogGroup(this, 'Log', {
      logGroupName: `/aws/vendedlogs/states/${prefix}-hunt`,
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.resultsKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: `${prefix}-hunt`,
      definitionBody: sfn.DefinitionBody.fromChainable(input.next(settings).next(request).next(step).next(loop)),
      timeout: Duration.days(1),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    this.stateMachine.node.addDependency(workGroup, ...tables);

    this.failedAlarm = new cloudwatch.Alarm(this, 'FailedAlarm', {
      alarmName: `${prefix}-hunt-failed`,
      alarmDescription:
        "A hunt execution failed: its query failed or was cancelled (the error says why, e.g. the workgroup's bytes-scanned limit), or rows could not be judged or delivered. Start it again: what was already sent is not sent twice.",
      metric: new cloudwatch.MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: this.stateMachine.metricFailed(),
          timedOut: this.stateMachine.metricTimedOut(),
          aborted: this.stateMachine.metricAborted(),
        },
        period: Duration.minutes(5),
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.failedAlarm.addAlarmAction(new actions.SnsAction(detector.alertTopic));

    // --- The first hunt, when the stack is created -------------------------------------------------
    let starter: cr.AwsCustomResource | undefined;
    if (props.huntOnCreate ?? ORGANIZATION_HUNT_DEFAULTS.huntOnCreate) {
      starter = new cr.AwsCustomResource(this, 'FirstHunt', {
        resourceType: 'Custom::BedrockSupplyChainHunt',
        onCreate: {
          service: 'SFN',
          action: 'startExecution',
          parameters: {
            stateMachineArn: this.stateMachine.stateMachineArn,
            input: JSON.stringify({ days: props.initialHuntDays ?? ORGANIZATION_HUNT_DEFAULTS.initialHuntDays }),
          },
          physicalResourceId: cr.PhysicalResourceId.of(`${prefix}-first-hunt`),
        },
        policy: cr.AwsCustomResourcePolicy.fromStatements([
          new iam.PolicyStatement({
            actions: ['states:StartExecution'],
            resources: [this.stateMachine.stateMachineArn],
          }),
        ]),
        installLatestAwsSdk: false,
      });
      // The first hunt's steps need the alert function's hunt grants in place.
      const grants = fn.role?.node.tryFindChild('DefaultPolicy');
      if (grants) starter.node.addDependency(grants);
    }
    acknowledgeHuntFindings({
      resultsBucket: this.resultsBucket,
      stateMachine: this.stateMachine,
      stateMachineRole: this.stateMachine.role,
      starter,
    });
    if (fn.role) {
      Validations.of(fn.role).acknowledge(
        {
          id: `AwsSolutions-IAM5[Resource::${nagArn(this, props.trailBucket.bucketArn)}/${logsPrefix}*]`,
          reason:
            "The hunt's Athena queries read the trail's log files as the alert function: every object under the trail's AWSLogs/ prefix, and nothing else in the bucket.",
        },
        {
          id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.resultsBucket.node.defaultChild as s3.CfnBucket)}.Arn>/results/*]`,
          reason:
            "Athena writes and reads the hunt's query results as the alert function: objects under results/ of the hunt's own results bucket.",
        },
      );
    }
    Validations.of(this.stateMachine.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason:
          "aws-cdk-lib's LambdaInvoke grants invoking the alert function's versions and aliases as well as the function; the state machine invokes the function only.",
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray trace writes and CloudWatch Logs log delivery (CreateLogDelivery and its kin) take no resource: the state machine writes its own traces and delivers its own log.',
      },
    );
  }
}

/** An ARN as cdk-nag prints it in a finding id: a token's reference as `<Logical.Attr>`, a plain ARN as it is. */
function nagArn(scope: Construct, arn: string): string {
  const show = (v: unknown): string => {
    if (typeof v === 'string') return v;
    const o = v as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
    if (o.Ref !== undefined) return `<${o.Ref}>`;
    if (o['Fn::GetAtt']) return `<${o['Fn::GetAtt'][0]}.${o['Fn::GetAtt'][1]}>`;
    if (o['Fn::Join']) return o['Fn::Join'][1].map(show).join(o['Fn::Join'][0]);
    return JSON.stringify(v);
  };
  return show(Stack.of(scope).resolve(arn));
}

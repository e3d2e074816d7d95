import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';

import {
  SupplyChainDetector,
  DetectorTrail,
  type SupplyChainDetectorProps,
  DetectionProfile,
  DetectorMode,
  Severity,
} from '../../lib';
import {
  buildEventPattern,
  EVENT_PATTERN_MAX_CHARS,
  detectorNames,
  resolveWatchedCalls,
  buildEventPatterns,
} from '../../lib/contracts';
import { DEFAULT_ALERT_FUNCTION_CONFIG, buildTamperPatterns, parseAlertFunctionConfig } from '../../lib/detection';
import { THIRD_PARTY_LICENSES_FILE, bundledPackages } from '../../lib/detector/function-code';
import { CDK_JSON_CONTEXT, testStack } from '../support/app';
import { matchesPattern } from '../support/event-pattern';
import { MANIFEST, envelope, record } from '../support/fixtures';

function synth(props: SupplyChainDetectorProps = {}) {
  const { stack } = testStack({ env: true });
  const detector = new SupplyChainDetector(stack, 'Detector', props);
  return { stack, detector, template: Template.fromStack(stack) };
}

describe('SupplyChainDetector with defaults', () => {
  const { template, detector } = synth();

  test("the rule's pattern is exactly what lib/detection builds", () => {
    const rules = template.findResources('AWS::Events::Rule');
    expect(Object.keys(rules).map((id) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual([
      'DetectorRule',
      'DetectorTamperRule',
      'DetectorTamperRule2',
      'DetectorGlobalTamperRule',
      'DetectorReconciliationSchedule',
      'DetectorHealthCheckSchedule',
    ]);
    const rule = Object.entries(rules).find(([id]) => id.startsWith('DetectorRule'))![1];
    expect(rule.Properties.EventPattern).toEqual(buildEventPattern(resolveWatchedCalls()));
    expect(detector.eventPattern).toEqual(rule.Properties.EventPattern);
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.EventBusName).toBeUndefined();
  });

  test('the synthesized pattern decides every fixture the way the manifest (and classify) does', () => {
    const rule = Object.entries(template.findResources('AWS::Events::Rule')).find(([id]) =>
      id.startsWith('DetectorRule'),
    )![1];
    for (const entry of MANIFEST) {
      expect([entry.file, matchesPattern(rule.Properties.EventPattern, envelope(record(entry.file)))]).toEqual([
        entry.file,
        entry.default,
      ]);
    }
  });

  test('the rule target retries, then dead-letters into the KMS-encrypted queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorAlertFunction'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorDeadLetterQueue'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
        },
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorKey'), 'Arn'] },
      MessageRetentionPeriod: 1209600,
    });
    // EventBridge may write to the queue only for this rule.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: {
              ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorRule'), 'Arn'] } },
            },
          }),
        ]),
      },
    });
  });

  test('the function is pinned (Node 24, arm64), logs to a retained, encrypted group and dead-letters its failures', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 600,
      LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^DetectorAlertFunctionLogs') } },
      Environment: {
        Variables: {
          ALERT_TOPIC_ARN: { Ref: Match.stringLikeRegexp('^DetectorAlertTopic') },
          DETECTOR_CONFIG: Match.anyValue(),
        },
      },
    });
    // Defaults of the construct are the defaults the function assumes (pinned in config.test.ts).
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    // Besides, the construct tells the function the trail it relies on (by name: no tokens in the
    // configuration) and that every other enabled region is swept (its own region is added at run time).
    expect(parseAlertFunctionConfig(fn.Properties.Environment.Variables.DETECTOR_CONFIG)).toEqual({
      ...DEFAULT_ALERT_FUNCTION_CONFIG,
      trail: { kind: 'create', name: 'bedrock-supply-chain-trail' },
      watchedRegions: [],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorDeadLetterQueue'), 'Arn'] } },
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorKey'), 'Arn'] },
    });
  });

  test('the alert topic is KMS-encrypted and the function may publish to it', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorKey'), 'Arn'] },
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sns:Publish', Resource: { Ref: Match.stringLikeRegexp('^DetectorAlertTopic') } }),
        ]),
      },
    });
  });

  test('the trail is multi-region, logs management events, validates files and is KMS-encrypted', () => {
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DetectorKey'), 'Arn'] },
      TrailName: 'bedrock-supply-chain-trail',
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            ExpirationInDays: 365,
            NoncurrentVersionExpiration: { NoncurrentDays: 30 },
            Status: 'Enabled',
          }),
        ],
      },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  test('only this trail may write to the bucket (aws:SourceArn), and only over TLS', () => {
    const trailArn = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/bedrock-supply-chain-trail';
    const [policy] = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    const statements: Record<string, unknown>[] = policy.Properties.PolicyDocument.Statement;
    const cloudTrail = statements.filter((s) => JSON.stringify(s.Principal).includes('cloudtrail.amazonaws.com'));
    expect(
      cloudTrail.map((s) => [
        s.Action,
        (s.Condition as { StringEquals: Record<string, string> }).StringEquals['aws:SourceArn'],
      ]),
    ).toEqual([
      ['s3:GetBucketAcl', trailArn],
      ['s3:PutObject', trailArn],
    ]);
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    );
    template.hasResource('AWS::CloudTrail::Trail', {
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^DetectorTrailBucketPolicy')]),
    });
  });

  test('the key lets CloudTrail (this trail), EventBridge (rules of this account) and CloudWatch Logs use it', () => {
    const [key] = Object.values(template.findResources('AWS::KMS::Key'));
    expect(key.Properties.EnableKeyRotation).toBe(true);
    const bySid = Object.fromEntries((key.Properties.KeyPolicy.Statement as { Sid?: string }[]).map((s) => [s.Sid, s]));
    expect(bySid.AllowCloudTrailEncryptLogs).toMatchObject({
      Action: 'kms:GenerateDataKey*',
      Condition: {
        StringEquals: {
          'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:123456789012:trail/bedrock-supply-chain-trail',
        },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:123456789012:trail/*' },
      },
    });
    expect(bySid.AllowEventBridgeDeadLetters).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '123456789012' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:events:us-east-1:123456789012:rule/*' },
      },
    });
    expect(bySid.AllowCloudWatchLogs).toMatchObject({
      Principal: { Service: 'logs.us-east-1.amazonaws.com' },
      Condition: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:us-east-1:123456789012:log-group:*' },
      },
    });
  });

  test('public members expose what users wire together', () => {
    expect(detector.trail).toBeInstanceOf(cloudtrail.Trail);
    expect(detector.trailSource.kind).toBe('create');
    expect(detector.watchedEventNames).toHaveLength(7);
    expect(detector.rules).toEqual([detector.rule]);
    expect(detector.healthCheckRule?.node.id).toBe('HealthCheckSchedule');
    expect(detector.rule.node.id).toBe('Rule');
    expect(detector.alertFunction.node.id).toBe('AlertFunction');
    expect(detector.deadLetterQueue.node.id).toBe('DeadLetterQueue');
    expect(detector.node.tryFindChild('AlertTopic')).toBe(detector.alertTopic);
  });
});

describe('SupplyChainDetector tamper alerts', () => {
  test('the tamper rules carry the patterns lib/detection builds, and deliver to the same function and queue', () => {
    const { template } = synth();
    const rules = template.findResources('AWS::Events::Rule');
    const byName = Object.fromEntries(Object.values(rules).map((r) => [r.Properties.Name, r.Properties]));
    const names = detectorNames();
    expect(Object.keys(byName).sort()).toEqual([
      'bedrock-supply-chain-global-tamper-rule',
      'bedrock-supply-chain-health',
      'bedrock-supply-chain-reconcile',
      'bedrock-supply-chain-rule',
      'bedrock-supply-chain-tamper-rule',
      'bedrock-supply-chain-tamper-rule-2',
    ]);
    expect([
      byName['bedrock-supply-chain-tamper-rule'].EventPattern,
      byName['bedrock-supply-chain-tamper-rule-2'].EventPattern,
    ]).toEqual(buildTamperPatterns(names, 'regional'));
    expect([byName['bedrock-supply-chain-global-tamper-rule'].EventPattern]).toEqual(
      buildTamperPatterns(names, 'us-east-1'),
    );
    for (const name of Object.keys(byName)) {
      expect(byName[name].Targets).toEqual([
        expect.objectContaining({
          Arn: { 'Fn::GetAtt': [expect.stringMatching(/^DetectorAlertFunction/), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^DetectorDeadLetterQueue/), 'Arn'] } },
        }),
      ]);
    }
  });

  test('with another prefix, the extended profile and guardrail SCP ids, every rule carries what lib/detection builds', () => {
    // The configuration test/detection/classify.properties.test.ts checks the classifiers against.
    const options = {
      namePrefix: 'bmsc-fuzz',
      profile: DetectionProfile.EXTENDED,
      additionalEventNames: ['CreateModelCustomizationJob'],
    };
    const { template } = synth({ ...options, guardrailPolicyIds: ['p-abcd1234'] });
    const names = detectorNames(options.namePrefix);
    const byName = Object.fromEntries(
      Object.values(template.findResources('AWS::Events::Rule')).map((r) => [r.Properties.Name, r.Properties]),
    );
    expect(byName[names.rule].EventPattern).toEqual(buildEventPattern(resolveWatchedCalls(options)));
    expect([byName[names.tamperRule].EventPattern, byName[`${names.tamperRule}-2`].EventPattern]).toEqual(
      buildTamperPatterns(names, 'regional'),
    );
    expect([byName[names.globalTamperRule].EventPattern]).toEqual(
      buildTamperPatterns(names, 'us-east-1', ['p-abcd1234']),
    );
  });

  test('resources carry the names the guardrails and tamper patterns expect', () => {
    const { template } = synth({ namePrefix: 'secops-bedrock' });
    template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'secops-bedrock-alert' });
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'secops-bedrock-dead-letters' });
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'secops-bedrock-alerts' });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/secops-bedrock-alert' });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/secops-bedrock' });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'secops-bedrock-alert-us-east-1' });
    template.hasResourceProperties('AWS::S3::Bucket', { BucketName: 'secops-bedrock-trail-123456789012-us-east-1' });
    template.hasResourceProperties('AWS::CloudTrail::Trail', { TrailName: 'secops-bedrock-trail' });
  });

  test('outside us-east-1 there is no global tamper rule, and a note says why', () => {
    const app = new App({ context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'West', { env: { account: '123456789012', region: 'us-west-2' } });
    const detector = new SupplyChainDetector(stack, 'Detector');
    expect(detector.globalTamperRules).toEqual([]);
    expect(detector.tamperRules.length).toBe(2);
    Annotations.fromStack(stack).hasInfo('/West/Detector', Match.stringLikeRegexp('only by a detector in us-east-1'));
  });

  test.each([
    ['defaults', {}],
    [
      'extended profile with caller names',
      { profile: DetectionProfile.EXTENDED, additionalEventNames: ['CreateModelCustomizationJob'] },
    ],
    [
      'a long name prefix and guardrail policy ids',
      { namePrefix: 'x'.repeat(24), guardrailPolicyIds: ['p-abcd1234', 'p-efgh5678'] },
    ],
  ])(`%s: every synthesized pattern fits EventBridge's ${EVENT_PATTERN_MAX_CHARS}-character quota`, (_what, props) => {
    const { template } = synth(props);
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    for (const r of rules.filter((r) => r.Properties.EventPattern))
      expect(JSON.stringify(r.Properties.EventPattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
  });

  test('tamperAlerts false: only the detection rule', () => {
    const { template } = synth({ tamperAlerts: false, reconciliation: false, healthCheck: false });
    template.resourceCountIs('AWS::Events::Rule', 1);
  });
});

describe('SupplyChainDetector bundling', () => {
  test('in a checkout the handler is bundled at synth by the local esbuild, and the asset is that bundle', () => {
    const { app, stack } = testStack({ bundle: true });
    new SupplyChainDetector(stack, 'Detector');
    const assembly = app.synth();
    const [fn] = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'));
    const key: string = fn.Properties.Code.S3Key;
    const hash = key.replace(/\.zip$/, '');
    const bundle = fs.readFileSync(path.join(assembly.directory, `asset.${hash}`, 'index.js'), 'utf8');
    // Powertools (logger, metrics) is bundled; the SDK is the runtime's.
    expect(bundle.length).toBeLessThan(256 * 1024);
    expect(bundle).toContain('function createHandler(');
    expect(bundle).toMatch(/require\("@aws-sdk\/client-sns"\)/);
    // No absolute paths of this machine: the asset hash must not depend on where the checkout is.
    expect(bundle).not.toContain(path.resolve(__dirname, '..', '..'));
    // The licences of what is bundled travel with it: one section per package the bundle holds.
    const notice = fs.readFileSync(path.join(assembly.directory, `asset.${hash}`, THIRD_PARTY_LICENSES_FILE), 'utf8');
    const sections = [...notice.matchAll(/^(@?[a-z0-9/.-]+)@(\d+\.\d+\.\d+) \(([^)]+)\)$/gm)].map((m) => m[1]);
    expect(sections).toEqual([
      '@aws-lambda-powertools/commons',
      '@aws-lambda-powertools/logger',
      '@aws-lambda-powertools/metrics',
      '@aws/lambda-invoke-store',
    ]);
    expect(notice).toContain('MIT No Attribution');
    expect(notice).toContain('Apache License');
    for (const name of sections) expect(bundle.length > 0 && notice.includes(name)).toBe(true);
  });

  test('a bundled package without a licence text stops the build, naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'licence-'));
    fs.mkdirSync(path.join(dir, 'node_modules', 'unlicensed'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'node_modules', 'unlicensed', 'package.json'),
      JSON.stringify({ name: 'unlicensed', version: '1.0.0', license: 'BSD-3-Clause' }),
    );
    expect(() => bundledPackages(['node_modules/unlicensed/index.js'], dir)).toThrow(
      'The bundled package unlicensed (licence BSD-3-Clause) ships no licence file',
    );
    fs.writeFileSync(path.join(dir, 'node_modules', 'unlicensed', 'LICENSE'), 'BSD text');
    expect(bundledPackages(['node_modules/unlicensed/index.js', 'lambda/alert/index.ts'], dir)).toEqual([
      { name: 'unlicensed', version: '1.0.0', license: 'BSD-3-Clause', texts: ['BSD text'] },
    ]);
  });
});

describe('SupplyChainDetector options', () => {
  test('extended profile, extra names, severity and risk reach both the pattern and the function', () => {
    const { template } = synth({
      profile: DetectionProfile.EXTENDED,
      additionalEventNames: ['CreateModelCustomizationJob'],
      severity: Severity.HIGH,
      riskScore: 80,
    });
    const patterns = buildEventPatterns(
      resolveWatchedCalls({ profile: 'extended', additionalEventNames: ['CreateModelCustomizationJob'] }),
    );
    expect(patterns).toHaveLength(1);
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: patterns[0] });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          DETECTOR_CONFIG: JSON.stringify({
            profile: 'extended',
            namePrefix: 'bedrock-supply-chain',
            guardrailPolicyIds: [],
            additionalEventNames: ['CreateModelCustomizationJob'],
            sourceProfiles: [],
            additionalEvents: [],
            trail: { kind: 'create', name: 'bedrock-supply-chain-trail' },
            watchedRegions: [],
            signals: { probing: false, probeThreshold: 3, createThenDelete: false },
            severity: 'HIGH',
            riskScore: 80,
            approvals: {},
            verdictSeverities: {},
            mode: 'alert',
            notifyApproved: false,
            provenanceCheck: true,
            enrichment: { windowMinutes: 60, maxPages: 2, firstSeen: true },
            checkTimeoutMs: 2000,
            outputs: { securityHub: false },
            idempotencyDays: 100,
            followUp: {},
            containment: null,
          }),
        },
      },
    });
  });

  test('approvals, verdict severities, mode and notifyApproved reach the function', () => {
    const approvals = { principalArns: ['arn:aws:iam::*:role/mlops-*'], s3Locations: ['s3://acme-models/approved/'] };
    const { template } = synth({
      approvals,
      mode: DetectorMode.OBSERVE,
      notifyApproved: true,
      verdictSeverities: { approved: { severity: Severity.LOW, riskScore: 10 } },
    });
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(JSON.parse(fn.Properties.Environment.Variables.DETECTOR_CONFIG)).toMatchObject({
      approvals,
      mode: DetectorMode.OBSERVE,
      notifyApproved: true,
      verdictSeverities: { approved: { severity: Severity.LOW, riskScore: 10 } },
    });
  });

  test('e-mail subscriptions come from props', () => {
    const { template } = synth({ alertEmails: ['secops@example.com', 'ml-platform@example.com'] });
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'secops@example.com' });
  });

  test('an existing topic is used, not a new one', () => {
    const { stack } = testStack({ env: true });
    const topic = sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:us-east-1:123456789012:secops');
    const detector = new SupplyChainDetector(stack, 'Detector', {
      alertTopic: topic,
      alertEmails: ['a@example.com'],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(detector.alertTopic).toBe(topic);
    template.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: 'arn:aws:sns:us-east-1:123456789012:secops' });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'sns:Publish', Resource: 'arn:aws:sns:us-east-1:123456789012:secops' }),
        ]),
      },
    });
  });

  test.each([
    [
      'an organisation trail',
      DetectorTrail.organizationTrail('arn:aws:cloudtrail:us-east-1:999999999999:trail/org'),
      'organization',
      'arn:aws:cloudtrail:us-east-1:999999999999:trail/org',
    ],
    [
      'an existing trail',
      DetectorTrail.existing('arn:aws:cloudtrail:us-east-1:123456789012:trail/main'),
      'existing',
      'arn:aws:cloudtrail:us-east-1:123456789012:trail/main',
    ],
  ])('with %s no trail or bucket is created', (_what, trail, kind, arn) => {
    const { template, detector } = synth({ trail });
    template.resourceCountIs('AWS::CloudTrail::Trail', 0);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    expect(detector.trailSource.kind).toBe(kind);
    expect(detector.trailArn).toBe(arn);
    expect(detector.trail).toBeUndefined();
  });

  test('a trail defined elsewhere in the app is used as it is', () => {
    const { stack } = testStack({ env: true });
    const trail = new cloudtrail.Trail(stack, 'MainTrail');
    const detector = new SupplyChainDetector(stack, 'Detector', { trail: DetectorTrail.fromTrail(trail) });
    Template.fromStack(stack).resourceCountIs('AWS::CloudTrail::Trail', 1);
    expect(detector.trail).toBe(trail);
    expect(detector.trailArn).toBe(trail.trailArn);
  });

  test('trail options: name, read/write selection, retention, access logs bucket', () => {
    const { template } = synth({
      trail: DetectorTrail.create({
        trailName: 'bedrock-supply-chain',
        managementEvents: cloudtrail.ReadWriteType.WRITE_ONLY,
        logRetention: Duration.days(2555),
      }),
    });
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'bedrock-supply-chain',
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'WriteOnly' }],
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 2555 })] },
    });
  });

  test('a custom bus and an existing key', () => {
    const { stack } = testStack({ env: true });
    const bus = new events.EventBus(stack, 'Bus');
    const key = kms.Key.fromKeyArn(
      stack,
      'Key',
      'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    );
    const detector = new SupplyChainDetector(stack, 'Detector', { eventBus: bus, encryptionKey: key });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: { Ref: Match.stringLikeRegexp('^Bus') } });
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    });
    expect(detector.encryptionKey).toBe(key);
  });

  test('retry settings', () => {
    const { template } = synth({
      ruleRetryAttempts: 10,
      ruleMaxEventAge: Duration.hours(2),
      functionRetryAttempts: 0,
      functionMaxEventAge: Duration.minutes(30),
      deadLetterRetention: Duration.days(4),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 1800,
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 345600 });
  });

  test('tokens are accepted where values resolve at deploy (e-mail, risk score)', () => {
    const { stack } = testStack();
    const email = new CfnParameter(stack, 'Email').valueAsString;
    const risk = new CfnParameter(stack, 'Risk', { type: 'Number' }).valueAsNumber;
    expect(() => new SupplyChainDetector(stack, 'Detector', { alertEmails: [email], riskScore: risk })).not.toThrow();
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Endpoint: { Ref: 'Email' } });
  });
});

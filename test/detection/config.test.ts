import { DEFAULT_ALERT_FUNCTION_CONFIG, parseAlertFunctionConfig } from '../../lib/detection';

describe('alert function configuration', () => {
  test('absent or empty means the defaults', () => {
    expect(parseAlertFunctionConfig(undefined)).toEqual(DEFAULT_ALERT_FUNCTION_CONFIG);
    expect(parseAlertFunctionConfig('')).toEqual(DEFAULT_ALERT_FUNCTION_CONFIG);
    expect(DEFAULT_ALERT_FUNCTION_CONFIG).toEqual({
      profile: 'default',
      namePrefix: 'bedrock-supply-chain',
      guardrailPolicyIds: [],
      additionalEventNames: [],
      sourceProfiles: [],
      additionalEvents: [],
      trail: null,
      watchedRegions: null,
      signals: { probing: false, probeThreshold: 3, createThenDelete: false },
      severity: 'MEDIUM',
      riskScore: 47,
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
    });
  });

  test('reads what the construct writes', () => {
    const config = {
      profile: 'extended',
      namePrefix: 'secops-bedrock',
      guardrailPolicyIds: ['p-abcd1234'],
      additionalEventNames: ['CreateModelCustomizationJob'],
      sourceProfiles: ['ram-model-sharing', 'bedrock-mantle'],
      additionalEvents: [{ eventSource: 'bedrock-mantle.amazonaws.com', eventNames: ['CreateCustomizedModelVersion'] }],
      trail: { kind: 'organization', name: 'aws-controltower-BaselineCloudTrail' },
      watchedRegions: ['us-east-1', 'eu-west-1'],
      signals: { probing: true, probeThreshold: 5, createThenDelete: true },
      severity: 'HIGH',
      riskScore: 80,
      approvals: { principalArns: ['arn:aws:iam::*:role/mlops-*'], s3Locations: ['s3://acme-models/approved/'] },
      verdictSeverities: { 'untrusted-source': { severity: 'HIGH', riskScore: 90 } },
      mode: 'observe',
      notifyApproved: true,
      provenanceCheck: false,
      enrichment: { windowMinutes: 30, maxPages: 1, firstSeen: false },
      checkTimeoutMs: 1500,
      outputs: {
        securityHub: true,
        chatTopicArn: 'arn:aws:sns:us-east-1:111122223333:bedrock-supply-chain-chat',
        soarEventBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/soar',
      },
      idempotencyDays: 100,
      followUp: { minutes: [10, 30, 120] },
      containment: {
        actions: {
          'untrusted-source': ['quarantine-model', 'delete-deployment'],
          unverified: ['quarantine-principal'],
        },
        automatic: ['untrusted-source'],
        dryRun: true,
        maxPerHour: 3,
        neverTouch: ['arn:aws:bedrock:*:111122223333:custom-model-deployment/keep-*'],
        approvalTagKey: 'acme:approved',
        quarantineTagKey: 'acme:quarantined',
        customAction: false,
      },
    };
    expect(parseAlertFunctionConfig(JSON.stringify(config))).toEqual(config);
  });

  test.each([
    ['{"sourceProfiles":["ram"]}', /'sourceProfiles' entries must be one of 'ram-model-sharing'/],
    [
      '{"trail":{"kind":"cloud"}}',
      `DETECTOR_CONFIG: 'trail.kind' must be 'create', 'existing' or 'organization', got "cloud"`,
    ],
    ['{"watchedRegions":["mars-1"]}', /'watchedRegions'/],
    [
      '{"signals":{"probing":true,"probeThreshold":1,"createThenDelete":false}}',
      /'signals.probeThreshold' must be a whole number from 2 to 100, got 1/,
    ],
    ['{', /^DETECTOR_CONFIG is not valid JSON/],
    ['{"namePrefix":"Bad_Prefix"}', /'namePrefix' must be 3-24 lower-case letters/],
    [
      '{"guardrailPolicyIds":["x"]}',
      `DETECTOR_CONFIG: 'guardrailPolicyIds' must be an array of policy ids like 'p-abcd1234', got ["x"]`,
    ],
    ['[]', /^DETECTOR_CONFIG must be a JSON object, got \[\]$/],
    [
      '{"severity":"SEVERE"}',
      `DETECTOR_CONFIG: 'severity' must be one of 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', got "SEVERE"`,
    ],
    ['{"riskScore":101}', `DETECTOR_CONFIG: 'riskScore' must be a whole number from 0 to 100, got 101`],
    ['{"namePrefix":"Bad_Prefix"}', /'namePrefix' must be 3-24 lower-case letters/],
    [
      '{"guardrailPolicyIds":["x"]}',
      `DETECTOR_CONFIG: 'guardrailPolicyIds' must be an array of policy ids like 'p-abcd1234', got ["x"]`,
    ],
    ['{"mode":"contain"}', `DETECTOR_CONFIG: 'containment' must be set in mode 'contain'`],
    ['{"mode":"quarantine"}', `DETECTOR_CONFIG: 'mode' must be one of 'observe', 'alert', 'contain', got "quarantine"`],
    [
      '{"followUp":{"minutes":[15,5]}}',
      `DETECTOR_CONFIG: 'followUp.minutes' must be in increasing order, got 5 after 15`,
    ],
    ['{"followUp":[]}', `DETECTOR_CONFIG: 'followUp' must be an object or null, got []`],
    [
      '{"containment":{"actions":{"approved":["quarantine-model"]},"automatic":[],"dryRun":false,"maxPerHour":10,"neverTouch":[],"approvalTagKey":"a","quarantineTagKey":"q","customAction":true}}',
      /'containment.actions' keys must be verdicts other than 'approved'/,
    ],
    [
      '{"containment":{"actions":{},"automatic":["approved"],"dryRun":false,"maxPerHour":10,"neverTouch":[],"approvalTagKey":"a","quarantineTagKey":"q","customAction":true}}',
      `DETECTOR_CONFIG: 'containment.automatic' cannot include 'approved': an approved call is never contained`,
    ],
    [
      '{"containment":{"actions":{"unverified":["delete-everything"]},"automatic":[],"dryRun":false,"maxPerHour":0,"neverTouch":[],"approvalTagKey":"aws:x","quarantineTagKey":"q","customAction":true}}',
      /'containment.actions.unverified' must list actions among quarantine-model, delete-deployment, delete-endpoint, stop-job, quarantine-principal, got \["delete-everything"\]; 'containment.maxPerHour' must be a whole number from 1 to 1000, got 0; 'containment.approvalTagKey' must be a tag key/,
    ],
    ['{"notifyApproved":"yes"}', `DETECTOR_CONFIG: 'notifyApproved' must be true or false, got "yes"`],
    [
      '{"approvals":{"s3Locations":["acme-models"]}}',
      /'approvals.s3Locations' entries must be S3 locations like 's3:\/\/acme-models\/approved\/'/,
    ],
    [
      '{"verdictSeverities":{"unverified":{"severity":"LOW","riskScore":1}}}',
      /'verdictSeverities' keys must be 'approved', 'unapproved-principal', 'untrusted-source'/,
    ],
    [
      '{"verdictSeverities":{"approved":{"severity":"NONE","riskScore":1}}}',
      /'verdictSeverities.approved.severity' must be one of/,
    ],
    [
      '{"guardrailPolicyIds":[["p-abcd1234"]]}',
      /'guardrailPolicyIds' must be an array of policy ids like 'p-abcd1234', got \[\["p-abcd1234"\]\]/,
    ],
    ['{"profile":"all"}', `DETECTOR_CONFIG: 'profile' must be one of 'default', 'extended', got "all"`],
    ['{"additionalEventNames":"X"}', `DETECTOR_CONFIG: 'additionalEventNames' must be an array, got "X"`],
    ['{"additionalEventNames":["bad name"]}', /'additionalEventNames' entries must be API operation names/],
    ['{"provenanceCheck":1}', `DETECTOR_CONFIG: 'provenanceCheck' must be true or false, got 1`],
    [
      '{"enrichment":{"windowMinutes":0,"maxPages":2,"firstSeen":true}}',
      `DETECTOR_CONFIG: 'enrichment.windowMinutes' must be a whole number from 1 to 1440, got 0`,
    ],
    [
      '{"enrichment":{"windowMinutes":60,"maxPages":11,"firstSeen":"no"}}',
      `DETECTOR_CONFIG: 'enrichment.maxPages' must be a whole number from 1 to 10, got 11; 'enrichment.firstSeen' must be true or false, got "no"`,
    ],
    ['{"enrichment":"on"}', `DETECTOR_CONFIG: 'enrichment' must be an object or null, got "on"`],
    ['{"checkTimeoutMs":50}', `DETECTOR_CONFIG: 'checkTimeoutMs' must be a whole number from 100 to 30000, got 50`],
    ['{"idempotencyDays":0}', `DETECTOR_CONFIG: 'idempotencyDays' must be a whole number from 1 to 3650, got 0`],
    ['{"outputs":{"securityHub":"yes"}}', `DETECTOR_CONFIG: 'outputs.securityHub' must be true or false, got "yes"`],
    [
      '{"outputs":{"securityHub":false,"chatTopicArn":"arn:aws:sqs:us-east-1:111122223333:q"}}',
      `DETECTOR_CONFIG: 'outputs.chatTopicArn' must be an SNS topic ARN, got "arn:aws:sqs:us-east-1:111122223333:q"`,
    ],
    [
      '{"outputs":{"securityHub":false,"soarEventBusArn":"default"}}',
      `DETECTOR_CONFIG: 'outputs.soarEventBusArn' must be an EventBridge event bus ARN, got "default"`,
    ],
  ])('fails loudly for %s', (json, message) => {
    expect(() => parseAlertFunctionConfig(json)).toThrow(message);
  });
});

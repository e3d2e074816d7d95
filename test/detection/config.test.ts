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
      severity: 'MEDIUM',
      riskScore: 47,
      approvals: {},
      verdictSeverities: {},
      mode: 'alert',
      notifyApproved: false,
    });
  });

  test('reads what the construct writes', () => {
    const config = {
      profile: 'extended',
      namePrefix: 'secops-bedrock',
      guardrailPolicyIds: ['p-abcd1234'],
      additionalEventNames: ['CreateModelCustomizationJob'],
      severity: 'HIGH',
      riskScore: 80,
      approvals: { principalArns: ['arn:aws:iam::*:role/mlops-*'], s3Locations: ['s3://acme-models/approved/'] },
      verdictSeverities: { 'untrusted-source': { severity: 'HIGH', riskScore: 90 } },
      mode: 'observe',
      notifyApproved: true,
    };
    expect(parseAlertFunctionConfig(JSON.stringify(config))).toEqual(config);
  });

  test.each([
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
    ['{"mode":"contain"}', `DETECTOR_CONFIG: 'mode' must be one of 'observe', 'alert', got "contain"`],
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
    ['{"additionalEventNames":["bad name"]}', /'additionalEventNames' entries must be Bedrock API operation names/],
  ])('fails loudly for %s', (json, message) => {
    expect(() => parseAlertFunctionConfig(json)).toThrow(message);
  });
});

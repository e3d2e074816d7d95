import * as fs from 'node:fs';
import * as path from 'node:path';

import {
  ALERT_SCHEMA,
  TamperClassifier,
  decideVerdict,
  detectorNames,
  SNS_MESSAGE_MAX_BYTES,
  WatchedCallClassifier,
  alertJson,
  alertSubject,
  alertText,
  buildAlert,
  buildAlertDocument,
  renderSnsMessage,
  tamperSubject,
  watchedCallSubject,
  resolveWatchedCalls,
  safeText,
  truncate,
  type AlertOptions,
  type AlertSubject,
  type WatchedCall,
} from '../../lib/detection';
import { envelope, record } from '../support/fixtures';

const classifier = new WatchedCallClassifier(resolveWatchedCalls({ profile: 'extended' }));
function callOf(detail: Record<string, unknown>): WatchedCall {
  const c = classifier.classify(detail);
  if (!c.matched) throw new Error(`fixture did not match: ${c.reason}`);
  return c.call;
}
function alertFor(file: string) {
  const detail = record(file);
  return buildAlert(detail, callOf(detail));
}

describe('alert content', () => {
  test('carries every investigation field of the reference rule, the model source and the new resource', () => {
    const alert = alertFor('pos-import-01.json');
    expect(alert).toMatchObject({
      schema: ALERT_SCHEMA,
      severity: 'MEDIUM',
      riskScore: 47,
      mitre: { tactic: { id: 'TA0003' }, technique: { id: 'T1525' } },
      event: {
        name: 'CreateModelImportJob',
        source: 'bedrock.amazonaws.com',
        id: '286400f3-b1ae-5e3b-af87-4f8e84209750',
        time: '2026-03-11T09:14:27Z',
        account: '111122223333',
        region: 'us-east-1',
      },
      actor: {
        arn: 'arn:aws:iam::111122223333:user/ml-engineer',
        identityType: 'IAMUser',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        sourceIp: '198.51.100.23',
        userAgent: expect.stringMatching(/^Boto3\/1\.40\.12 /),
      },
      modelSource: [
        {
          field: 'requestParameters.modelDataSource.s3DataSource.s3Uri',
          kind: 's3Uri',
          value: 's3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/',
        },
        {
          field: 'requestParameters.roleArn',
          kind: 'roleArn',
          value: 'arn:aws:iam::111122223333:role/BedrockModelImportRole',
        },
      ],
      newResources: [
        {
          field: 'responseElements.jobArn',
          value: 'arn:aws:bedrock:us-east-1:111122223333:model-import-job/k3x9q2m7p1a4',
        },
      ],
      notes: [],
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/286400f3-b1ae-5e3b-af87-4f8e84209750',
    });
    expect(alert.triage.length).toBeGreaterThanOrEqual(3);
    expect(alert.response.length).toBeGreaterThanOrEqual(3);
  });

  test.each([
    ['pos-deploy-01.json', ['modelArn'], ['customModelDeploymentArn']],
    ['pos-mkt-create-01.json', ['modelSourceIdentifier', 'executionRoleArn'], ['marketplaceModelEndpoint.endpointArn']],
    [
      'pos-mkt-register-01.json',
      ['sageMakerEndpointArn', 'modelSourceIdentifier'],
      ['marketplaceModelEndpoint.endpointArn'],
    ],
    ['neg-create-custom-model-01.json', ['modelPackageArn', 'roleArn'], ['modelArn']],
    ['ext-create-model-copy-job-01.json', ['copiedModelArn'], ['jobArn']],
    ['pos-update-deployment-01.json', ['modelArn'], ['customModelDeploymentArn']],
    ['pos-create-custom-model-package-01.json', ['modelPackageArn'], ['modelArn']],
    ['ext-create-pt-01.json', ['modelId'], ['provisionedModelArn']],
    [
      'neg-update-marketplace-endpoint-01.json',
      ['sageMakerEndpointArn', 'executionRoleArn'],
      ['marketplaceModelEndpoint.endpointArn'],
    ],
  ])('%s: model source kinds and new resource fields', (file, kinds, resources) => {
    const detail = record(file);
    const alert = buildAlert(detail, callOf(detail));
    expect(alert.modelSource.map((f) => f.kind)).toEqual(kinds);
    expect(alert.newResources.map((f) => f.field)).toEqual(resources.map((r) => `responseElements.${r}`));
    for (const f of alert.modelSource) expect(f.value).toMatch(/^(arn:aws:|s3:\/\/)/);
  });

  test('severity and risk score follow the options', () => {
    const detail = record('pos-deploy-01.json');
    expect(buildAlert(detail, callOf(detail), { severity: 'HIGH', riskScore: 73 })).toMatchObject({
      severity: 'HIGH',
      riskScore: 73,
    });
  });

  test('a record without actor ARN or request parameters still alerts, says what is missing, and uses the invoking service', () => {
    const alert = alertFor('pos-import-no-arn-no-request-01.json');
    expect(alert.actor).toMatchObject({
      arn: 'sagemaker.amazonaws.com',
      identityType: 'AWSService',
      accessKeyId: null,
    });
    expect(alert.modelSource).toEqual([]);
    expect(alert.notes).toEqual([
      'The record has no userIdentity.arn; the actor shown is the best other identifier in the record.',
      'The record has no requestParameters, so the model source cannot be read from it.',
    ]);
    expect(alertText(alert)).toContain('MODEL SOURCE\n  (not in record)');
  });

  test('a record CloudTrail truncated (omitted: true) alerts with a note', () => {
    const alert = alertFor('pos-deploy-omitted-01.json');
    expect(alert.notes[0]).toMatch(/^CloudTrail truncated part of this record \(omitted: true\)/);
    expect(alert.newResources).toHaveLength(1);
  });

  test('an empty record still gives a well-formed alert, with the envelope filling account and region', () => {
    const call = resolveWatchedCalls()[0];
    const alert = buildAlert({}, call, { envelope: { account: '444455556666', region: 'eu-west-1', id: 'abc' } });
    expect(alert.event).toMatchObject({ account: '444455556666', region: 'eu-west-1', id: 'abc', time: null });
    expect(alert.actor.arn).toBeNull();
    expect(alert.notes).toContain('The record names no actor ARN, session issuer, invoking service or principal id.');
    expect(alertSubject(alert)).toBe('[MEDIUM] Bedrock CreateModelImportJob in 444455556666/eu-west-1');
  });

  test('caller-added calls show the whole request, capped', () => {
    const [custom] = resolveWatchedCalls({ additionalEventNames: ['CreateSomethingUncatalogued'] }).slice(-1);
    const alert = buildAlert({ requestParameters: { trainingDataConfig: { s3Uri: 's3://x/y' } } }, custom);
    expect(alert.modelSource).toEqual([
      {
        field: 'requestParameters',
        label: 'Request parameters',
        kind: 'requestParameters',
        value: '{"trainingDataConfig":{"s3Uri":"s3://x/y"}}',
      },
    ]);
  });
});

describe('untrusted strings', () => {
  test('non-ASCII text is kept in the body and the JSON form', () => {
    const alert = alertFor('pos-import-unicode-01.json');
    expect(alert.modelSource[0].value).toBe('s3://acme-ml-artifacts-111122223333/モデル/日本語-v1/');
    expect(alert.actor.userAgent).toBe('Boto3/1.40.12 ünïcödé-tool/2.0 (🧪 test)');
    expect(alertText(alert)).toContain('モデル/日本語-v1/');
    expect(alertSubject(alert)).toMatch(/^[\x20-\x7E]+$/);
  });

  test('line breaks, escapes and bidi overrides cannot forge or hide alert lines', () => {
    const alert = alertFor('pos-import-hostile-strings-01.json');
    const text = alertText(alert);
    // Every body line is one of ours: the forged "Actor ARN:" line stays inside the user-agent line.
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('Actor ARN:'))).toEqual([
      '  Actor ARN:             arn:aws:iam::111122223333:user/ml-engineer',
    ]);
    expect(text).not.toMatch(/^\s*SEVERITY: INFORMATIONAL/m);
    // eslint-disable-next-line no-control-regex -- the point is to find control characters
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]/);
    expect(alert.actor.userAgent).toContain('\\u{A}  Actor ARN:');
    expect(alert.actor.userAgent).toContain('\\u{1B}[2J');
    expect(alert.actor.userAgent).toContain('\\u{202E}gnp.exe');
    expect(alert.modelSource[1].value).toBe('arn:aws:iam::111122223333:role/Import\\u{A}SEVERITY: INFORMATIONAL');
  });

  test('safeText caps long values by code point without splitting surrogate pairs', () => {
    expect(truncate('🧪'.repeat(10), 3)).toBe('🧪🧪🧪 [truncated: 7 more characters]');
    expect(safeText('a\u0000b\u200bc')).toBe('a\\u{0}b\\u{200B}c');
    expect(safeText('x'.repeat(5000)).length).toBeLessThan(1100);
  });
});

// Examples of what test/lambda/fuzz.test.ts checks over hostile events, alert by alert.
describe('markup in a value is shown, not rendered', () => {
  test.each([
    ['<script>alert(1)</script>', '\\u{3C}script\\u{3E}alert(1)\\u{3C}/script\\u{3E}'],
    ['<!channel> look', '\\u{3C}!channel\\u{3E} look'],
    ['<https://evil.example|AWS Console>', '\\u{3C}https://evil.example|AWS Console\\u{3E}'],
    ['[Approve](https://evil.example)', '[Approve\\u{5D}(https://evil.example)'],
    ['ping @here and @Everyone', 'ping \\u{40}here and \\u{40}Everyone'],
    ['```code```', '\\u{60}\\u{60}\\u{60}code\\u{60}\\u{60}\\u{60}'],
    // What is not markup stays as it is.
    ['ml-engineer@example.com', 'ml-engineer@example.com'],
    ['user@allianz.example', 'user@allianz.example'],
    ['s3://acme-models/approved/[v1]/', 's3://acme-models/approved/[v1]/'],
    ['{"tags":["a","b"]}', '{"tags":["a","b"]}'],
  ])('%j is shown as %j', (value, shown) => {
    expect(safeText(value)).toBe(shown);
  });
});

/** The SNS message of a record, as the function renders it (with shorter values when it must). */
function renderSns(record: Record<string, unknown>, what: WatchedCall | AlertSubject, options: AlertOptions = {}) {
  const subject = 'category' in what ? what : watchedCallSubject(what, options.severity, options.riskScore);
  return renderSnsMessage(buildAlertDocument(record, subject, options), (maxFieldLength) =>
    buildAlertDocument(record, subject, { ...options, maxFieldLength }),
  );
}

describe('SNS rendering', () => {
  test('every alert kind round-trips: the JSON form equals the alert, member for member', () => {
    const detail = record('pos-import-01.json');
    const call = callOf(detail);
    const withVerdict = renderSns(detail, call, {
      verdict: decideVerdict(detail, call, { principalArns: ['arn:aws:iam::*:role/x'] }),
    });
    expect(JSON.parse(JSON.parse(withVerdict.sns.message).https)).toEqual(withVerdict.alert);
    expect(withVerdict.alert.verdict?.kind).toBe('unapproved-principal');
    const tamperRecord = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'tamper', 'sns-unsubscribe.json'), 'utf8'),
    );
    const match = new TamperClassifier(detectorNames()).classifyEvent(envelope(tamperRecord));
    if (!match.matched) throw new Error('tamper fixture did not match');
    const tamper = renderSns(tamperRecord, tamperSubject(match.service, match.call));
    expect(JSON.parse(JSON.parse(tamper.sns.message).sqs)).toEqual(tamper.alert);
    expect(JSON.parse(tamper.sns.message).default).toBe(alertText(tamper.alert));
  });

  test('hostile strings (quotes, backslashes, lone surrogates, control characters) still give a valid message', () => {
    const detail = record('pos-import-hostile-strings-01.json');
    detail.userAgent = 'a"b\\c\ud800d\u0007e\u2028f';
    (detail.requestParameters as Record<string, unknown>).roleArn = '\\"}, "injected": "x';
    const { alert, sns } = renderSns(detail, callOf(detail));
    const message = JSON.parse(sns.message);
    expect(Object.keys(message).sort()).toEqual([
      'default',
      'email',
      'email-json',
      'firehose',
      'http',
      'https',
      'lambda',
      'sqs',
    ]);
    expect(message.default).toBe(alertText(alert));
    expect(JSON.parse(message.https)).toEqual(alert);
    expect(alert.actor.userAgent).toBe('a"b\\c\\u{D800}d\\u{7}e\\u{2028}f');
    expect(JSON.parse(alertJson(alert))).toEqual(alert);
  });

  test('subject is printable ASCII under 100 characters, even for a 128-character caller name and a hostile account', () => {
    const [custom] = resolveWatchedCalls({ additionalEventNames: ['C' + 'x'.repeat(127)] }).slice(-1);
    const { sns } = renderSns({ recipientAccountId: '1111\n22223333ü', awsRegion: 'us-east-1\u202e' }, custom);
    expect(sns.subject.length).toBeLessThanOrEqual(99);
    expect(sns.subject).toMatch(/^\[MEDIUM\] Bedrock Cx+$/);
    const normal = renderSns(record('pos-mkt-create-01.json'), resolveWatchedCalls()[2]).sns;
    expect(normal.subject).toBe('[MEDIUM] Bedrock CreateMarketplaceModelEndpoint in 111122223333/us-east-1');
  });

  test('the message carries text for email and the JSON alert for machines', () => {
    const detail = record('pos-import-01.json');
    const { alert, sns } = renderSns(detail, callOf(detail));
    const message = JSON.parse(sns.message);
    expect(message.default).toBe(alertText(alert));
    expect(message.email).toBe(message.default);
    for (const protocol of ['sqs', 'lambda', 'https', 'http', 'firehose', 'email-json']) {
      expect(JSON.parse(message[protocol])).toEqual(alert);
    }
    expect(sns.messageStructure).toBe('json');
    expect(sns.attributes).toEqual({
      category: 'model-supply-chain',
      severity: 'MEDIUM',
      eventName: 'CreateModelImportJob',
      account: '111122223333',
    });
  });

  test("a record near CloudTrail's 100 KB field cap, with 4-byte characters everywhere, stays within the SNS size limit", () => {
    const detail = record('pos-import-01.json');
    const huge = '🧪'.repeat(100_000);
    detail.userAgent = huge;
    (detail.requestParameters as Record<string, unknown>).roleArn = huge;
    (detail.userIdentity as Record<string, unknown>).arn = huge;
    detail.sourceIPAddress = huge;
    (detail.userIdentity as Record<string, unknown>).accessKeyId = huge;
    const { alert, sns } = renderSns(detail, callOf(detail));
    expect(Buffer.byteLength(sns.message, 'utf8')).toBeLessThan(SNS_MESSAGE_MAX_BYTES);
    expect(alert.actor.userAgent).toMatch(/\[truncated: \d+ more characters\]$/);
    expect(alert.event.id).toBe('286400f3-b1ae-5e3b-af87-4f8e84209750');
  });
});

import {
  buildAlert,
  buildChatNotification,
  buildSecurityHubFinding,
  buildSoarEntry,
  decideVerdict,
  resolveWatchedCalls,
  type AlertDocument,
} from '../../lib/detection';
import { record } from '../support/fixtures';

const [IMPORT] = resolveWatchedCalls();
const NOW = new Date('2026-03-11T09:20:00.000Z');
const CTX = {
  account: '999988887777',
  region: 'eu-west-1',
  partition: 'aws',
  namePrefix: 'bedrock-supply-chain',
  now: NOW,
};

function importAlert(mutate: (r: Record<string, unknown>) => void = () => undefined): AlertDocument {
  const r = record('pos-import-01.json');
  mutate(r);
  const verdict = decideVerdict(r, IMPORT, {
    principalArns: ['arn:aws:iam::*:user/ml-engineer'],
    s3Locations: ['s3://acme-approved-models/'],
  });
  return buildAlert(r, IMPORT, { verdict });
}

describe('Security Hub finding (ASFF)', () => {
  const finding = buildSecurityHubFinding(importAlert(), CTX);

  test('types, severity, resources and remediation for a model import', () => {
    expect(finding).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: 'bedrock-supply-chain/111122223333/us-east-1/286400f3-b1ae-5e3b-af87-4f8e84209750',
      ProductArn: 'arn:aws:securityhub:eu-west-1:999988887777:product/999988887777/default',
      GeneratorId: 'bedrock-supply-chain/model-supply-chain/CreateModelImportJob',
      AwsAccountId: '999988887777',
      Region: 'us-east-1',
      Types: ['TTPs/Persistence/T1525'],
      CreatedAt: '2026-03-11T09:14:27.000Z',
      FirstObservedAt: '2026-03-11T09:14:27.000Z',
      UpdatedAt: '2026-03-11T09:20:00.000Z',
      Severity: { Label: 'CRITICAL', Original: '99' },
      Title: 'Bedrock model supply chain: CreateModelImportJob',
      RecordState: 'ACTIVE',
      ProductFields: expect.objectContaining({ 'bedrock-supply-chain/verdict': 'untrusted-source' }),
      Resources: [
        {
          Type: 'Other',
          Id: 'arn:aws:bedrock:us-east-1:111122223333:model-import-job/k3x9q2m7p1a4',
          Partition: 'aws',
          Region: 'us-east-1',
        },
        {
          Type: 'AwsS3Bucket',
          Id: 'arn:aws:s3:::acme-ml-artifacts-111122223333',
          Partition: 'aws',
          Region: 'us-east-1',
        },
        // The access key the remediation text names.
        { Type: 'AwsIamAccessKey', Id: 'AKIAIOSFODNN7EXAMPLE', Partition: 'aws', Region: 'us-east-1' },
      ],
    });
    expect(finding.Remediation.Recommendation.Text).toMatch(/^1\. /);
    expect(finding.Remediation.Recommendation.Text).toContain('access key');
    expect(finding.Remediation.Recommendation.Text.length).toBeLessThanOrEqual(512);
    expect(finding.Description.length).toBeLessThanOrEqual(1024);
    expect(finding.Description).toContain('Verdict untrusted-source:');
  });

  test('the id depends only on the event, so a repeat updates the finding (only UpdatedAt moves)', () => {
    const later = buildSecurityHubFinding(importAlert(), { ...CTX, now: new Date('2026-03-12T00:00:00Z') });
    expect(later.Id).toBe(finding.Id);
    expect({ ...later, UpdatedAt: finding.UpdatedAt }).toEqual(finding);
  });

  test('text past the ASFF limits is cut, marker included, so Security Hub never refuses it for length', () => {
    const alert = importAlert((r) => {
      const request = r.requestParameters as { modelDataSource: { s3DataSource: { s3Uri: string } } };
      request.modelDataSource.s3DataSource.s3Uri = `s3://acme-ml-artifacts-111122223333/${'k/'.repeat(600)}`;
    });
    const long = buildSecurityHubFinding({ ...alert, title: 'T'.repeat(400), response: ['x'.repeat(900)] }, CTX);
    expect(long.Description.length).toBeLessThanOrEqual(1024);
    expect(long.Description).toMatch(/\[truncated: \d+ more characters\]$/);
    expect(long.Title.length).toBeLessThanOrEqual(256);
    expect(long.Remediation.Recommendation.Text.length).toBeLessThanOrEqual(512);
  });

  test('an alert with no resource ARN and no access key points at the account, and says nothing of a key', () => {
    const alert = importAlert((r) => {
      delete r.responseElements;
      delete r.requestParameters;
      delete (r.userIdentity as Record<string, unknown>).accessKeyId;
    });
    const f = buildSecurityHubFinding(alert, CTX);
    expect(f.Resources).toEqual([
      { Type: 'AwsAccount', Id: 'AWS::::Account:111122223333', Partition: 'aws', Region: 'us-east-1' },
    ]);
    expect(f.Remediation.Recommendation.Text).not.toMatch(/access key/i);
    expect(f.ProductFields['bedrock-supply-chain/accessKeyId']).toBeUndefined();
  });
});

describe('chat (AWS Chatbot custom notification)', () => {
  test('schema 1.0 with the alert in it', () => {
    const n = buildChatNotification(importAlert());
    expect(n).toMatchObject({
      version: '1.0',
      source: 'custom',
      id: '286400f3-b1ae-5e3b-af87-4f8e84209750',
      content: {
        textType: 'client-markdown',
        title: ':rotating_light: [CRITICAL] Bedrock model supply chain: CreateModelImportJob',
        keywords: ['CRITICAL', 'model-supply-chain', 'untrusted-source', 'CreateModelImportJob'],
      },
      metadata: {
        threadId: '286400f3-b1ae-5e3b-af87-4f8e84209750',
        eventType: 'model-supply-chain',
        relatedResources: ['arn:aws:bedrock:us-east-1:111122223333:model-import-job/k3x9q2m7p1a4'],
        additionalContext: { account: '111122223333', region: 'us-east-1' },
      },
    });
    expect(n.content.description).toContain('*Verdict:* untrusted-source');
    expect(n.content.description).toContain('S3 URI: s3://acme-ml-artifacts-111122223333/llama3-8b-ft/v1/');
    expect(n.content.nextSteps.length).toBeGreaterThan(0);
  });

  test('record values stay inside one code block: no mention, link, markdown or fence escapes it', () => {
    const hostile = '`\n```\n@channel <!here> <https://evil.example|click> *bold* [x](https://evil.example) &amp;';
    const n = buildChatNotification(
      importAlert((r) => {
        r.userAgent = hostile;
        (r.requestParameters as Record<string, unknown>).jobName = hostile;
        (r.userIdentity as Record<string, unknown>).arn = `arn:aws:iam::111122223333:user/${hostile}`;
      }),
    );
    const d = n.content.description;
    // Exactly one fence pair: nothing from the record closed it early.
    expect(d.match(/```/g)).toHaveLength(2);
    const [before, inside, after] = d.split('```');
    for (const outside of [before, after, n.content.title, ...n.content.keywords, n.metadata.summary]) {
      expect(outside).not.toMatch(/@channel|<!here>|evil\.example/);
    }
    expect(inside).not.toMatch(/[`<>]/);
    // Shown as visible escapes (safeText), so a reader sees what was sent and nothing is rendered.
    expect(inside).toContain('\\u{40}channel \\u{3C}!here\\u{3E}');
    for (const r of n.metadata.relatedResources) expect(r).toMatch(/^arn:[A-Za-z0-9:/._+=,-]+$/);
  });
});

describe('SOAR event', () => {
  test('source, detail type, bus, resources and the alert document as detail', () => {
    const alert = importAlert();
    const entry = buildSoarEntry(alert, 'arn:aws:events:us-east-1:111122223333:event-bus/soar');
    expect(entry).toEqual({
      Source: 'bedrock-model-supply-chain',
      DetailType: 'Bedrock Model Supply Chain Alert',
      Detail: JSON.stringify(alert),
      EventBusName: 'arn:aws:events:us-east-1:111122223333:event-bus/soar',
      Resources: ['arn:aws:bedrock:us-east-1:111122223333:model-import-job/k3x9q2m7p1a4'],
      Time: new Date('2026-03-11T09:14:27Z'),
    });
    expect(JSON.parse(entry.Detail)).toMatchObject({
      schema: 'bedrock-model-supply-chain-alert/v1',
      severity: 'CRITICAL',
    });
  });
});

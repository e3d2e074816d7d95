import {
  contextLines,
  firstSeenKeys,
  lookupUsernameOf,
  summarizePriorActivity,
  type LookedUpEvent,
} from '../../lib/detection';

describe('enrichment', () => {
  test.each([
    [{ type: 'IAMUser', userName: 'ml-engineer', arn: 'arn:aws:iam::1:user/ml-engineer' }, 'ml-engineer'],
    [{ type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Pipeline/run-42' }, 'run-42'],
    [{ type: 'Root', arn: 'arn:aws:iam::111122223333:root' }, 'root'],
    [{ type: 'AWSService', invokedBy: 'bedrock.amazonaws.com' }, undefined],
    ['not an object', undefined],
  ])('the LookupEvents user name of %j is %s', (identity, expected) => {
    expect(lookupUsernameOf({ userIdentity: identity })).toBe(expected);
  });

  const subject = {
    eventID: 'e-0',
    eventTime: '2026-03-11T10:00:00Z',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/Pipeline/run-42',
      sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/Pipeline' } },
    },
  };
  const other = (id: string, name: string, minutesBefore: number, overrides: Record<string, unknown> = {}) => ({
    EventId: id,
    EventName: name,
    CloudTrailEvent: JSON.stringify({
      ...subject,
      eventID: id,
      eventName: name,
      eventSource: 'bedrock.amazonaws.com',
      eventTime: new Date(Date.parse(subject.eventTime) - minutesBefore * 60_000).toISOString(),
      ...overrides,
    }),
  });

  test("counts only the same role's Bedrock calls inside the window before the event, and names the enumeration", () => {
    const events: LookedUpEvent[] = [
      other('e-1', 'ListFoundationModels', 5),
      other('e-2', 'ListImportedModels', 10),
      other('e-3', 'ListFoundationModels', 20),
      other('e-4', 'GetImportedModel', 30),
      other('e-5', 'CreateModelImportJob', 40),
      other('e-0', 'CreateModelImportJob', 0), // the event itself
      other('e-6', 'ListCustomModels', 90), // outside the 60-minute window
      other('e-7', 'ListFoundationModels', 5, { eventSource: 's3.amazonaws.com' }),
      other('e-8', 'ListFoundationModels', 5, {
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/someone-else' },
      }),
      { EventId: 'e-9', CloudTrailEvent: '{not json' },
      { EventId: 'e-10' },
    ];
    expect(summarizePriorActivity(subject, events, { windowMinutes: 60, maxPages: 2 }, true)).toEqual({
      status: 'found',
      windowMinutes: 60,
      scanned: 11,
      truncated: true,
      bedrockCalls: 5,
      byName: [
        { name: 'ListFoundationModels', count: 2 },
        { name: 'CreateModelImportJob', count: 1 },
        { name: 'GetImportedModel', count: 1 },
        { name: 'ListImportedModels', count: 1 },
      ],
      enumeration: ['GetImportedModel', 'ListFoundationModels', 'ListImportedModels'],
    });
  });

  test('first-seen keys: the principal as aws:PrincipalArn, the source IP only when it is an address', () => {
    expect(firstSeenKeys({ ...subject, sourceIPAddress: '198.51.100.23' })).toEqual({
      principal: 'seen#principal#arn:aws:iam::111122223333:role/Pipeline',
      sourceIp: 'seen#ip#198.51.100.23',
    });
    expect(firstSeenKeys({ ...subject, sourceIPAddress: 'bedrock.amazonaws.com' }).sourceIp).toBeUndefined();
  });

  test('the context reads as lines, and hostile strings in it are escaped', () => {
    expect(
      contextLines({
        provenance: [
          { uri: 's3://b/k', bucket: 'b', status: 'verified', owner: '111122223333', reason: 'owned by 111122223333' },
        ],
        priorActivity: {
          status: 'found',
          windowMinutes: 60,
          scanned: 100,
          truncated: true,
          bedrockCalls: 2,
          byName: [{ name: 'ListImportedModels', count: 2 }],
          enumeration: ['ListImportedModels'],
        },
        firstSeen: { principal: 'new', sourceIp: 'seen', memoryDays: 100 },
      }),
    ).toEqual([
      'Bucket b: verified (owner 111122223333): owned by 111122223333',
      'Bedrock calls by the same principal in the 60 minutes before: 2 (ListImportedModels x2); only the latest 100 events were read',
      'Enumeration before the call: ListImportedModels',
      'Principal: new; source IP: seen (first seen by this detector, 100-day memory)',
    ]);
    expect(
      contextLines({
        provenance: [],
        priorActivity: { status: 'unavailable', reason: 'x\nFORGED LINE' },
        firstSeen: null,
      }),
    ).toEqual(['Earlier activity: unavailable, x\\u{A}FORGED LINE']);
  });
});

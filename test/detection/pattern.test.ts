import {
  EVENT_PATTERN_MAX_CHARS,
  SOURCE_PROFILES,
  buildEventPattern,
  buildEventPatterns,
  patternSize,
  resolveWatchedCalls,
} from '../../lib/detection';

describe('EventBridge pattern builder', () => {
  test('builds the documented success-only pattern for the default calls', () => {
    expect(buildEventPatterns(resolveWatchedCalls())).toEqual([
      {
        source: ['aws.bedrock'],
        'detail-type': ['AWS API Call via CloudTrail'],
        detail: {
          eventSource: ['bedrock.amazonaws.com'],
          eventName: [
            'CreateModelImportJob',
            'CreateCustomModelDeployment',
            'CreateMarketplaceModelEndpoint',
            'RegisterMarketplaceModelEndpoint',
            'UpdateCustomModelDeployment',
            'CreateCustomModel',
            'CreateModelCopyJob',
          ],
          errorCode: [{ exists: false }],
        },
      },
    ]);
  });

  test('the extended profile is one pattern with a branch for the throughput swap (its request filter)', () => {
    const [pattern, ...more] = buildEventPatterns(resolveWatchedCalls({ profile: 'extended' }));
    expect(more).toEqual([]);
    expect(pattern.detail).toEqual({
      errorCode: [{ exists: false }],
      $or: [
        {
          eventSource: ['bedrock.amazonaws.com'],
          eventName: [
            'CreateModelImportJob',
            'CreateCustomModelDeployment',
            'CreateMarketplaceModelEndpoint',
            'RegisterMarketplaceModelEndpoint',
            'UpdateCustomModelDeployment',
            'CreateCustomModel',
            'CreateModelCopyJob',
            'UpdateMarketplaceModelEndpoint',
            'CreateProvisionedModelThroughput',
            'CreateModelCustomizationJob',
            'PutResourcePolicy',
          ],
        },
        {
          eventSource: ['bedrock.amazonaws.com'],
          eventName: ['UpdateProvisionedModelThroughput'],
          requestParameters: { desiredModelId: [{ exists: true }] },
        },
      ],
    });
  });

  test('other event sources get their own branch and EventBridge source; an unverified source matches any aws. source', () => {
    const patterns = buildEventPatterns(
      resolveWatchedCalls({ profile: 'extended', sourceProfiles: [...SOURCE_PROFILES] }),
    );
    for (const p of patterns) expect(patternSize(p)).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    const sources = patterns.flatMap((p) => p.source);
    // AgentCore and bedrock-mantle records have not been published: any aws. source, their eventSource exactly.
    expect(sources).toContainEqual({ prefix: 'aws.' });
    const branches = patterns.flatMap(
      (p) => ((p.detail.$or as object[] | undefined) ?? [p.detail]) as Record<string, unknown>[],
    );
    expect(branches.find((b) => (b.eventSource as string[])[0] === 'ram.amazonaws.com')).toMatchObject({
      eventName: ['CreateResourceShare', 'AssociateResourceShare'],
      requestParameters: { resourceArns: [{ wildcard: '*:custom-model/*' }] },
    });
    expect(branches.map((b) => (b.eventSource as string[])[0])).toEqual(
      expect.arrayContaining([
        'bedrock.amazonaws.com',
        'ram.amazonaws.com',
        'sagemaker.amazonaws.com',
        'bedrock-agentcore.amazonaws.com',
        'bedrock-mantle.amazonaws.com',
      ]),
    );
  });

  test('patterns over the size quota are split into more rules, in order, each within the quota', () => {
    const calls = resolveWatchedCalls({
      profile: 'extended',
      sourceProfiles: [...SOURCE_PROFILES],
      additionalEvents: [
        {
          eventSource: 'bedrock-mantle.amazonaws.com',
          eventNames: Array.from({ length: 40 }, (_, i) => `CreateThing${i}Long`),
        },
      ],
    });
    const patterns = buildEventPatterns(calls, 1024);
    expect(patterns.length).toBeGreaterThan(1);
    for (const p of patterns) expect(patternSize(p)).toBeLessThanOrEqual(1024);
    expect(patterns[0].detail).toMatchObject({});
    // Every call is in exactly one pattern.
    const all = patterns.flatMap((p) =>
      (((p.detail.$or as Record<string, string[]>[]) ?? [p.detail]) as Record<string, string[]>[]).flatMap(
        (b) => b.eventName,
      ),
    );
    expect(all.sort()).toEqual(calls.map((c) => c.eventName).sort());
  });

  test('a failure pattern (probing) is the same branches with errorCode present', () => {
    const [pattern] = buildEventPatterns(resolveWatchedCalls(), EVENT_PATTERN_MAX_CHARS, 'failure');
    expect(pattern.detail.errorCode).toEqual([{ exists: true }]);
  });

  test('fails for an empty list, and buildEventPattern for calls that need more than one pattern', () => {
    expect(() => buildEventPatterns([])).toThrow('buildEventPatterns needs at least one watched call');
    const many = resolveWatchedCalls({
      additionalEvents: [
        {
          eventSource: 'bedrock-mantle.amazonaws.com',
          eventNames: Array.from({ length: 80 }, (_, i) => `CreateCustomizedThing${i}Version`),
        },
      ],
    });
    expect(() => buildEventPattern(many)).toThrow('need 2 patterns: use buildEventPatterns');
  });
});

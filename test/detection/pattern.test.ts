import { buildEventPattern, resolveWatchedCalls } from '../../lib/detection';

describe('EventBridge pattern builder', () => {
  test('builds the documented success-only pattern for the default calls', () => {
    expect(buildEventPattern(resolveWatchedCalls())).toEqual({
      source: ['aws.bedrock'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['bedrock.amazonaws.com'],
        eventName: [
          'CreateModelImportJob',
          'CreateCustomModelDeployment',
          'CreateMarketplaceModelEndpoint',
          'RegisterMarketplaceModelEndpoint',
        ],
        errorCode: [{ exists: false }],
      },
    });
  });

  test('lists every watched name of the extended profile and caller names', () => {
    const calls = resolveWatchedCalls({ profile: 'extended', additionalEventNames: ['CreateModelCustomizationJob'] });
    expect(buildEventPattern(calls).detail.eventName).toEqual(calls.map((c) => c.eventName));
  });

  test('fails for an empty list rather than building a pattern that matches no call', () => {
    expect(() => buildEventPattern([])).toThrow('buildEventPattern needs at least one watched call');
  });
});

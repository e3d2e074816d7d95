import type { PublishCommand, PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';

import { createHandler } from '../../lambda/alert/handler';
import {
  DEFAULT_ALERT_FUNCTION_CONFIG,
  buildEventPattern,
  buildTamperPatterns,
  detectorNames,
  resolveWatchedCalls,
  forwarderNames,
} from '../../lib/detection';
import { matchesPattern } from '../support/event-pattern';
import { envelope, record } from '../support/fixtures';
import { captureTelemetry } from '../support/telemetry';

beforeEach(() => captureTelemetry());
afterEach(() => jest.restoreAllMocks());

// A forwarded event keeps its envelope: the member account and the region of the call, not the
// central account's. The central detector's rules and function must treat it like a local one.
const MEMBER = '444455556666';

function handler() {
  const published: PublishCommandInput[] = [];
  const sns = {
    send: async (command: PublishCommand) => {
      published.push(command.input);
      return { MessageId: 'message-1' };
    },
  } as unknown as SNSClient;
  return {
    published,
    handle: createHandler({
      sns,
      topicArn: 'arn:aws:sns:us-east-1:222222222222:alerts',
      // Provenance and enrichment need their clients; this test is about the envelope.
      config: { ...DEFAULT_ALERT_FUNCTION_CONFIG, provenanceCheck: false, enrichment: null },
    }),
  };
}

const attribute = (input: PublishCommandInput, name: string) => input.MessageAttributes?.[name]?.StringValue;

describe('events forwarded from a member account to the central bus', () => {
  test('a watched call in a member account matches the central rule and its alert names the member account and region', async () => {
    const memberRecord = JSON.parse(
      JSON.stringify(record('pos-import-01.json'))
        .replaceAll('111122223333', MEMBER)
        .replaceAll('us-east-1', 'eu-west-1'),
    );
    const event = envelope(memberRecord);
    expect([event.account, event.region]).toEqual([MEMBER, 'eu-west-1']);
    expect(matchesPattern(buildEventPattern(resolveWatchedCalls()), event)).toBe(true);

    const { published, handle } = handler();
    await expect(handle(event)).resolves.toMatchObject({ status: 'alerted' });
    expect(published[0].Subject).toBe(`[MEDIUM] Bedrock CreateModelImportJob in ${MEMBER}/eu-west-1`);
    expect(attribute(published[0], 'account')).toBe(MEMBER);
    const alert = JSON.parse(JSON.parse(String(published[0].Message)).sqs);
    expect(alert.event).toMatchObject({ account: MEMBER, region: 'eu-west-1' });
    expect(alert.consoleUrl).toContain('https://eu-west-1.console.aws.amazon.com/cloudtrail/');
  });

  test("a change to a member's forwarder rule is alerted as tampering, naming the member account", async () => {
    const event = envelope({
      eventVersion: '1.11',
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${MEMBER}:assumed-role/developer/alice`,
        accountId: MEMBER,
      },
      eventTime: '2026-03-11T10:00:00Z',
      eventSource: 'events.amazonaws.com',
      eventName: 'DisableRule',
      awsRegion: 'eu-west-1',
      requestParameters: { name: forwarderNames().rule },
      responseElements: null,
      eventID: '5f1f7f4e-4c4b-4a55-9d6f-0c4a1c0e2b11',
      recipientAccountId: MEMBER,
    });
    expect(buildTamperPatterns(detectorNames(), 'regional').some((p) => matchesPattern(p, event))).toBe(true);
    const { published, handle } = handler();
    await expect(handle(event)).resolves.toMatchObject({ status: 'alerted' });
    expect(published[0].Subject).toBe(`[HIGH] Bedrock detector tampered: DisableRule in ${MEMBER}/eu-west-1`);
    expect(attribute(published[0], 'category')).toBe('detector-tampering');
  });
});

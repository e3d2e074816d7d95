// Runtime checks and lookups: each is bounded in time and in requests, and none can stop an alert.
// A check that fails or times out comes back as "unverifiable"/"unavailable" with the reason.
// The SDK commands are loaded on first use, with the clients (see index.ts).
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

import {
  firstSeenKeys,
  lookupUsernameOf,
  summarizePriorActivity,
  type EnrichmentOptions,
  type FirstSeen,
  type FirstSeenResult,
  type PriorActivity,
  type ProvenanceCheck,
  type ProvenanceResult,
  type Unavailable,
} from '../../lib/detection';

import { describeError, statusOf } from './errors';
import { lookupEvents, lookupEventsLimiter, type MinInterval } from './lookup';
import { load } from './sdk';

/**
 * Who owns the bucket: S3 answers GetBucketLocation with ExpectedBucketOwner only when that account
 * owns the bucket (403 otherwise). The event's account is tried first (usually the only request);
 * when no candidate owns it, one request without an expected owner tells "exists and is readable
 * but owned by someone else" (not-owned) from "cannot read it at all" (unverifiable).
 */
export async function checkBucketOwner(
  s3: S3Client,
  check: ProvenanceCheck,
  timeoutMs: number,
): Promise<ProvenanceResult> {
  const base = { uri: check.uri, bucket: check.bucket };
  const { GetBucketLocationCommand } = load.s3();
  const probe = (owner?: string) =>
    s3.send(new GetBucketLocationCommand({ Bucket: check.bucket, ExpectedBucketOwner: owner }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
  try {
    for (const account of check.candidateAccounts) {
      try {
        await probe(account);
        return { ...base, status: 'verified', owner: account, reason: `owned by ${account}` };
      } catch (e) {
        if (statusOf(e) !== 403) throw e;
      }
    }
    await probe();
  } catch (e) {
    const status = statusOf(e);
    const reason =
      status === 404
        ? 'no such bucket (deleted since the call, or never there)'
        : status === 403
          ? 'the detector may not read the bucket (another account that does not share it with the detector role)'
          : describeError(e);
    return { ...base, status: 'unverifiable', reason };
  }
  if (check.truncated) {
    return {
      ...base,
      status: 'unverifiable',
      reason: `none of the first ${check.candidateAccounts.length} candidate accounts owns it, and the other approved accounts were not probed`,
    };
  }
  return {
    ...base,
    status: 'not-owned',
    reason:
      check.candidateAccounts.length > 0
        ? `the bucket exists but none of ${check.candidateAccounts.join(', ')} owns it`
        : 'the bucket exists but the event names no account to compare its owner with',
  };
}

/**
 * The principal's Bedrock calls in the window before the event, from LookupEvents filtered by user
 * name (the only filter that narrows to one principal), at most `maxPages` pages, rate limited.
 */
export async function priorActivity(
  cloudTrail: CloudTrailClient,
  record: Record<string, unknown>,
  options: EnrichmentOptions,
  timeoutMs: number,
  limiter: MinInterval = lookupEventsLimiter,
): Promise<PriorActivity | Unavailable> {
  const username = lookupUsernameOf(record);
  if (!username) return { status: 'unavailable', reason: 'the record names no user or session to look up' };
  const end = Date.parse(typeof record.eventTime === 'string' ? record.eventTime : '');
  if (!Number.isFinite(end)) return { status: 'unavailable', reason: 'the record has no readable eventTime' };
  const read = await lookupEvents(
    cloudTrail,
    {
      attribute: { key: 'Username', value: username },
      start: new Date(end - options.windowMinutes * 60_000),
      end: new Date(end),
      maxPages: options.maxPages,
      timeoutMs,
    },
    limiter,
  );
  if (read.failed) return { status: 'unavailable', reason: `LookupEvents failed: ${read.problem}` };
  return summarizePriorActivity(record, read.events, options, read.truncated);
}

/**
 * Whether the principal and the source IP are new to this detector: a conditional put of each into
 * the idempotency table (kept `days`). A retry of the same event still reads as new.
 */
export async function firstSeen(
  dynamo: DynamoDBClient,
  tableName: string,
  record: Record<string, unknown>,
  days: number,
  timeoutMs: number,
  nowMs: number,
): Promise<FirstSeenResult> {
  const { PutItemCommand } = load.dynamoDb();
  const keys = firstSeenKeys(record);
  const eventId = typeof record.eventID === 'string' ? record.eventID.slice(0, 256) : 'unknown';
  let reason: string | undefined;
  const remember = async (key: string | undefined): Promise<FirstSeen> => {
    if (!key) return 'unknown';
    try {
      await dynamo.send(
        new PutItemCommand({
          TableName: tableName,
          Item: {
            id: { S: key },
            firstEventId: { S: eventId },
            expiration: { N: String(Math.floor(nowMs / 1000) + days * 86_400) },
          },
          ConditionExpression: 'attribute_not_exists(#id)',
          ExpressionAttributeNames: { '#id': 'id' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: AbortSignal.timeout(timeoutMs) },
      );
      return 'new';
    } catch (e) {
      if ((e as Error)?.name === 'ConditionalCheckFailedException') {
        const old = (e as ConditionalCheckFailedException).Item?.firstEventId?.S;
        return old === eventId ? 'new' : 'seen';
      }
      reason = `first-seen lookup failed: ${describeError(e)}`;
      return 'unknown';
    }
  };
  const [principal, sourceIp] = await Promise.all([remember(keys.principal), remember(keys.sourceIp)]);
  return { principal, sourceIp, memoryDays: days, ...(reason ? { reason } : {}) };
}

/** Whether a SageMaker endpoint is registered with Bedrock (a marketplace model endpoint). */
export type EndpointRegistration =
  | { readonly status: 'registered'; readonly endpointArn: string }
  | { readonly status: 'not-registered' }
  | { readonly status: 'unknown'; readonly reason: string };

/** At most this many pages of marketplace model endpoints are read (100 each). */
const MAX_ENDPOINT_PAGES = 5;

/**
 * Asks Bedrock (ListMarketplaceModelEndpoints) whether `endpointName` is one of its marketplace
 * model endpoints, registered or created: those are the SageMaker endpoints whose swap changes a
 * Bedrock model. A check that cannot tell says so; the alert then goes out.
 */
export async function endpointRegistration(
  bedrock: BedrockClient,
  endpointName: string,
  timeoutMs: number,
): Promise<EndpointRegistration> {
  const { ListMarketplaceModelEndpointsCommand } = load.bedrock();
  const suffix = `:endpoint/${endpointName.toLowerCase()}`;
  let nextToken: string | undefined;
  try {
    for (let page = 0; page < MAX_ENDPOINT_PAGES; page++) {
      const out = await bedrock.send(new ListMarketplaceModelEndpointsCommand({ maxResults: 100, nextToken }), {
        abortSignal: AbortSignal.timeout(timeoutMs),
      });
      const found = (out.marketplaceModelEndpoints ?? []).find((e) =>
        (e.endpointArn ?? '').toLowerCase().endsWith(suffix),
      );
      if (found?.endpointArn) return { status: 'registered', endpointArn: found.endpointArn };
      nextToken = out.nextToken;
      if (!nextToken) return { status: 'not-registered' };
    }
    return { status: 'unknown', reason: `more than ${MAX_ENDPOINT_PAGES * 100} marketplace endpoints` };
  } catch (e) {
    return { status: 'unknown', reason: `ListMarketplaceModelEndpoints failed: ${describeError(e)}` };
  }
}

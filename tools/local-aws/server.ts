import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server on 127.0.0.1 that speaks just enough of SNS, DynamoDB, CloudTrail, S3,
 * Security Hub and EventBridge for the alerting function, so tests point the real SDK clients at it
 * (their `endpoint` setting) and check the requests as they went over the wire. It keeps state where
 * the behaviour under test depends on it (DynamoDB items with condition expressions, S3 bucket
 * owners, CloudTrail history, Security Hub findings by id), and it can fail requests on purpose.
 */

import {
  createResponseServices,
  handleBatchUpdateFindings,
  handleBedrock,
  handleIam,
  handleSqs,
  handleStates,
  type ResponseServices,
} from './response-services';

export type Service =
  'sns' | 'dynamodb' | 'cloudtrail' | 's3' | 'securityhub' | 'events' | 'bedrock' | 'ec2' | 'states' | 'iam' | 'sqs';
export const SERVICES: readonly Service[] = [
  'sns',
  'dynamodb',
  'cloudtrail',
  's3',
  'securityhub',
  'events',
  'bedrock',
  'ec2',
  'states',
  'iam',
  'sqs',
];

export interface WireRequest {
  readonly service: Service;
  readonly operation: string;
  /** The region of the request's signature (where the client thinks it is calling). */
  readonly region: string;
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Form fields (query protocol) or the parsed JSON body. */
  readonly params: Record<string, unknown>;
  /** The fault injected into this request, if any (otherwise the service answered it). */
  fault?: FaultKind;
}

/** A way to fail a request: an error status, SDK-retryable throttling, a slow answer, a reset connection. */
export type FaultKind = 'error' | 'throttle' | 'slow' | 'reset';

export interface StoredLookupEvent {
  readonly EventId: string;
  readonly EventName: string;
  /** Epoch seconds. */
  readonly EventTime: number;
  readonly Username?: string;
  readonly EventSource?: string;
  readonly CloudTrailEvent: string;
  /** The region whose history holds it. @default 'us-east-1' */
  readonly region?: string;
}

/** What CloudTrail says about a trail: DescribeTrails, GetTrailStatus and GetEventSelectors answers. */
export interface StoredTrail {
  readonly TrailARN: string;
  readonly Name: string;
  readonly HomeRegion?: string;
  readonly IsMultiRegionTrail: boolean;
  readonly IsOrganizationTrail?: boolean;
  readonly IsLogging: boolean;
  /** GetEventSelectors' answer (EventSelectors or AdvancedEventSelectors). */
  readonly selectors: Record<string, unknown>;
  /** Answer GetTrailStatus with AccessDenied (an organisation trail read from a member account). */
  readonly statusDenied?: boolean;
}

export interface LocalAws {
  readonly endpoint: string;
  readonly requests: WireRequest[];
  /** Bucket name → owner account (and whether the detector's role may read it). */
  readonly buckets: Map<string, { owner: string; region?: string; readable?: boolean }>;
  /** DynamoDB items by their `id` (marshalled attribute values). */
  readonly items: Map<string, Record<string, Record<string, unknown>>>;
  /** CloudTrail history LookupEvents answers from. */
  readonly history: StoredLookupEvent[];
  /** Security Hub findings by Id, with how many times each was imported. */
  readonly findings: Map<string, { finding: Record<string, unknown>; imports: number }>;
  /** Trails DescribeTrails, GetTrailStatus and GetEventSelectors answer from. */
  readonly trails: StoredTrail[];
  /** The regions EC2 DescribeRegions answers as enabled. */
  readonly enabledRegions: string[];
  /** The marketplace model endpoints Bedrock ListMarketplaceModelEndpoints answers (SageMaker endpoint ARNs). */
  readonly marketplaceEndpoints: string[];
  /** The subscriptions SNS ListSubscriptionsByTopic answers, by topic ARN (paged two at a time). */
  readonly subscriptions: Map<string, { SubscriptionArn: string; Protocol: string; Endpoint: string }[]>;
  /** Bedrock jobs and resources, state machine executions, IAM inline policies, SQS messages, finding notes. */
  readonly response: ResponseServices;
  /** IAM roles and users (`role/<name>`, `user/<name>`) that exist; empty: every name exists. */
  readonly principals: Set<string>;
  /** Answer the next `count` requests to `service` with a fault. */
  failNext(service: Service, count: number, kind?: FaultKind): void;
  /** Fail this share of requests to `service` (deterministic for a given seed). */
  failShare(service: Service, share: number, kinds?: readonly FaultKind[], seed?: number): void;
  /** Security Hub answers 200 with this finding error for the next `count` imports. */
  rejectFindings(count: number): void;
  /** Stop injecting faults and forget requests (state is kept). */
  reset(): void;
  close(): Promise<void>;
}

const XML = { 'content-type': 'text/xml' };
const JSON10 = { 'content-type': 'application/x-amz-json-1.0' };
const JSON11 = { 'content-type': 'application/x-amz-json-1.1' };

export async function startLocalAws(options: { slowMs?: number } = {}): Promise<LocalAws> {
  const requests: WireRequest[] = [];
  const buckets = new Map<string, { owner: string; region?: string; readable?: boolean }>();
  const items = new Map<string, Record<string, Record<string, unknown>>>();
  const history: StoredLookupEvent[] = [];
  const findings = new Map<string, { finding: Record<string, unknown>; imports: number }>();
  const trails: StoredTrail[] = [];
  const enabledRegions: string[] = ['us-east-1', 'us-west-2', 'eu-west-1'];
  const marketplaceEndpoints: string[] = [];
  const subscriptions = new Map<string, { SubscriptionArn: string; Protocol: string; Endpoint: string }[]>();
  const response = createResponseServices();
  const principals = new Set<string>();
  const nextFaults = new Map<Service, { count: number; kind: FaultKind }>();
  const shares = new Map<Service, { share: number; kinds: readonly FaultKind[]; state: number }>();
  let rejections = 0;
  let counter = 0;
  const sockets = new Set<import('node:net').Socket>();

  const pickFault = (service: Service): FaultKind | undefined => {
    const next = nextFaults.get(service);
    if (next && next.count > 0) {
      next.count--;
      return next.kind;
    }
    const s = shares.get(service);
    if (!s) return undefined;
    // xorshift32: deterministic for the seed, independent per service.
    s.state ^= s.state << 13;
    s.state ^= s.state >>> 17;
    s.state ^= s.state << 5;
    const u = (s.state >>> 0) / 4294967296;
    if (u >= s.share) return undefined;
    return s.kinds[Math.floor((u / s.share) * s.kinds.length) % s.kinds.length];
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = String(req.headers['x-amz-target'] ?? '');
      const url = req.url ?? '';
      const auth = String(req.headers.authorization ?? '');
      const credential = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(auth);
      const scope = credential?.[2];
      const region = credential?.[1] ?? 'us-east-1';
      let service: Service;
      let operation: string;
      let params: Record<string, unknown> = {};
      if (target.startsWith('DynamoDB_')) {
        service = 'dynamodb';
        operation = target.split('.')[1];
      } else if (target.includes('CloudTrail_')) {
        service = 'cloudtrail';
        operation = target.split('.').pop()!;
      } else if (target.startsWith('AWSStepFunctions.')) {
        service = 'states';
        operation = target.split('.')[1];
      } else if (target.startsWith('AmazonSQS.')) {
        service = 'sqs';
        operation = target.split('.')[1];
      } else if (scope === 'iam') {
        service = 'iam';
        operation = new URLSearchParams(body).get('Action') ?? 'unknown';
      } else if (url.startsWith('/findings/batchupdate')) {
        service = 'securityhub';
        operation = 'BatchUpdateFindings';
      } else if (target.startsWith('AWSEvents.')) {
        service = 'events';
        operation = target.split('.')[1];
      } else if (scope === 'bedrock') {
        service = 'bedrock';
        operation =
          url.split('?')[0] === '/marketplace-model/endpoints' && req.method === 'GET'
            ? 'ListMarketplaceModelEndpoints'
            : `${req.method} ${decodeURIComponent(url.split('?')[0])}`;
      } else if (scope === 'ec2') {
        service = 'ec2';
        operation = new URLSearchParams(body).get('Action') ?? 'unknown';
      } else if (url.startsWith('/findings/import')) {
        service = 'securityhub';
        operation = 'BatchImportFindings';
      } else if (scope === 's3') {
        service = 's3';
        operation = url.includes('?location') ? 'GetBucketLocation' : `${req.method} ${url}`;
      } else {
        service = 'sns';
        operation = 'Publish';
      }
      const isJson = String(req.headers['content-type'] ?? '').includes('json');
      try {
        params = body ? (isJson ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body))) : {};
      } catch {
        params = {};
      }
      if (service === 'sns' && typeof params.Action === 'string') operation = params.Action;
      const amzTarget = req.headers['x-amz-target'];
      if (service === 'sns' && typeof amzTarget === 'string' && amzTarget.includes('.')) {
        operation = amzTarget.split('.').pop()!;
      }
      const fault = pickFault(service);
      requests.push({
        service,
        operation,
        region,
        method: req.method ?? '',
        url,
        headers: req.headers,
        body,
        params,
        fault,
      });

      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      const answer = () => {
        if (fault === 'error' || fault === 'throttle') {
          sendError(
            res,
            service,
            fault === 'throttle' ? 429 : 503,
            fault === 'throttle' ? 'ThrottlingException' : 'ServiceUnavailable',
            'injected fault',
            isJson,
          );
          return;
        }
        handle(service, operation, params, req, res, isJson, region);
      };
      if (fault === 'slow') setTimeout(answer, options.slowMs ?? 3000);
      else answer();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  function handle(
    service: Service,
    operation: string,
    p: Record<string, unknown>,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    isJson: boolean,
    region: string,
  ): void {
    const id = ++counter;
    switch (service) {
      case 'sns': {
        if (operation === 'ListSubscriptionsByTopic') {
          const all = subscriptions.get(String(p.TopicArn)) ?? [];
          const start = Number(p.NextToken ?? 0);
          const page = all.slice(start, start + 2);
          const next = start + 2 < all.length ? String(start + 2) : undefined;
          const list = page.map((x) => ({ ...x, Owner: '111122223333', TopicArn: String(p.TopicArn) }));
          if (isJson) {
            res
              .writeHead(200, JSON10)
              .end(JSON.stringify({ Subscriptions: list, ...(next ? { NextToken: next } : {}) }));
          } else {
            const members = list
              .map(
                (x) =>
                  `<member><TopicArn>${x.TopicArn}</TopicArn><Protocol>${x.Protocol}</Protocol><SubscriptionArn>${x.SubscriptionArn}</SubscriptionArn><Owner>${x.Owner}</Owner><Endpoint>${x.Endpoint}</Endpoint></member>`,
              )
              .join('');
            res
              .writeHead(200, XML)
              .end(
                `<ListSubscriptionsByTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><ListSubscriptionsByTopicResult><Subscriptions>${members}</Subscriptions>${next ? `<NextToken>${next}</NextToken>` : ''}</ListSubscriptionsByTopicResult><ResponseMetadata><RequestId>req-${id}</RequestId></ResponseMetadata></ListSubscriptionsByTopicResponse>`,
              );
          }
          return;
        }
        const messageId = `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`;
        if (isJson) {
          res.writeHead(200, JSON10).end(JSON.stringify({ MessageId: messageId }));
        } else {
          res
            .writeHead(200, XML)
            .end(
              `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${id}</RequestId></ResponseMetadata></PublishResponse>`,
            );
        }
        return;
      }
      case 'events': {
        const entries = (p.Entries as unknown[]) ?? [];
        res
          .writeHead(200, JSON11)
          .end(
            JSON.stringify({ FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `evt-${id}-${i}` })) }),
          );
        return;
      }
      case 'states':
        return handleStates(response, operation, p, res);
      case 'iam':
        return handleIam(response, operation, p, res, principals);
      case 'sqs':
        return handleSqs(response, operation, p, res);
      case 'securityhub': {
        if (operation === 'BatchUpdateFindings') return handleBatchUpdateFindings(response, p, res);
        const list = (p.Findings as Record<string, unknown>[]) ?? [];
        if (rejections > 0) {
          rejections--;
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              FailedCount: list.length,
              SuccessCount: 0,
              FailedFindings: list.map((f) => ({
                Id: f.Id,
                ErrorCode: 'InvalidInput',
                ErrorMessage: 'injected rejection',
              })),
            }),
          );
          return;
        }
        for (const f of list) {
          const prior = findings.get(String(f.Id));
          findings.set(String(f.Id), { finding: f, imports: (prior?.imports ?? 0) + 1 });
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ FailedCount: 0, SuccessCount: list.length, FailedFindings: [] }));
        return;
      }
      case 's3': {
        const bucket = decodeURIComponent((req.url ?? '').split('?')[0].split('/')[1] ?? '');
        const expected = req.headers['x-amz-expected-bucket-owner'];
        const b = buckets.get(bucket);
        if (!b) return s3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
        if (b.readable === false || (expected !== undefined && expected !== b.owner)) {
          return s3Error(res, 403, 'AccessDenied', 'Access Denied');
        }
        const region = b.region ?? 'us-east-1';
        res
          .writeHead(200, { 'content-type': 'application/xml' })
          .end(
            `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${region === 'us-east-1' ? '' : region}</LocationConstraint>`,
          );
        return;
      }
      case 'bedrock': {
        if (
          operation !== 'ListMarketplaceModelEndpoints' &&
          handleBedrock(response, req.method ?? '', req.url ?? '', p, res)
        ) {
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            marketplaceModelEndpoints: marketplaceEndpoints.map((endpointArn) => ({
              endpointArn,
              modelSourceIdentifier: 'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/x/1.0.0',
              status: 'REGISTERED',
              createdAt: '2026-01-01T00:00:00Z',
              updatedAt: '2026-01-01T00:00:00Z',
            })),
          }),
        );
        return;
      }
      case 'ec2': {
        const items = enabledRegions
          .map(
            (r) =>
              `<item><regionName>${r}</regionName><regionEndpoint>ec2.${r}.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>`,
          )
          .join('');
        res
          .writeHead(200, XML)
          .end(
            `<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-${id}</requestId><regionInfo>${items}</regionInfo></DescribeRegionsResponse>`,
          );
        return;
      }
      case 'cloudtrail': {
        if (operation !== 'LookupEvents') return trailOperation(operation, p, res);
        const attrs = (p.LookupAttributes as { AttributeKey: string; AttributeValue: string }[]) ?? [];
        const start = typeof p.StartTime === 'number' ? p.StartTime : -Infinity;
        const end = typeof p.EndTime === 'number' ? p.EndTime : Infinity;
        const matching = history
          .filter((e) =>
            attrs.every((a) =>
              a.AttributeKey === 'EventName'
                ? e.EventName === a.AttributeValue
                : a.AttributeKey === 'Username'
                  ? e.Username === a.AttributeValue
                  : a.AttributeKey === 'EventSource'
                    ? e.EventSource === a.AttributeValue
                    : true,
            ),
          )
          .filter((e) => e.EventTime >= start && e.EventTime <= end && (e.region ?? 'us-east-1') === region)
          .sort((a, b) => b.EventTime - a.EventTime);
        const offset = typeof p.NextToken === 'string' ? Number(p.NextToken) : 0;
        const size = typeof p.MaxResults === 'number' ? p.MaxResults : 50;
        const page = matching.slice(offset, offset + size);
        res.writeHead(200, JSON11).end(
          JSON.stringify({
            Events: page,
            ...(offset + size < matching.length ? { NextToken: String(offset + size) } : {}),
          }),
        );
        return;
      }
      case 'dynamodb':
        return dynamo(operation, p, res);
    }
  }

  function trailOperation(operation: string, p: Record<string, unknown>, res: http.ServerResponse): void {
    const named = String(p.Name ?? p.TrailName ?? '');
    const trail = trails.find((t) => t.TrailARN === named || t.Name === named);
    const ok = (out: unknown): void => {
      res.writeHead(200, JSON11).end(JSON.stringify(out));
    };
    const notFound = (): void => {
      res
        .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: 'TrailNotFoundException', message: `Unknown trail: ${named}` }));
    };
    switch (operation) {
      case 'DescribeTrails': {
        const list = (p.trailNameList as string[] | undefined) ?? [];
        const chosen = list.length ? trails.filter((t) => list.includes(t.TrailARN) || list.includes(t.Name)) : trails;
        return ok({
          trailList: chosen.map((t) => ({
            Name: t.Name,
            TrailARN: t.TrailARN,
            HomeRegion: t.HomeRegion ?? 'us-east-1',
            IsMultiRegionTrail: t.IsMultiRegionTrail,
            IsOrganizationTrail: t.IsOrganizationTrail ?? false,
          })),
        });
      }
      case 'GetTrailStatus':
        if (!trail) return notFound();
        if (trail.statusDenied) {
          res
            .writeHead(400, { 'content-type': 'application/x-amz-json-1.1' })
            .end(JSON.stringify({ __type: 'AccessDeniedException', message: 'not authorized' }));
          return;
        }
        return ok({ IsLogging: trail.IsLogging });
      case 'GetEventSelectors':
        if (!trail) return notFound();
        return ok({ TrailARN: trail.TrailARN, ...trail.selectors });
      default:
        res.writeHead(400, JSON11).end(JSON.stringify({ __type: 'UnknownOperationException', message: operation }));
    }
  }

  function dynamo(operation: string, p: Record<string, unknown>, res: http.ServerResponse): void {
    const key = ((p.Key ?? p.Item) as Record<string, { S?: string }> | undefined)?.id?.S ?? '';
    const names = (p.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const values = (p.ExpressionAttributeValues ?? {}) as Record<string, Record<string, unknown>>;
    const ok = (out: unknown): void => {
      res.writeHead(200, JSON10).end(JSON.stringify(out));
    };
    // A write whose condition does not hold: DynamoDB's error, with the old item when asked for it.
    const conditionFails = (old: Record<string, Record<string, unknown>> | undefined): boolean => {
      if (typeof p.ConditionExpression !== 'string' || evaluateCondition(p.ConditionExpression, old, names, values)) {
        return false;
      }
      res.writeHead(400, JSON10).end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
          message: 'The conditional request failed',
          ...(p.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && old ? { Item: old } : {}),
        }),
      );
      return true;
    };
    switch (operation) {
      case 'GetItem': {
        const item = items.get(key);
        return ok(item ? { Item: item } : {});
      }
      case 'PutItem': {
        const old = items.get(key);
        if (conditionFails(old)) return;
        items.set(key, p.Item as Record<string, Record<string, unknown>>);
        return ok(p.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {});
      }
      case 'UpdateItem': {
        const old = items.get(key);
        if (conditionFails(old)) return;
        const item = { ...(old ?? (p.Key as Record<string, Record<string, unknown>>)) };
        // `SET a = :x, b = list_append(if_not_exists(b, :empty), :y)` and `ADD c :n` clauses, in either order.
        const expression = String(p.UpdateExpression ?? '');
        const clauses = [...expression.matchAll(/(SET|ADD)\s+(.*?)(?=\s+(?:SET|ADD)\s+|$)/g)];
        const value = (text: string): Record<string, unknown> | undefined => {
          const t = text.trim();
          const call = /^(list_append|if_not_exists)\((.*)\)$/.exec(t);
          if (call) {
            const [a, b] = splitTopLevel(call[2]);
            if (call[1] === 'if_not_exists') return item[names[a.trim()] ?? a.trim()] ?? value(b);
            const list = (v: Record<string, unknown> | undefined) => (v?.L as unknown[] | undefined) ?? [];
            return { L: [...list(value(a)), ...list(value(b))] };
          }
          return t.startsWith(':') ? values[t] : item[names[t] ?? t];
        };
        for (const [, verb, body] of clauses) {
          for (const assignment of splitTopLevel(body)) {
            if (verb === 'SET') {
              const at = assignment.indexOf('=');
              const name = assignment.slice(0, at).trim();
              const v = value(assignment.slice(at + 1));
              if (v !== undefined) item[names[name] ?? name] = v;
            } else {
              const [name, operand] = assignment.trim().split(/\s+/);
              const attribute = names[name] ?? name;
              const added = values[operand];
              if (Array.isArray(added.SS)) {
                const before = (item[attribute] as { SS?: string[] } | undefined)?.SS ?? [];
                item[attribute] = { SS: [...new Set([...before, ...(added.SS as string[])])] };
              } else {
                const before = Number((item[attribute] as { N?: string } | undefined)?.N ?? 0);
                item[attribute] = { N: String(before + Number((added as { N?: string }).N ?? 0)) };
              }
            }
          }
        }
        items.set(key, item);
        return ok(p.ReturnValues === 'ALL_NEW' || p.ReturnValues === 'UPDATED_NEW' ? { Attributes: item } : {});
      }
      case 'DeleteItem':
        items.delete(key);
        return ok({});
      default:
        res.writeHead(400, JSON10).end(JSON.stringify({ __type: 'UnknownOperationException', message: operation }));
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    buckets,
    items,
    history,
    findings,
    trails,
    enabledRegions,
    marketplaceEndpoints,
    subscriptions,
    response,
    principals,
    failNext(service, count, kind = 'error') {
      nextFaults.set(service, { count, kind });
    },
    failShare(service, share, kinds = ['error', 'throttle', 'slow', 'reset'], seed = 1) {
      shares.set(service, { share, kinds, state: seed >>> 0 || 1 });
    },
    rejectFindings(count) {
      rejections = count;
    },
    reset() {
      nextFaults.clear();
      shares.clear();
      rejections = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const s of sockets) s.destroy();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

function sendError(
  res: http.ServerResponse,
  service: Service,
  status: number,
  code: string,
  message: string,
  isJson: boolean,
): void {
  if (service === 's3') return s3Error(res, status, code, message);
  if (service === 'sns' && !isJson) {
    res
      .writeHead(status, XML)
      .end(
        `<ErrorResponse><Error><Type>Receiver</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      );
    return;
  }
  res
    .writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': code })
    .end(JSON.stringify({ __type: code, message }));
}

function s3Error(res: http.ServerResponse, status: number, code: string, message: string): void {
  res
    .writeHead(status, { 'content-type': 'application/xml' })
    .end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>r</RequestId></Error>`,
    );
}

/**
 * DynamoDB condition expressions, as far as the function uses them: `attribute_exists(#a)`,
 * `attribute_not_exists(#a)`, comparisons `= <> < <= > >=` of attributes and `:values`, `AND`, `OR`,
 * `NOT` and parentheses. Numbers compare as numbers, strings as strings.
 */
/** Splits at the commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

export function evaluateCondition(
  expression: string,
  item: Record<string, Record<string, unknown>> | undefined,
  names: Record<string, string>,
  values: Record<string, Record<string, unknown>>,
): boolean {
  const tokens = expression.match(/attribute_not_exists|attribute_exists|<>|<=|>=|[()=<>,]|[#:]?[A-Za-z0-9_]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (expected !== undefined && t !== expected) throw new Error(`condition: expected ${expected}, got ${t}`);
    return t;
  };
  const operand = (t: string): { kind: 'N' | 'S' | 'none'; v: number | string } => {
    const av = t.startsWith(':') ? values[t] : item?.[names[t] ?? t];
    if (!av) return { kind: 'none', v: '' };
    if ('N' in av) return { kind: 'N', v: Number(av.N) };
    return { kind: 'S', v: String(av.S ?? JSON.stringify(av)) };
  };
  const primary = (): boolean => {
    const t = take();
    if (t === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (t === 'NOT') return !primary();
    if (t === 'contains') {
      take('(');
      const path = take();
      const attribute = item?.[names[path] ?? path];
      take(',');
      const wanted = values[take()];
      take(')');
      if (!attribute || !wanted) return false;
      const same = (e: unknown) => JSON.stringify(e) === JSON.stringify(wanted);
      if (Array.isArray(attribute.L)) return attribute.L.some(same);
      if (Array.isArray(attribute.SS)) return attribute.SS.includes(wanted.S);
      return typeof attribute.S === 'string' && typeof wanted.S === 'string' && attribute.S.includes(wanted.S);
    }
    if (t === 'attribute_exists' || t === 'attribute_not_exists') {
      take('(');
      const name = take();
      take(')');
      const present = item !== undefined && (names[name] ?? name) in item;
      return t === 'attribute_exists' ? present : !present;
    }
    let a: { kind: 'N' | 'S' | 'none'; v: number | string };
    if (t === 'size') {
      take('(');
      const path = take();
      const attribute = item?.[names[path] ?? path];
      take(')');
      const inside = attribute?.L ?? attribute?.SS ?? attribute?.S;
      a = inside === undefined ? { kind: 'none', v: '' } : { kind: 'N', v: (inside as unknown[] | string).length };
    } else {
      a = operand(t);
    }
    const op = take();
    const b = operand(take());
    if (a.kind === 'none' || b.kind === 'none' || a.kind !== b.kind) return op === '<>';
    switch (op) {
      case '=':
        return a.v === b.v;
      case '<>':
        return a.v !== b.v;
      case '<':
        return a.v < b.v;
      case '<=':
        return a.v <= b.v;
      case '>':
        return a.v > b.v;
      case '>=':
        return a.v >= b.v;
      default:
        throw new Error(`condition: unknown operator ${op}`);
    }
  };
  const and = (): boolean => {
    let v = primary();
    while (peek() === 'AND') {
      take();
      const r = primary();
      v = v && r;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (peek() === 'OR') {
      take();
      const r = and();
      v = v || r;
    }
    return v;
  };
  const result = or();
  if (i !== tokens.length) throw new Error(`condition: unexpected ${tokens[i]}`);
  return result;
}

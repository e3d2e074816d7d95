import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the local SNS endpoint received, as it came over the wire. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The request's parameters: form fields (query protocol) or the JSON body (JSON protocol). */
  readonly params: Record<string, unknown>;
}

export interface LocalSns {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** Answer the next `count` requests with this HTTP status (an SNS error body). */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

/**
 * A small HTTP server on 127.0.0.1 that speaks just enough of SNS for Publish: it records each
 * request and answers with a message id, in the protocol the client used.
 */
export async function startLocalSns(): Promise<LocalSns> {
  const requests: RecordedRequest[] = [];
  let failures = 0;
  let failStatus = 500;
  let counter = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const isJson = String(req.headers['content-type'] ?? '').includes('json');
      const params: Record<string, unknown> = isJson
        ? JSON.parse(body || '{}')
        : Object.fromEntries(new URLSearchParams(body));
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, params });
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus, { 'content-type': 'text/xml' });
        res.end(
          `<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>injected</Message></Error><RequestId>r-${counter}</RequestId></ErrorResponse>`,
        );
        return;
      }
      const messageId = `00000000-0000-4000-8000-${String(++counter).padStart(12, '0')}`;
      if (isJson) {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ MessageId: messageId }));
      } else {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(
          `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>req-${counter}</RequestId></ResponseMetadata></PublishResponse>`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    failNext(count: number, status = 500) {
      failures = count;
      failStatus = status;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

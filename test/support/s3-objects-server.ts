/**
 * A small S3 endpoint on 127.0.0.1 for the `hunt` tests: ListObjectsV2 (paged) and GetObject,
 * path-style (`/bucket/key`), from an in-memory map. Enough for the real `@aws-sdk/client-s3`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalS3 {
  readonly endpoint: string;
  /** Every request's method and URL, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function error(res: http.ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${xml(message)}</Message></Error>`,
  );
}

/**
 * @param buckets bucket → key → bytes
 * @param options pageSize: keys per ListObjectsV2 page (small, so paging is exercised); denied: keys
 *   whose GetObject answers 403
 */
export async function startLocalS3(
  buckets: Readonly<Record<string, Readonly<Record<string, Buffer>>>>,
  options: { pageSize?: number; denied?: readonly string[] } = {},
): Promise<LocalS3> {
  const requests: string[] = [];
  const pageSize = options.pageSize ?? 1000;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      const [, bucket, ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const objects = buckets[decodeURIComponent(bucket)];
      if (!objects) return error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (req.method === 'GET' && key === '' && url.searchParams.get('list-type') === '2') {
        const prefix = url.searchParams.get('prefix') ?? '';
        const after = url.searchParams.get('continuation-token') ?? '';
        const keys = Object.keys(objects)
          .filter((k) => k.startsWith(prefix) && k > after)
          .sort();
        const page = keys.slice(0, pageSize);
        const truncated = keys.length > pageSize;
        const contents = page
          .map(
            (k) =>
              `<Contents><Key>${xml(k)}</Key><Size>${objects[k].length}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
          )
          .join('');
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
            `<Name>${xml(bucket)}</Name><Prefix>${xml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${pageSize}</MaxKeys>` +
            `<IsTruncated>${truncated}</IsTruncated>${truncated ? `<NextContinuationToken>${xml(page[page.length - 1])}</NextContinuationToken>` : ''}` +
            `${contents}</ListBucketResult>`,
        );
        return;
      }
      if (req.method === 'GET' && key !== '') {
        if (options.denied?.includes(key)) return error(res, 403, 'AccessDenied', 'Access Denied');
        const body = objects[key];
        if (!body) return error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
        res.end(body);
        return;
      }
      error(res, 400, 'InvalidRequest', `not supported here: ${req.method} ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/**
 * Where `hunt` reads from: local files and directories, and S3 prefixes (`s3://bucket/prefix`) with
 * the user's default credential chain. The S3 client is loaded only when an input is on S3.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { S3Client } from './s3-sdk';

/** One log file to read. */
export type FileRef =
  | { readonly kind: 'file'; readonly path: string; readonly size: number }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string; readonly size: number };

export function nameOf(ref: FileRef): string {
  return ref.kind === 'file' ? ref.path : `s3://${ref.bucket}/${ref.key}`;
}

/** Names a directory walk or an S3 listing reads: log files, optionally gzipped. */
const LOG_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i;
/** CloudTrail's digest files sit beside the logs and hold no records. */
const DIGEST = /(^|\/)CloudTrail-Digest\//;

export function isLogFileName(name: string): boolean {
  return LOG_FILE.test(name) && !DIGEST.test(name.split(path.sep).join('/'));
}

export interface S3Settings {
  readonly endpointUrl?: string;
  readonly region?: string;
}

/** One input's files, or why it cannot be read. */
export type Listing = { readonly files: FileRef[] } | { readonly error: string };

/** The files of one input: a file as named, a directory's log files (sorted), an S3 prefix's objects. */
export async function listInput(input: string, s3: () => Promise<S3Access>): Promise<Listing> {
  if (input.startsWith('s3://')) {
    const [, bucket, prefix = ''] = /^s3:\/\/([^/]+)\/?(.*)$/.exec(input) ?? [];
    try {
      return { files: await (await s3()).list(bucket, prefix) };
    } catch (e) {
      return { error: `cannot list ${input}: ${describeError(e)}` };
    }
  }
  try {
    const stat = await fs.promises.stat(input);
    if (stat.isFile()) return { files: [{ kind: 'file', path: input, size: stat.size }] };
    if (!stat.isDirectory()) return { error: `${input} is neither a file nor a directory` };
    const files: FileRef[] = [];
    await walk(input, files);
    return { files };
  } catch (e) {
    return { error: `cannot read ${input}: ${describeError(e)}` };
  }
}

async function walk(dir: string, out: FileRef[]): Promise<void> {
  const entries = (await fs.promises.readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'CloudTrail-Digest') await walk(full, out);
    } else if ((e.isFile() || e.isSymbolicLink()) && isLogFileName(full)) {
      const stat = await fs.promises.stat(full).catch(() => undefined);
      if (stat?.isFile()) out.push({ kind: 'file', path: full, size: stat.size });
    }
  }
}

/** Reads one file's bytes. */
export async function readRef(ref: FileRef, s3: () => Promise<S3Access>): Promise<Uint8Array> {
  if (ref.kind === 'file') return fs.promises.readFile(ref.path);
  return (await s3()).get(ref.bucket, ref.key);
}

export function describeError(e: unknown): string {
  const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = err?.$metadata?.httpStatusCode;
  const name = err?.name && err.name !== 'Error' ? `${err.name}: ` : '';
  return `${name}${err?.message ?? String(e)}${status ? ` (HTTP ${status})` : ''}`;
}

/** Listing and reading S3 objects. */
export interface S3Access {
  list(bucket: string, prefix: string): Promise<FileRef[]>;
  get(bucket: string, key: string): Promise<Uint8Array>;
}

/**
 * An S3 reader with the SDK's default credential chain; the SDK module is loaded on first use.
 * Without a region from the flag or the SDK's configuration, us-east-1 (and S3's redirects are followed).
 */
export async function openS3(settings: S3Settings): Promise<S3Access> {
  // Loaded here, on the first s3:// input: in the package, the file beside the command's bundle.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load the bundler keeps as a require of that file
  const sdk = require('./s3-sdk') as typeof import('./s3-sdk');
  const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const make = (r: string | undefined): S3Client =>
    new sdk.S3Client({
      ...(r ? { region: r } : {}),
      ...(settings.endpointUrl ? { endpoint: settings.endpointUrl, forcePathStyle: true } : {}),
      followRegionRedirects: true,
    });
  let client = make(region);
  const send = async <T>(call: (c: S3Client) => Promise<T>): Promise<T> => {
    try {
      return await call(client);
    } catch (e) {
      if (region === undefined && /region is missing/i.test((e as Error).message ?? '')) {
        client = make('us-east-1');
        return call(client);
      }
      throw e;
    }
  };
  return {
    async list(bucket, prefix) {
      const files: FileRef[] = [];
      let token: string | undefined;
      do {
        const page = await send((c) =>
          c.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key !== undefined && isLogFileName(o.Key)) {
            files.push({ kind: 's3', bucket, key: o.Key, size: o.Size ?? 0 });
          }
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return files;
    },
    async get(bucket, key) {
      const out = await send((c) => c.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key })));
      if (!out.Body) throw new Error('the object has no body');
      return out.Body.transformToByteArray();
    },
  };
}

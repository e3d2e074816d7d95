/**
 * The S3 client, in a module of its own: the bundle loads it (a file of its own, `s3-sdk.js`) only
 * for s3:// inputs, so a local hunt does not pay for parsing the SDK in every thread.
 */
export { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

/**
 * Reading a CloudTrail record: a field by its path, the principal as IAM sees it, S3 URIs, the
 * account of an ARN, the user name event history is filtered by. Every other module reads records
 * through these, so one reading of the record format is shared by the verdict, the provenance check,
 * enrichment and the alert. Pure.
 */
import { ACCOUNT_ID } from './ids';
import { isObject, stringOf } from './values';

const SPLIT_PATHS = new Map<string, string[]>();

/** Reads a dotted path with plain property access (no EventBridge flattening of arrays). */
export function getPath(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  let keys = SPLIT_PATHS.get(path);
  if (keys === undefined) {
    keys = path.split('.');
    SPLIT_PATHS.set(path, keys);
  }
  for (const key of keys) {
    if (!isObject(node)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** `userIdentity`, `userIdentity.sessionContext`, its `sessionIssuer` and `attributes`, where they are objects. */
export function identityOf(record: Record<string, unknown>): {
  readonly identity?: Record<string, unknown>;
  readonly session?: Record<string, unknown>;
  readonly issuer?: Record<string, unknown>;
  readonly attributes?: Record<string, unknown>;
} {
  const identity = isObject(record.userIdentity) ? record.userIdentity : undefined;
  const session = isObject(identity?.sessionContext) ? identity.sessionContext : undefined;
  const issuer = isObject(session?.sessionIssuer) ? session.sessionIssuer : undefined;
  const attributes = isObject(session?.attributes) ? session.attributes : undefined;
  return { identity, session, issuer, attributes };
}

/**
 * The principal to compare with the approved patterns, as `aws:PrincipalArn` would be: the role's
 * ARN for a role session (not the `assumed-role` session ARN), the user's or root's ARN otherwise.
 */
export function principalArnOf(record: Record<string, unknown>): string | undefined {
  const { identity, issuer } = identityOf(record);
  if (!identity) return undefined;
  if (identity.type === 'AssumedRole' && stringOf(issuer?.arn)) return stringOf(issuer?.arn);
  return stringOf(identity.arn);
}

/** The account the call was made in: `recipientAccountId`, else the caller's account. */
export function eventAccountOf(record: Record<string, unknown>): string | undefined {
  return stringOf(record.recipientAccountId) ?? stringOf(identityOf(record).identity?.accountId);
}

/** `s3://bucket/key` → bucket and key, or undefined when it is not an S3 URI. */
export function parseS3Uri(uri: string): { bucket: string; key: string } | undefined {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return m ? { bucket: m[1], key: m[2] } : undefined;
}

/** A real S3 bucket name (what may be sent to S3 in a request). */
export const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const ARN_ACCOUNT = /^arn:[^:]+:[^:]+:[^:]*:(\d{12}|aws)?:/;

/** The account field of an ARN (`aws` for AWS-owned resources), or undefined. */
export function accountOfArn(arn: string): string | undefined {
  return ARN_ACCOUNT.exec(arn)?.[1];
}

/** The region field of an ARN, or undefined when it has none. */
export function regionOfArn(arn: string): string | undefined {
  const m = /^arn:[^:]+:[^:]+:([^:]*):/.exec(arn);
  return m?.[1] || undefined;
}

/**
 * The `Username` CloudTrail LookupEvents filters on for the record's principal: the session name of
 * a role session, the user name of an IAM user, `root` for the root user. Undefined when the record
 * names none.
 */
export function lookupUsernameOf(record: Record<string, unknown>): string | undefined {
  const { identity } = identityOf(record);
  if (!identity) return undefined;
  if (identity.type === 'Root') return 'root';
  const userName = stringOf(identity.userName);
  if (userName) return userName;
  const arn = stringOf(identity.arn);
  if (!arn) return undefined;
  const m = /:(?:assumed-role\/[^/]+|user(?:\/.*)?|federated-user)\/([^/]+)$/.exec(arn);
  return m?.[1];
}

/** Whether a string is a 12-digit account id. */
export function isAccountId(value: unknown): value is string {
  return typeof value === 'string' && ACCOUNT_ID.test(value);
}

/**
 * The person behind a session, where the record says: an IAM Identity Center user (`onBehalfOf`, or
 * the session name of an `AWSReservedSSO_` role), a federated user, a session's source identity, or
 * a role session named like an e-mail address. Undefined when the record names no person.
 */
export function humanBehind(record: Record<string, unknown>): string | undefined {
  const { identity, session, issuer } = identityOf(record);
  if (!identity) return undefined;
  const onBehalfOf = isObject(identity.onBehalfOf) ? identity.onBehalfOf : undefined;
  const userId = stringOf(onBehalfOf?.userId);
  if (userId) return `IAM Identity Center user ${userId}`;
  const sessionName = stringOf(identity.principalId)?.split(':')[1];
  const role = stringOf(issuer?.userName);
  if (role?.startsWith('AWSReservedSSO_') && sessionName) {
    return `${sessionName} (IAM Identity Center, permission set ${role.replace(/^AWSReservedSSO_/, '').replace(/_[0-9a-f]{16}$/, '')})`;
  }
  if (identity.type === 'SAMLUser' || identity.type === 'WebIdentityUser') {
    const name = stringOf(identity.userName) ?? stringOf(identity.principalId);
    if (name) return `${name} (${identity.type === 'SAMLUser' ? 'SAML' : 'web identity'} federation)`;
  }
  const sourceIdentity =
    stringOf(identity.sourceIdentity) ??
    stringOf(isObject(session?.attributes) ? session.attributes.sourceIdentity : undefined);
  if (sourceIdentity) return `${sourceIdentity} (source identity)`;
  const federated = isObject(session?.webIdFederationData) ? session.webIdFederationData : undefined;
  if (federated && sessionName)
    return `${sessionName} (federated through ${stringOf(federated.federatedProvider) ?? 'an identity provider'})`;
  if (sessionName && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(sessionName)) return `${sessionName} (role session name)`;
  return undefined;
}

/** How the call reached AWS: console credentials, a bearer token (Bedrock API key). */
export function sessionOf(record: Record<string, unknown>): { console: boolean; bearerToken: boolean } {
  const extra = isObject(record.additionalEventData) ? record.additionalEventData : undefined;
  const flag = (v: unknown) => v === true || v === 'true';
  return {
    console: flag(record.sessionCredentialFromConsole),
    // UNVERIFIED for bedrock control-plane records: bedrock-mantle records carry callWithBearerToken.
    bearerToken: flag(record.callWithBearerToken) || flag(extra?.callWithBearerToken),
  };
}

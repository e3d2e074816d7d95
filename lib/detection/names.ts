/**
 * Physical names of the detector's resources, derived from one prefix. The guardrails and the
 * tamper alert find the detector by these names (across accounts and regions, without cross-stack
 * references), so the constructs and the statements both take them from here. Pure.
 */

/** The default prefix of every detector resource name. */
export const DEFAULT_NAME_PREFIX = 'bedrock-supply-chain';

/** Lower-case letters, digits and hyphens (S3 bucket rules), 3-24 characters, starting with a letter. */
const NAME_PREFIX = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;

export function checkNamePrefix(value: unknown, prop = 'namePrefix'): string | undefined {
  if (typeof value === 'string' && NAME_PREFIX.test(value) && !value.includes('--')) return undefined;
  return `'${prop}' must be 3-24 lower-case letters, digits or single hyphens, starting with a letter and ending with a letter or digit, got ${JSON.stringify(value)}`;
}

/** Names that do not depend on the account or region. */
export interface DetectorNames {
  readonly prefix: string;
  readonly trail: string;
  readonly rule: string;
  readonly tamperRule: string;
  readonly globalTamperRule: string;
  readonly function: string;
  readonly logGroup: string;
  readonly queue: string;
  readonly topic: string;
  /** The topic AWS Chatbot channels subscribe to. */
  readonly chatTopic: string;
  /** The DynamoDB table of delivered events. */
  readonly idempotencyTable: string;
  /** The schedule of the reconciliation sweep. */
  readonly reconcileRule: string;
  readonly keyAlias: string;
  /** IAM role names are global to the account: the region is appended (`<role>-<region>`). */
  readonly rolePrefix: string;
  /** Bucket names are global: the account and region are appended (`<bucket>-<account>-<region>`). */
  readonly bucketPrefix: string;
  /** Tag key set to "true" on the guardrail SCPs, so they can be protected by tag. */
  readonly guardrailTagKey: string;
}

export function detectorNames(prefix: string = DEFAULT_NAME_PREFIX): DetectorNames {
  return {
    prefix,
    trail: `${prefix}-trail`,
    rule: `${prefix}-rule`,
    tamperRule: `${prefix}-tamper-rule`,
    globalTamperRule: `${prefix}-global-tamper-rule`,
    function: `${prefix}-alert`,
    logGroup: `/aws/lambda/${prefix}-alert`,
    queue: `${prefix}-dead-letters`,
    topic: `${prefix}-alerts`,
    chatTopic: `${prefix}-chat`,
    idempotencyTable: `${prefix}-idempotency`,
    reconcileRule: `${prefix}-reconcile`,
    keyAlias: `alias/${prefix}`,
    rolePrefix: `${prefix}-alert`,
    bucketPrefix: `${prefix}-trail`,
    guardrailTagKey: `${prefix}:guardrail`,
  };
}

/**
 * The guardrails' options, their defaults and their checks. Pure: no aws-cdk-lib, constructs or SDK
 * imports (enforced by ESLint).
 */
import {
  ORGANIZATION_ID,
  checkAccountIds,
  checkNamePrefix,
  show,
  type DetectionProfileName,
  type IsUnresolved,
} from '../detection';

/** The services that Bedrock model imports and marketplace endpoints pass roles to. */
export const DEFAULT_PASS_ROLE_SERVICES: readonly string[] = ['bedrock.amazonaws.com', 'sagemaker.amazonaws.com'];

/**
 * AWS-owned buckets that hold JumpStart and Bedrock Marketplace model artifacts (one per region;
 * the private cache holds EULA-gated models).
 */
export const DEFAULT_EXEMPT_BUCKET_ARNS: readonly string[] = [
  'arn:aws:s3:::jumpstart-cache-prod-*',
  'arn:aws:s3:::jumpstart-private-cache-prod-*',
];

/**
 * The CloudFormation execution role that `cdk bootstrap` creates, and the role service-managed
 * StackSets deploy with, in every account.
 */
export const DEFAULT_DEPLOYMENT_PRINCIPAL_ARNS: readonly string[] = [
  'arn:aws:iam::*:role/cdk-*-cfn-exec-role-*',
  'arn:aws:iam::*:role/stacksets-exec-*',
];

/** The guardrail settings' defaults, in one place (a test checks the props' JSDoc against them). */
export const GUARDRAIL_DEFAULTS = {
  passRoleServices: DEFAULT_PASS_ROLE_SERVICES,
  exemptBucketArns: DEFAULT_EXEMPT_BUCKET_ARNS,
  tamperProtection: true,
  deploymentPrincipalArns: DEFAULT_DEPLOYMENT_PRINCIPAL_ARNS,
  partition: 'aws',
} as const;

/** Everything the statements are built from (the constructs' props, as the pure builder takes them). */
export interface GuardrailOptions {
  /** Which watched calls to deny. @default 'default' */
  readonly profile?: DetectionProfileName;
  /** Further Bedrock API names to deny. @default - none */
  readonly additionalEventNames?: readonly string[];
  /**
   * IAM role or user ARN patterns (wildcards allowed) that may make the watched calls and pass
   * roles to the model services: the MLOps pipeline roles and a break-glass role. Required and never
   * empty: an empty list would deny the calls to everyone.
   */
  readonly approvedPrincipalArns: readonly string[];
  /**
   * Role ARN patterns that may be passed to the model services (the model-import service roles and
   * marketplace execution roles). When given, passing any other role to those services is denied,
   * even by approved principals, and these roles may read model artifacts only inside the
   * organisation (with `organizationId`).
   * @default - any role may be passed by an approved principal; no S3 perimeter
   */
  readonly approvedServiceRoleArns?: readonly string[];
  /** @default DEFAULT_PASS_ROLE_SERVICES - bedrock.amazonaws.com, sagemaker.amazonaws.com */
  readonly passRoleServices?: readonly string[];
  /** The organisation (`o-…`) whose buckets the service roles may read. @default - no S3 perimeter */
  readonly organizationId?: string;
  /** Accounts outside the organisation whose buckets the service roles may also read. @default - none */
  readonly trustedAccountIds?: readonly string[];
  /** Buckets the service roles may always read (AWS-owned marketplace buckets). @default DEFAULT_EXEMPT_BUCKET_ARNS */
  readonly exemptBucketArns?: readonly string[];
  /** Deny changes to the detector's resources and to the guardrail SCPs. @default true */
  readonly tamperProtection?: boolean;
  /**
   * Principal ARN patterns that may still change the detector (its deployment role, break-glass).
   * @default DEFAULT_DEPLOYMENT_PRINCIPAL_ARNS - the CDK bootstrap CloudFormation execution role
   */
  readonly deploymentPrincipalArns?: readonly string[];
  /** The detector's resource-name prefix. @default 'bedrock-supply-chain' */
  readonly namePrefix?: string;
  /** @default 'aws' */
  readonly partition?: string;
}

const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'];
const PRINCIPAL_ARN =
  /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-[a-z]|aws-eusc|\*):iam::(\d{12}|\*):(role|user)\/(.+)$/;

const neverUnresolved: IsUnresolved = () => false;

/** Checks one principal or role ARN pattern; returns a message or undefined. */
export function checkPrincipalArnPattern(value: unknown, prop: string, rolesOnly = false): string | undefined {
  const what = rolesOnly ? 'IAM role ARN patterns' : 'IAM role or user ARN patterns';
  const example = rolesOnly ? 'arn:aws:iam::*:role/BedrockModelImport*' : 'arn:aws:iam::*:role/mlops-pipeline-*';
  const m = typeof value === 'string' ? PRINCIPAL_ARN.exec(value) : null;
  if (typeof value === 'string' && /^arn:[^:]*:sts::/.test(value)) {
    return `'${prop}' entries must be ${what}; aws:PrincipalArn of a role session is the role's ARN, not the assumed-role ARN, got ${show(value)}`;
  }
  if (!m || (rolesOnly && m[3] !== 'role')) {
    return `'${prop}' entries must be ${what} like '${example}', got ${show(value)}`;
  }
  if (/^[*?/]*$/.test(m[4])) {
    return `'${prop}' entries must name specific roles or users: ${show(value)} matches every ${m[3]} in the account`;
  }
  return undefined;
}

/** Every problem with the options, each naming the option, the value and what is allowed. */
export function checkGuardrailOptions(o: GuardrailOptions, isUnresolved: IsUnresolved = neverUnresolved): string[] {
  const problems: (string | undefined)[] = [];
  const list = (value: readonly string[] | undefined, check: (v: string) => string | undefined) => {
    if (value === undefined) return;
    if (isUnresolved(value)) return;
    for (const v of value) if (!isUnresolved(v)) problems.push(check(v));
  };
  if (!isUnresolved(o.approvedPrincipalArns)) {
    if (!Array.isArray(o.approvedPrincipalArns) || o.approvedPrincipalArns.length === 0) {
      problems.push(
        `'approvedPrincipalArns' must list at least one IAM role or user ARN pattern (the MLOps pipeline roles and a break-glass role): an empty list would deny the watched Bedrock calls to everyone, got ${show(o.approvedPrincipalArns)}`,
      );
    }
  }
  list(o.approvedPrincipalArns, (v) => checkPrincipalArnPattern(v, 'approvedPrincipalArns'));
  if (
    o.approvedServiceRoleArns !== undefined &&
    !isUnresolved(o.approvedServiceRoleArns) &&
    o.approvedServiceRoleArns.length === 0
  ) {
    problems.push(
      `'approvedServiceRoleArns' must list at least one role ARN pattern when given (leave it out for no role restriction), got []`,
    );
  }
  list(o.approvedServiceRoleArns, (v) => checkPrincipalArnPattern(v, 'approvedServiceRoleArns', true));
  list(o.passRoleServices, (v) =>
    /^[a-z0-9-]+(\.[a-z0-9-]+)*\.amazonaws\.com$/.test(v)
      ? undefined
      : `'passRoleServices' entries must be service principals like 'bedrock.amazonaws.com', got ${show(v)}`,
  );
  if (o.passRoleServices !== undefined && !isUnresolved(o.passRoleServices) && o.passRoleServices.length === 0) {
    problems.push(`'passRoleServices' must name at least one service principal, got []`);
  }
  if (o.organizationId !== undefined && !isUnresolved(o.organizationId) && !ORGANIZATION_ID.test(o.organizationId)) {
    problems.push(
      `'organizationId' must be an AWS Organizations id like 'o-a1b2c3d4e5', got ${show(o.organizationId)}`,
    );
  }
  if (o.organizationId !== undefined && o.approvedServiceRoleArns === undefined) {
    problems.push(
      `'organizationId' sets an S3 perimeter for the model-service roles, so 'approvedServiceRoleArns' must name them`,
    );
  }
  if (o.trustedAccountIds !== undefined && o.organizationId === undefined) {
    problems.push(`'trustedAccountIds' widens the S3 perimeter, which needs 'organizationId'`);
  }
  problems.push(...checkAccountIds(o.trustedAccountIds, 'trustedAccountIds', isUnresolved));
  list(o.exemptBucketArns, (v) =>
    /^arn:[a-z-]+:s3:::[a-z0-9*?][a-z0-9.*?-]*$/.test(v) && !/^arn:[a-z-]+:s3:::[*?]+$/.test(v)
      ? undefined
      : `'exemptBucketArns' entries must be bucket ARNs (wildcards allowed, not every bucket) like 'arn:aws:s3:::jumpstart-cache-prod-*', got ${show(v)}`,
  );
  if (
    o.tamperProtection !== undefined &&
    typeof o.tamperProtection !== 'boolean' &&
    !isUnresolved(o.tamperProtection)
  ) {
    problems.push(`'tamperProtection' must be true or false, got ${show(o.tamperProtection)}`);
  }
  if (o.tamperProtection !== false) {
    const deployers = o.deploymentPrincipalArns ?? DEFAULT_DEPLOYMENT_PRINCIPAL_ARNS;
    if (!isUnresolved(deployers) && deployers.length === 0) {
      problems.push(
        `'deploymentPrincipalArns' must list at least one role ARN pattern that may still update the detector (its CloudFormation role, break-glass), got []`,
      );
    }
    list(o.deploymentPrincipalArns, (v) => checkPrincipalArnPattern(v, 'deploymentPrincipalArns'));
  }
  if (o.namePrefix !== undefined && !isUnresolved(o.namePrefix)) problems.push(checkNamePrefix(o.namePrefix));
  if (o.partition !== undefined && !isUnresolved(o.partition) && !PARTITIONS.includes(o.partition)) {
    problems.push(`'partition' must be one of ${PARTITIONS.map((p) => `'${p}'`).join(', ')}, got ${show(o.partition)}`);
  }
  return problems.filter((p): p is string => p !== undefined);
}

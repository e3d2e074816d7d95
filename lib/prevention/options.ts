/**
 * The guardrails' options, their defaults and their checks. Pure: no aws-cdk-lib, constructs or SDK
 * imports (enforced by ESLint).
 */
import {
  ORGANIZATION_ID,
  checkAccountIds,
  checkNamePrefix,
  partitionOf,
  show,
  type DetectionProfileName,
  type IsUnresolved,
} from '../detection';

import { arnPatternsIntersect } from './patterns';

/** The services that Bedrock model imports and marketplace endpoints pass roles to. */
export const DEFAULT_PASS_ROLE_SERVICES: readonly string[] = ['bedrock.amazonaws.com', 'sagemaker.amazonaws.com'];

/**
 * Further buckets the approved service roles may always read: none. The AWS-owned JumpStart caches
 * are exempted by their exact regional names (`jumpStartBucketArns`), never by a name pattern that
 * anyone could register a bucket under.
 */
export const DEFAULT_EXEMPT_BUCKET_ARNS: readonly string[] = [];

/**
 * The AWS-owned buckets that hold JumpStart and Bedrock Marketplace model artifacts in one region:
 * the public cache and the private cache of EULA-gated models, by their exact names (bucket names are
 * global, so a pattern like `jumpstart-cache-prod-*` could be squatted by any account).
 */
export function jumpStartBucketArns(region: string, partition = 'aws'): string[] {
  return [`jumpstart-cache-prod-${region}`, `jumpstart-private-cache-prod-${region}`].map(
    (b) => `arn:${partition}:s3:::${b}`,
  );
}

/** The approval tag's default key: the tag that makes an imported or custom model invocable. */
export const DEFAULT_APPROVAL_TAG_KEY = 'bedrock-supply-chain:approved';
/** The approval tag's value: only this value approves (a quarantined model gets any other, or none). */
export const APPROVAL_TAG_VALUE = 'true';

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
  identityAdminPrincipalArns: [] as readonly string[],
  useSideGuardrail: true,
  approvalTagKey: DEFAULT_APPROVAL_TAG_KEY,
  denyPassRoleToModelServices: false,
  denyModelSharing: false,
  denyLeavingOrganization: false,
  protectMarketplaceEndpoints: false,
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
  /** Further buckets the service roles may always read, by exact ARN. @default DEFAULT_EXEMPT_BUCKET_ARNS - none */
  readonly exemptBucketArns?: readonly string[];
  /**
   * Regions whose AWS-owned JumpStart cache buckets the service roles may read (by exact name).
   * Required with the S3 perimeter; the constructs default it to `approvedRegions`, else the stack's region.
   * @default - approvedRegions
   */
  readonly jumpStartRegions?: readonly string[];
  /**
   * Who may create, re-trust or give credentials to a principal that matches an approved pattern
   * (the identity pipeline that owns them). Never the deployers.
   * @default - nobody (outside the management account, which SCPs do not bind)
   */
  readonly identityAdminPrincipalArns?: readonly string[];
  /**
   * Who besides the approved principals and the identity admins may assume an approved role (people
   * who use the break-glass role, a tooling account's role). Given, everyone else is denied; not given,
   * only the deployers are.
   * @default - only the deployers are denied
   */
  readonly approvedRoleAssumerArns?: readonly string[];
  /** Deny invoking imported models, custom model deployments and provisioned throughput that lack the approval tag. @default true */
  readonly useSideGuardrail?: boolean;
  /** The approval tag's key (value `true`). @default DEFAULT_APPROVAL_TAG_KEY */
  readonly approvalTagKey?: string;
  /** Deny every unapproved principal passing any role to the model services (wide blast radius). @default false */
  readonly denyPassRoleToModelServices?: boolean;
  /** Deny RAM shares of Bedrock custom models except by approved principals. @default false */
  readonly denyModelSharing?: boolean;
  /** Deny leaving the organisation. @default false */
  readonly denyLeavingOrganization?: boolean;
  /** Regions where bedrock, bedrock-mantle and bedrock-agentcore may be used (cross-region inference kept). @default - any region */
  readonly approvedRegions?: readonly string[];
  /** Deny changes to SageMaker endpoints behind Bedrock marketplace endpoints except by approved principals. @default false */
  readonly protectMarketplaceEndpoints?: boolean;
  /** Further trails the detector relies on (an existing or organisation trail), protected like its own. @default - none */
  readonly protectedTrailNames?: readonly string[];
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
    /^arn:[a-z-]+:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(v)
      ? undefined
      : /[*?]/.test(v)
        ? `'exemptBucketArns' entries must name buckets exactly: bucket names are global, so anyone can create a bucket that matches ${show(v)} in their own account and have the service roles read it (the JumpStart caches are exempted by exact name through 'jumpStartRegions')`
        : `'exemptBucketArns' entries must be bucket ARNs like 'arn:aws:s3:::acme-approved-models', got ${show(v)}`,
  );
  const regionList = (value: readonly string[] | undefined, prop: string) => {
    if (value === undefined || isUnresolved(value)) return;
    if (!Array.isArray(value) || value.length === 0) {
      problems.push(`'${prop}' must list at least one region when given, got ${show(value)}`);
      return;
    }
    for (const r of value) {
      if (!isUnresolved(r) && (typeof r !== 'string' || partitionOf(r) === undefined)) {
        problems.push(`'${prop}' entries must be AWS regions like 'us-east-1', got ${show(r)}`);
      }
    }
  };
  regionList(o.jumpStartRegions, 'jumpStartRegions');
  regionList(o.approvedRegions, 'approvedRegions');
  if (
    o.organizationId !== undefined &&
    o.approvedServiceRoleArns !== undefined &&
    o.jumpStartRegions === undefined &&
    o.approvedRegions === undefined
  ) {
    problems.push(
      `'jumpStartRegions' must name the regions whose AWS-owned JumpStart cache buckets the service roles may read (the S3 perimeter exempts them by exact name), or give 'approvedRegions'`,
    );
  }
  list(o.identityAdminPrincipalArns, (v) => checkPrincipalArnPattern(v, 'identityAdminPrincipalArns'));
  list(o.approvedRoleAssumerArns, (v) => checkPrincipalArnPattern(v, 'approvedRoleAssumerArns'));
  for (const flag of [
    'useSideGuardrail',
    'denyPassRoleToModelServices',
    'denyModelSharing',
    'denyLeavingOrganization',
    'protectMarketplaceEndpoints',
  ] as const) {
    const v: unknown = o[flag];
    if (v !== undefined && typeof v !== 'boolean' && !isUnresolved(v)) {
      problems.push(`'${flag}' must be true or false, got ${show(v)}`);
    }
  }
  if (o.approvalTagKey !== undefined && !isUnresolved(o.approvalTagKey)) {
    const k: unknown = o.approvalTagKey;
    if (typeof k !== 'string' || !/^[\p{L}\p{N} _.:/=+@-]{1,128}$/u.test(k) || /^aws:/i.test(k)) {
      problems.push(
        `'approvalTagKey' must be a tag key: 1-128 letters, digits, spaces or '_.:/=+-@', not starting with 'aws:', got ${show(k)}`,
      );
    }
  }
  list(o.protectedTrailNames, (v) =>
    /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/.test(v)
      ? undefined
      : `'protectedTrailNames' entries must be CloudTrail trail names (3-128 letters, digits, '._-'), got ${show(v)}`,
  );
  // Deploy rights are not import rights: who deploys the detector never matches who is approved, nor
  // who may make approved principals.
  const deployers = o.deploymentPrincipalArns ?? DEFAULT_DEPLOYMENT_PRINCIPAL_ARNS;
  const known = (xs: readonly string[] | undefined) =>
    xs === undefined || isUnresolved(xs) || !Array.isArray(xs)
      ? []
      : xs.filter((x) => typeof x === 'string' && !isUnresolved(x));
  for (const [prop, values, what] of [
    ['approvedPrincipalArns', o.approvedPrincipalArns, 'would let whoever can deploy make the watched calls'],
    [
      'identityAdminPrincipalArns',
      o.identityAdminPrincipalArns,
      'would let whoever can deploy make an approved principal',
    ],
    ['approvedRoleAssumerArns', o.approvedRoleAssumerArns, 'would let whoever can deploy act as an approved role'],
  ] as const) {
    for (const v of known(values).filter((x) => checkPrincipalArnPattern(x, prop) === undefined)) {
      const clash = known(deployers).find((d) => arnPatternsIntersect(v, d));
      if (clash) {
        problems.push(
          `'${prop}' entry ${show(v)} can match the same principal as the deployment principal pattern ${show(clash)}: that ${what}. Deploy rights are not import rights: give the pipeline and identity roles names no deployment pattern matches, or narrow 'deploymentPrincipalArns'`,
        );
      }
    }
  }
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

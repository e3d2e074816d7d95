/**
 * The guardrails' props, as users give them (jsii structs: Python, Java and .NET users get them
 * too). The pure builder takes the same values as `GuardrailOptions`.
 */

/** How the guardrails restrict roles, buckets and the detector, beyond who may make the watched calls. */
export interface GuardrailSettings {
  /**
   * Role ARN patterns that may be passed to the model services (the model-import service roles and
   * marketplace execution roles). When given, passing any other role to those services is denied,
   * even by approved principals, and these roles may read model artifacts only inside the
   * organisation (with `organizationId`).
   * @default - any role may be passed by an approved principal; no S3 perimeter
   */
  readonly approvedServiceRoleArns?: string[];

  /**
   * The service principals the role restrictions apply to.
   * @default ['bedrock.amazonaws.com', 'sagemaker.amazonaws.com']
   */
  readonly passRoleServices?: string[];

  /**
   * The organisation (`o-…`) whose buckets the approved service roles may read.
   * @default - no S3 perimeter
   */
  readonly organizationId?: string;

  /**
   * Accounts outside the organisation whose buckets the approved service roles may also read.
   * @default - none
   */
  readonly trustedAccountIds?: string[];

  /**
   * Further buckets the approved service roles may always read, by exact ARN (no wildcards: bucket
   * names are global, so a pattern could be matched by a bucket in anyone's account).
   * @default [] - none beyond the JumpStart caches of `jumpStartRegions`
   */
  readonly exemptBucketArns?: string[];

  /**
   * Regions whose AWS-owned JumpStart and Bedrock Marketplace model caches
   * (`jumpstart-cache-prod-<region>`, `jumpstart-private-cache-prod-<region>`) the approved service
   * roles may read through the S3 perimeter, by exact bucket name.
   * @default - `approvedRegions`, else the stack's region
   */
  readonly jumpStartRegions?: string[];

  /**
   * Who may create, re-trust (`iam:UpdateAssumeRolePolicy`) or give credentials to (access keys,
   * console password, service-specific credentials such as Bedrock API keys) a principal that matches
   * an approved pattern: the identity pipeline that owns the approved principals. Never the
   * deployers: synth fails when a pattern here can match a `deploymentPrincipalArns` pattern.
   * @default [] - nobody (only the management account, which SCPs do not bind)
   */
  readonly identityAdminPrincipalArns?: string[];

  /**
   * Who besides the approved principals and the identity admins may assume an approved role: the
   * people who use the break-glass role (their IAM Identity Center role, e.g.
   * `arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_BedrockBreakGlass_*`), a
   * tooling account's role. Given, everyone else is denied `sts:AssumeRole` of an approved role (so a
   * role that trusts its own account cannot be reached through a role made for the purpose); not
   * given, only the deployers are. Never a deployer (synth fails on an overlap).
   * @default - only the deployers are denied
   */
  readonly approvedRoleAssumerArns?: string[];

  /**
   * Use-side guardrail: deny `bedrock:InvokeModel*` (Converse and ConverseStream included) and batch
   * inference on imported models, custom model deployments and provisioned throughput unless the
   * resource carries the approval tag (`approvalTagKey` = `true`); only approved principals may set or
   * remove that tag, at creation included. Foundation models and inference profiles are not affected.
   * @default true
   */
  readonly useSideGuardrail?: boolean;

  /**
   * The approval tag's key (its value must be `true`).
   * @default 'bedrock-supply-chain:approved'
   */
  readonly approvalTagKey?: string;

  /**
   * Deny every unapproved principal passing any role to `passRoleServices`. Off by default: it also
   * stops unapproved principals setting up Agents, Knowledge Bases, guardrail evaluations and
   * SageMaker training; the watched-call deny already stops imports on its own.
   * @default false
   */
  readonly denyPassRoleToModelServices?: boolean;

  /**
   * Deny sharing Bedrock custom models through AWS RAM (`ram:RequestedResourceType` =
   * `bedrock:CustomModel`) except by approved principals.
   * @default false
   */
  readonly denyModelSharing?: boolean;

  /**
   * Deny `organizations:LeaveOrganization` (an account that leaves takes itself out of every SCP).
   * @default false
   */
  readonly denyLeavingOrganization?: boolean;

  /**
   * Regions where `bedrock`, `bedrock-mantle` and `bedrock-agentcore` may be used; calls in other
   * regions are denied, except invocations through a system inference profile (cross-region
   * inference routes them to regions the caller does not choose).
   * @default - no region restriction
   */
  readonly approvedRegions?: string[];

  /**
   * Deny, except to approved principals, the SageMaker calls Bedrock makes with the caller's
   * identity for a marketplace endpoint (`aws:CalledViaLast` = bedrock) and changes to endpoints
   * tagged `sagemaker-sdk:bedrock` (a container swap behind a registered endpoint).
   * @default false
   */
  readonly protectMarketplaceEndpoints?: boolean;

  /**
   * Further trails the detector relies on (an existing or organisation trail), protected from being
   * stopped, deleted or re-scoped like its own. `SupplyChainGuard` adds the trail it is given.
   * @default - the detector's own trail only
   */
  readonly protectedTrailNames?: string[];

  /**
   * Deny changes to the detector's resources and to the guardrail SCPs.
   * @default true
   */
  readonly tamperProtection?: boolean;

  /**
   * Principal ARN patterns that may still change the detector (its deployment role, break-glass).
   * @default ['arn:aws:iam::*:role/cdk-*-cfn-exec-role-*', 'arn:aws:iam::*:role/stacksets-exec-*'] - the CDK bootstrap CloudFormation execution role and the service-managed StackSets role
   */
  readonly deploymentPrincipalArns?: string[];

  /**
   * The partition of the ARNs the statements name.
   * @default 'aws'
   */
  readonly partition?: string;
}

/** The guardrail settings, and who is approved. */
export interface GuardrailProps extends GuardrailSettings {
  /**
   * IAM role or user ARN patterns (wildcards allowed) that may make the watched calls and pass
   * roles to the model services: the MLOps pipeline roles and a break-glass role. Never empty: an
   * empty list would deny the calls to everyone.
   */
  readonly approvedPrincipalArns: string[];
}

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
   * Buckets the approved service roles may always read (the AWS-owned JumpStart and marketplace
   * caches).
   * @default ['arn:aws:s3:::jumpstart-cache-prod-*', 'arn:aws:s3:::jumpstart-private-cache-prod-*']
   */
  readonly exemptBucketArns?: string[];

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

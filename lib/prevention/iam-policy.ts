import { Lazy, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

import type { WatchOptions } from '../detector';
import { checkovCheckId, suppressInTemplate } from '../private/compliance-packs';
import { assertAllValid, assertValid, show } from '../private/validation';

import { checkGuardrailOptions } from './options';
import type { PolicyStatementJson } from './policy-document';
import type { GuardrailSettings } from './props';
import { buildGuardrailStatements } from './statements';

/** How the IAM guardrail policy is meant to be used. */
export enum GuardrailPolicyUsage {
  /** Deny statements only, to attach to groups, users or roles (the policy grants nothing). */
  DENY_POLICY = 'denyPolicy',
  /** The same denies as a permissions boundary (with an allow of everything else). */
  PERMISSIONS_BOUNDARY = 'permissionsBoundary',
}

/** `SupplyChainGuardrailPolicyProps`' defaults (a test checks the JSDoc against them). */
/** Why a permissions boundary's `Allow *` is not a grant (for every scanner that reports it). */
export const PERMISSIONS_BOUNDARY_REASON =
  'A permissions boundary grants nothing: its Allow * only lets identity policies keep what they grant, minus the guardrail denies.';

/** checkov's IAM checks that read a boundary's `Allow *` as a grant (privilege escalation, exfiltration, ...). */
export const PERMISSIONS_BOUNDARY_CHECKOV_CHECKS = [
  'CKV_AWS_107',
  'CKV_AWS_108',
  'CKV_AWS_109',
  'CKV_AWS_110',
  'CKV_AWS_111',
];

export const GUARDRAIL_POLICY_DEFAULTS = { usage: GuardrailPolicyUsage.DENY_POLICY } as const;

/** Props of `SupplyChainGuardrailPolicy`. */
export interface SupplyChainGuardrailPolicyProps extends WatchOptions, GuardrailSettings {
  /**
   * Principal ARN patterns approved to import models; more can be added with `approveImporter()`.
   * Together they must not be empty.
   * @default - none here; then `approveImporter()` must be called
   */
  readonly approvedPrincipalArns?: string[];
  /**
   * `DENY_POLICY`: deny statements only, to attach to groups, users or roles (it grants nothing).
   * `PERMISSIONS_BOUNDARY`: the same denies plus an allow of everything else, because a permissions
   * boundary caps what identity policies grant and would otherwise cap them at nothing.
   * @default GuardrailPolicyUsage.DENY_POLICY
   */
  readonly usage?: GuardrailPolicyUsage;
  /**
   * The managed policy's name.
   * @default - a name CloudFormation generates
   */
  readonly managedPolicyName?: string;
}

/**
 * The model supply-chain guardrails as a customer-managed IAM policy, for accounts without AWS
 * Organizations (or in addition to the SCP): the same deny statements as `SupplyChainScp`.
 */
export class SupplyChainGuardrailPolicy extends Construct {
  /** The managed policy, to attach or to use as a permissions boundary. */
  readonly managedPolicy: iam.IManagedPolicy;
  /** The CloudFormation resource. */
  readonly resource: iam.CfnManagedPolicy;
  private readonly approved: string[];
  private attachments = 0;
  private readonly options: SupplyChainGuardrailPolicyProps;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props the approved principals, how the policy is used and the guardrail settings
   */
  constructor(scope: Construct, id: string, props: SupplyChainGuardrailPolicyProps = {}) {
    super(scope, id);
    const usage = props.usage ?? GUARDRAIL_POLICY_DEFAULTS.usage;
    if (!Object.values(GuardrailPolicyUsage).includes(usage)) {
      assertValid(
        `'usage' must be GuardrailPolicyUsage.DENY_POLICY ('denyPolicy') or GuardrailPolicyUsage.PERMISSIONS_BOUNDARY ('permissionsBoundary'), got ${show(usage)}`,
      );
    }
    if (
      props.managedPolicyName !== undefined &&
      !Token.isUnresolved(props.managedPolicyName) &&
      !/^[\w+=,.@-]{1,128}$/.test(props.managedPolicyName)
    ) {
      assertValid(
        `'managedPolicyName' must be 1-128 letters, digits or '+=,.@_-', got ${show(props.managedPolicyName)}`,
      );
    }
    this.options = props;
    this.approved = [...(props.approvedPrincipalArns ?? [])];
    // Checked now for what is known, and again at synth once every approveImporter() call is in.
    assertAllValid(
      checkGuardrailOptions(
        { ...props, approvedPrincipalArns: ['arn:aws:iam::*:role/placeholder'] },
        Token.isUnresolved,
      ),
    );
    this.node.addValidation({
      validate: () =>
        checkGuardrailOptions({ ...this.options, approvedPrincipalArns: this.approved }, Token.isUnresolved),
    });

    // The statements are rendered at synth, after every approveImporter() call. (The L1 resource,
    // because the L2 ManagedPolicy rejects a document that is empty at construction.)
    this.resource = new iam.CfnManagedPolicy(this, 'Resource', {
      managedPolicyName: props.managedPolicyName,
      description: `Bedrock model supply-chain guardrails (${usage === GuardrailPolicyUsage.DENY_POLICY ? 'deny-only; attach to principals' : 'permissions boundary'})`,
      policyDocument: Lazy.any({
        produce: () => ({
          Version: '2012-10-17',
          Statement: [
            ...(usage === GuardrailPolicyUsage.PERMISSIONS_BOUNDARY
              ? [{ Sid: 'AllowWithinBoundary', Effect: 'Allow', Action: '*', Resource: '*' } as PolicyStatementJson]
              : []),
            ...this.statements(),
          ],
        }),
      }),
    });
    this.managedPolicy = iam.ManagedPolicy.fromManagedPolicyArn(this, 'Policy', this.resource.ref);
    if (usage === GuardrailPolicyUsage.PERMISSIONS_BOUNDARY) {
      for (const check of PERMISSIONS_BOUNDARY_CHECKOV_CHECKS) {
        suppressInTemplate(checkovCheckId(check))!(this.resource, PERMISSIONS_BOUNDARY_REASON);
      }
      Validations.of(this.resource).acknowledge(
        {
          id: 'AwsSolutions-IAM5[Action::*]',
          reason: PERMISSIONS_BOUNDARY_REASON,
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason: PERMISSIONS_BOUNDARY_REASON,
        },
        ...[
          'cdk-validator-cfnguard::iam_managed_policy_no_statements_with_admin_access_check',
          'cdk-validator-cfnguard::iam_managed_policy_no_statements_with_full_access_check',
        ].map((id) => ({
          id,
          reason: PERMISSIONS_BOUNDARY_REASON,
        })),
      );
    }
  }

  /** The guardrail statements as they will be synthesized, in their JSON form. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON in the jsii API (a dict in Python, a Map in Java), as aws-cdk has it
  statements(): any[] {
    return buildGuardrailStatements({ ...this.options, approvedPrincipalArns: this.approved });
  }

  /** Approves a role to make the watched Bedrock calls and to pass roles to the model services. */
  approveImporter(role: iam.IRole): void {
    this.approved.push(role.roleArn);
  }

  /** How many principals `attachTo()` attached the policy to. */
  get attachmentCount(): number {
    return this.attachments;
  }

  /** Attaches the policy to a role, user or group (usage `denyPolicy`). */
  attachTo(principal: iam.IRole | iam.IUser | iam.IGroup): void {
    if ('addManagedPolicy' in principal) {
      principal.addManagedPolicy(this.managedPolicy);
      this.attachments++;
    }
  }
}

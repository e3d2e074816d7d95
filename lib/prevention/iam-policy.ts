import { Lazy, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

import { assertAllValid, assertValid, show } from '../private/validation';

import { checkGuardrailOptions, type GuardrailOptions } from './options';
import type { PolicyStatementJson } from './policy-document';
import { buildGuardrailStatements } from './statements';

/**
 * How the IAM guardrail policy is meant to be used: `denyPolicy`, deny statements to attach to
 * principals; `permissionsBoundary`, the same denies as a permissions boundary.
 */
export type GuardrailPolicyUsage = 'denyPolicy' | 'permissionsBoundary';

/** {@link ModelSupplyChainGuardrailPolicyProps}' defaults (a test checks the JSDoc against them). */
export const GUARDRAIL_POLICY_DEFAULTS = { usage: 'denyPolicy' as GuardrailPolicyUsage } as const;

/** Props of {@link ModelSupplyChainGuardrailPolicy}. */
export interface ModelSupplyChainGuardrailPolicyProps extends Omit<GuardrailOptions, 'approvedPrincipalArns'> {
  /**
   * Principal ARN patterns approved to import models; more can be added with `approveImporter()`.
   * Together they must not be empty.
   * @default - none here; then `approveImporter()` must be called
   */
  readonly approvedPrincipalArns?: string[];
  /**
   * `denyPolicy`: deny statements only, to attach to groups, users or roles (it grants nothing).
   * `permissionsBoundary`: the same denies plus an allow of everything else, because a permissions
   * boundary caps what identity policies grant and would otherwise cap them at nothing.
   * @default 'denyPolicy'
   */
  readonly usage?: GuardrailPolicyUsage;
  /** @default - a name CloudFormation generates */
  readonly managedPolicyName?: string;
}

/**
 * The model supply-chain guardrails as a customer-managed IAM policy, for accounts without AWS
 * Organizations (or in addition to the SCP): the same deny statements as {@link ModelSupplyChainScp}.
 */
export class ModelSupplyChainGuardrailPolicy extends Construct {
  /** The managed policy, to attach or to use as a permissions boundary. */
  readonly managedPolicy: iam.IManagedPolicy;
  /** The CloudFormation resource. */
  readonly resource: iam.CfnManagedPolicy;
  private readonly approved: string[];
  private attachments = 0;
  private readonly options: ModelSupplyChainGuardrailPolicyProps;

  constructor(scope: Construct, id: string, props: ModelSupplyChainGuardrailPolicyProps = {}) {
    super(scope, id);
    const usage = props.usage ?? GUARDRAIL_POLICY_DEFAULTS.usage;
    if (usage !== 'denyPolicy' && usage !== 'permissionsBoundary') {
      assertValid(`'usage' must be 'denyPolicy' or 'permissionsBoundary', got ${show(usage)}`);
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
      description: `Bedrock model supply-chain guardrails (${usage === 'denyPolicy' ? 'deny-only; attach to principals' : 'permissions boundary'})`,
      policyDocument: Lazy.any({
        produce: () => ({
          Version: '2012-10-17',
          Statement: [
            ...(usage === 'permissionsBoundary'
              ? [{ Sid: 'AllowWithinBoundary', Effect: 'Allow', Action: '*', Resource: '*' } as PolicyStatementJson]
              : []),
            ...this.statements(),
          ],
        }),
      }),
    });
    this.managedPolicy = iam.ManagedPolicy.fromManagedPolicyArn(this, 'Policy', this.resource.ref);
    if (usage === 'permissionsBoundary') {
      Validations.of(this.resource).acknowledge(
        {
          id: 'AwsSolutions-IAM5[Action::*]',
          reason:
            'A permissions boundary grants nothing: its Allow * only lets identity policies keep what they grant, minus the guardrail denies.',
        },
        {
          id: 'AwsSolutions-IAM5[Resource::*]',
          reason:
            'A permissions boundary grants nothing: its Allow * only lets identity policies keep what they grant, minus the guardrail denies.',
        },
        ...[
          'cdk-validator-cfnguard::iam_managed_policy_no_statements_with_admin_access_check',
          'cdk-validator-cfnguard::iam_managed_policy_no_statements_with_full_access_check',
        ].map((id) => ({
          id,
          reason:
            'A permissions boundary grants nothing: its Allow * only lets identity policies keep what they grant, minus the guardrail denies.',
        })),
      );
    }
  }

  /** The guardrail statements as they will be synthesized. */
  statements(): PolicyStatementJson[] {
    return buildGuardrailStatements({ ...this.options, approvedPrincipalArns: this.approved });
  }

  /** Approves a role to make the watched Bedrock calls and to pass roles to the model services. */
  approveImporter(role: iam.IRole): void {
    this.approved.push(role.roleArn);
  }

  /** How many principals {@link attachTo} attached the policy to. */
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

import { Aspects, Lazy, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

import { DetectionConfigError } from '../detection';
import type { WatchOptions } from '../detector';
import { checkovCheckId, suppressInTemplate } from '../private/compliance-packs';
import { assertAllValid, assertValid, show } from '../private/validation';

import { withConstructDefaults } from './construct-options';
import { checkGuardrailOptions } from './options';
import { IAM_MANAGED_POLICY_MAX_CHARS, packStatements, type PolicyStatementJson } from './policy-document';
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

const BOUNDARY_ALLOW_STATEMENT: PolicyStatementJson = {
  Sid: 'AllowWithinBoundary',
  Effect: 'Allow',
  Action: '*',
  Resource: '*',
};
const BOUNDARY_ALLOW = JSON.stringify(BOUNDARY_ALLOW_STATEMENT);
const PLACEHOLDER_PRINCIPAL = 'arn:aws:iam::*:role/placeholder';
/** What a token (a role ARN resolved at deploy) is taken to need once resolved. */
const TOKEN_CHARS = 100;

/** A document's size as IAM counts it (no whitespace outside strings), tokens taken at `TOKEN_CHARS`. */
function estimatedChars(document: object): number {
  const text = JSON.stringify(document);
  const tokens = text.match(/\$\{Token\[[^\]]*\]\}/g) ?? [];
  return text.length + tokens.reduce((n, t) => n + Math.max(0, TOKEN_CHARS - t.length), 0);
}

/** The statements' Sids, packed into as few policies as fit IAM's quota (tokens at their estimated size). */
function assignPolicyParts(statements: readonly PolicyStatementJson[], reserved: number): string[][] {
  const budget = IAM_MANAGED_POLICY_MAX_CHARS - reserved;
  return packStatements(statements, budget, (st) => estimatedChars(st)).map((part) => part.map((st) => st.Sid!));
}

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
  /** The managed policy, to attach or to use as a permissions boundary (the first, when split). */
  readonly managedPolicy: iam.IManagedPolicy;
  /** The CloudFormation resource (the first, when split). */
  readonly resource: iam.CfnManagedPolicy;
  /**
   * Every managed policy: the statements are split across more than one (usage `denyPolicy`) when
   * they do not fit IAM's 6,144 characters; `attachTo()` attaches them all.
   */
  readonly managedPolicies: iam.IManagedPolicy[];
  private readonly approved: string[];
  private attachments = 0;
  private readonly options: SupplyChainGuardrailPolicyProps;
  private readonly usage: GuardrailPolicyUsage;
  /** The Sids each policy holds. */
  private parts: string[][];
  private readonly resources: iam.CfnManagedPolicy[] = [];
  private readonly attached: (iam.IRole | iam.IUser | iam.IGroup)[] = [];

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
        { ...withConstructDefaults(this, props), approvedPrincipalArns: ['arn:aws:iam::*:role/placeholder'] },
        Token.isUnresolved,
      ),
    );
    this.node.addValidation({
      validate: () =>
        checkGuardrailOptions(
          { ...withConstructDefaults(this, this.options), approvedPrincipalArns: this.approved },
          Token.isUnresolved,
        ),
    });

    // The statements are rendered at synth, after every approveImporter() call. Which statements go
    // into which policy is decided now from the principals known now, and again once the app is built
    // (an aspect): principals approveImporter() added may need another policy, which is then created
    // and attached wherever attachTo() attached the others. Sizes are checked at synth.
    this.usage = usage;
    try {
      this.parts = assignPolicyParts(this.currentStatements(), this.reserved());
    } catch (e) {
      // A watch option the catalogue refuses (an unknown profile, a malformed event name).
      if (e instanceof DetectionConfigError) assertValid(e.message);
      throw e;
    }
    if (usage === GuardrailPolicyUsage.PERMISSIONS_BOUNDARY && this.parts.length > 1) {
      assertValid(
        `a permissions boundary is one policy, and the guardrail statements need ${this.parts.length} policies of at most ${IAM_MANAGED_POLICY_MAX_CHARS} characters: use 'usage: DENY_POLICY' (split across policies), or turn optional guardrails off`,
      );
    }
    this.managedPolicies = [];
    this.parts.forEach((_, i) => this.addPart(i));
    this.resource = this.resources[0];
    this.managedPolicy = this.managedPolicies[0];
    Aspects.of(this).add({
      visit: (node) => {
        if (node === this) this.resplit();
      },
    });
    this.node.addValidation({
      validate: () =>
        this.parts.flatMap((_sids, i) => {
          const chars = estimatedChars(this.document(i));
          return chars > IAM_MANAGED_POLICY_MAX_CHARS
            ? [
                `the IAM guardrail policy${this.parts.length > 1 ? ` (part ${i + 1})` : ''} needs about ${chars} characters, more than the ${IAM_MANAGED_POLICY_MAX_CHARS} IAM allows: approve fewer or shorter patterns, turn optional guardrails off${usage === GuardrailPolicyUsage.PERMISSIONS_BOUNDARY ? ", or use 'usage: DENY_POLICY' (split across policies)" : ''}`,
              ]
            : [];
        }),
    });
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
    return buildGuardrailStatements({
      ...withConstructDefaults(this, this.options),
      approvedPrincipalArns: this.approved,
    });
  }

  private document(part: number) {
    const sids = this.parts[part] ?? [];
    const all = this.statements() as PolicyStatementJson[];
    return {
      Version: '2012-10-17',
      Statement: [
        ...(this.usage === GuardrailPolicyUsage.PERMISSIONS_BOUNDARY ? [BOUNDARY_ALLOW_STATEMENT] : []),
        ...all.filter((st) => st.Sid !== undefined && sids.includes(st.Sid)),
      ],
    };
  }

  /** The statements with the principals approved so far (a placeholder while there are none). */
  private currentStatements(): PolicyStatementJson[] {
    return buildGuardrailStatements({
      ...withConstructDefaults(this, this.options),
      approvedPrincipalArns: this.approved.length ? this.approved : [PLACEHOLDER_PRINCIPAL],
    });
  }

  private reserved(): number {
    return this.usage === GuardrailPolicyUsage.PERMISSIONS_BOUNDARY ? BOUNDARY_ALLOW.length : 0;
  }

  /** Creates policy `i` (0-based) and attaches it wherever the others are attached. */
  private addPart(i: number): void {
    const name = this.options.managedPolicyName;
    const resource = new iam.CfnManagedPolicy(this, i === 0 ? 'Resource' : `Resource${i + 1}`, {
      managedPolicyName: name === undefined ? undefined : i === 0 ? name : `${name}-${i + 1}`,
      description: Lazy.string({
        produce: () =>
          `Bedrock model supply-chain guardrails (${this.usage === GuardrailPolicyUsage.DENY_POLICY ? 'deny-only; attach to principals' : 'permissions boundary'})${this.parts.length > 1 ? `, part ${i + 1} of ${this.parts.length}` : ''}`,
      }),
      policyDocument: Lazy.any({ produce: () => this.document(i) }),
    });
    this.resources.push(resource);
    const policy = iam.ManagedPolicy.fromManagedPolicyArn(this, i === 0 ? 'Policy' : `Policy${i + 1}`, resource.ref);
    this.managedPolicies.push(policy);
    for (const principal of this.attached) if ('addManagedPolicy' in principal) principal.addManagedPolicy(policy);
  }

  /** Once every principal is approved: the statements split again, with more policies if they need them. */
  private resplit(): void {
    if (this.usage === GuardrailPolicyUsage.PERMISSIONS_BOUNDARY || this.approved.length === 0) return;
    const packed = assignPolicyParts(this.currentStatements(), this.reserved());
    const parts = [...packed];
    // Never fewer parts than policies already made (each needs a statement).
    while (parts.length < this.resources.length) {
      const largest = parts.reduce((best, p, i) => (p.length > parts[best].length ? i : best), 0);
      if (parts[largest].length < 2) break;
      parts.push([parts[largest].pop()!]);
    }
    this.parts = parts;
    for (let i = this.resources.length; i < parts.length; i++) this.addPart(i);
  }

  /** Approves a role to make the watched Bedrock calls and to pass roles to the model services. */
  approveImporter(role: iam.IRole): void {
    this.approved.push(role.roleArn);
  }

  /** How many principals `attachTo()` attached the policy to. */
  get attachmentCount(): number {
    return this.attachments;
  }

  /** Attaches the policy (every part of it, those made later too) to a role, user or group (usage `denyPolicy`). */
  attachTo(principal: iam.IRole | iam.IUser | iam.IGroup): void {
    if ('addManagedPolicy' in principal) {
      for (const policy of this.managedPolicies) principal.addManagedPolicy(policy);
      this.attached.push(principal);
      this.attachments++;
    }
  }
}

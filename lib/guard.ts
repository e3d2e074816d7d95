import { Annotations, Aspects, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';

import { BedrockModelSupplyChainDetector, type BedrockModelSupplyChainDetectorProps } from './detector';
import {
  ModelSupplyChainGuardrailPolicy,
  ModelSupplyChainScp,
  checkGuardrailOptions,
  DEFAULT_SCP_BUDGET_BYTES,
  checkScpBudget,
  checkScpProps,
  type GuardrailOptions,
  type GuardrailPolicyUsage,
} from './prevention';
import { assertAllValid, assertValid, isToken, show } from './private/validation';

/** Props of {@link BedrockModelSupplyChainGuard}: the detector's, plus the guardrails'. */
export interface BedrockModelSupplyChainGuardProps
  extends
    BedrockModelSupplyChainDetectorProps,
    Omit<GuardrailOptions, 'profile' | 'additionalEventNames' | 'namePrefix'> {
  /**
   * IAM role or user ARN patterns that may import models, deploy them and create or register
   * marketplace endpoints (the MLOps pipeline roles and a break-glass role). Required: the
   * guardrails deny those calls to everyone else, and the detector's verdicts approve these
   * principals (`approvals.principalArns` is this list: give it only here).
   */
  readonly approvedPrincipalArns: string[];
  /**
   * Attach the guardrails as an SCP to these roots, OUs or accounts. Deploy the stack in the
   * management account (or an Organizations delegated administrator for SCPs).
   * @default - no SCP: the guardrails are enforced only where the IAM guardrail policy is attached
   */
  readonly scpTargetIds?: string[];
  /**
   * Most UTF-8 bytes of one SCP document; statements that do not fit are split across more SCPs.
   * @default 5120
   */
  readonly scpSizeBudgetBytes?: number;
  /**
   * Also create the guardrails as a customer-managed IAM policy (for accounts without Organizations,
   * or in addition to the SCP): `denyPolicy` is a deny-only policy to attach to principals
   * (`guardrailPolicy.attachTo()`), `permissionsBoundary` the same denies as a permissions boundary;
   * `false` for none. The policy binds nobody until it is attached: without `scpTargetIds` and
   * without an attachment, synth warns that prevention is not enforced.
   * @default 'denyPolicy'
   */
  readonly iamGuardrail?: GuardrailPolicyUsage | false;
}

/** {@link BedrockModelSupplyChainGuardProps}' own defaults (a test checks the JSDoc against them). */
export const GUARD_DEFAULTS = {
  scpSizeBudgetBytes: DEFAULT_SCP_BUDGET_BYTES,
  iamGuardrail: 'denyPolicy' as GuardrailPolicyUsage,
} as const;

/** The warning given when no guardrail binds anyone. */
export const PREVENTION_NOT_ENFORCED = 'cdk-bedrock-model-supply-chain:preventionNotEnforced';

/** The umbrella's SCP props under the names it gives them. */
const SCP_PROP_NAMES = {
  targetIds: 'scpTargetIds',
  sizeBudgetBytes: 'scpSizeBudgetBytes',
  policyName: 'scpPolicyName',
} as const;

/**
 * Detection and prevention together, with sensible defaults: the
 * {@link BedrockModelSupplyChainDetector} (with its tamper alerts), the guardrails as an IAM
 * managed policy, and, given `scpTargetIds`, as an SCP. One list of approved principals drives the
 * SCP, the IAM policy and the detector's verdicts. Each piece can also be used alone.
 */
export class BedrockModelSupplyChainGuard extends Construct {
  readonly detector: BedrockModelSupplyChainDetector;
  readonly scp?: ModelSupplyChainScp;
  readonly guardrailPolicy?: ModelSupplyChainGuardrailPolicy;

  constructor(scope: Construct, id: string, props: BedrockModelSupplyChainGuardProps) {
    super(scope, id);
    const guardrails: GuardrailOptions = {
      profile: props.profile,
      additionalEventNames: props.additionalEventNames,
      namePrefix: props.namePrefix,
      approvedPrincipalArns: props.approvedPrincipalArns,
      approvedServiceRoleArns: props.approvedServiceRoleArns,
      passRoleServices: props.passRoleServices,
      organizationId: props.organizationId,
      trustedAccountIds: props.trustedAccountIds,
      exemptBucketArns: props.exemptBucketArns,
      tamperProtection: props.tamperProtection,
      deploymentPrincipalArns: props.deploymentPrincipalArns,
      partition: props.partition,
    };
    assertAllValid(checkGuardrailOptions(guardrails, Token.isUnresolved));
    const given = props.approvals?.principalArns;
    if (given !== undefined && !sameList(given, props.approvedPrincipalArns)) {
      assertValid(
        `'approvals.principalArns' is 'approvedPrincipalArns' in BedrockModelSupplyChainGuard: one list drives the guardrails and the verdicts, so give it only as 'approvedPrincipalArns' (or the same list in both), got ${show(given)}`,
      );
    }
    const iamGuardrail: unknown = props.iamGuardrail;
    if (
      iamGuardrail !== undefined &&
      iamGuardrail !== false &&
      iamGuardrail !== 'denyPolicy' &&
      iamGuardrail !== 'permissionsBoundary'
    ) {
      assertValid(`'iamGuardrail' must be 'denyPolicy', 'permissionsBoundary' or false, got ${show(iamGuardrail)}`);
    }
    if (props.scpTargetIds !== undefined) {
      const scpProps = { ...guardrails, targetIds: props.scpTargetIds, sizeBudgetBytes: props.scpSizeBudgetBytes };
      assertAllValid(checkScpProps(scpProps, SCP_PROP_NAMES));
      this.scp = new ModelSupplyChainScp(this, 'Scp', scpProps);
    } else {
      assertValid(checkScpBudget(props.scpSizeBudgetBytes, SCP_PROP_NAMES.sizeBudgetBytes, isToken));
    }
    if (props.iamGuardrail !== false) {
      this.guardrailPolicy = new ModelSupplyChainGuardrailPolicy(this, 'GuardrailPolicy', {
        ...guardrails,
        approvedPrincipalArns: [...props.approvedPrincipalArns],
        usage: props.iamGuardrail ?? GUARD_DEFAULTS.iamGuardrail,
      });
    }
    this.detector = new BedrockModelSupplyChainDetector(this, 'Detector', {
      ...props,
      approvals: { ...props.approvals, principalArns: [...props.approvedPrincipalArns] },
      guardrailPolicyIds: [...(props.guardrailPolicyIds ?? []), ...(this.scp?.policies.map((p) => p.attrId) ?? [])],
    });
    // Known only once the app is built: whether anything binds principals to the guardrails. An
    // aspect runs at every synthesis (validation may be skipped, as in assertion tests).
    Aspects.of(this).add({
      visit: (node) => {
        if (node !== this || this.scp !== undefined || (this.guardrailPolicy?.attachmentCount ?? 0) > 0) return;
        Annotations.of(this).addWarningV2(
          PREVENTION_NOT_ENFORCED,
          this.guardrailPolicy
            ? "No guardrail binds anyone: there is no SCP (no 'scpTargetIds') and the IAM guardrail policy is attached to nothing. Give 'scpTargetIds' (in the management account), or attach the policy with guard.guardrailPolicy.attachTo(...), or acknowledge this warning if you attach it elsewhere."
            : "No guardrail binds anyone: there is no SCP (no 'scpTargetIds') and no IAM guardrail policy ('iamGuardrail: false'). The watched calls are detected, not prevented.",
        );
      },
    });
  }
}

/** Whether two lists hold the same strings (a token is never the same as anything). */
function sameList(a: unknown, b: readonly string[]): boolean {
  if (!Array.isArray(a) || Token.isUnresolved(a) || Token.isUnresolved(b)) return false;
  const left = new Set(a);
  return left.size === new Set(b).size && b.every((v) => left.has(v));
}

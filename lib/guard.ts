import { Annotations, Aspects, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';

import { DEFAULT_NAME_PREFIX, DetectorMode, detectorNames } from './detection';
import { SupplyChainDetector, reliedOnTrail, validateDetectorProps, type SupplyChainDetectorProps } from './detector';
import {
  DEFAULT_MAX_POLICIES_PER_TARGET,
  DEFAULT_SCP_BUDGET_BYTES,
  checkMaxPoliciesPerTarget,
  GuardrailPolicyUsage,
  SupplyChainGuardrailPolicy,
  SupplyChainScp,
  checkGuardrailOptions,
  checkScpBudget,
  checkScpProps,
  type GuardrailProps,
} from './prevention';
import { withConstructDefaults } from './prevention/construct-options';
import { onlyDetector } from './private/markers';
import { assertAllValid, assertValid, checkBoolean, isToken, show } from './private/validation';

/** Props of `SupplyChainGuard`: the detector's, plus the guardrails'. */
export interface SupplyChainGuardProps extends SupplyChainDetectorProps, GuardrailProps {
  /**
   * Attach the guardrails as an SCP to these roots, OUs or accounts. Deploy the stack in the
   * management account (or an Organizations delegated administrator for SCPs).
   * @default - no SCP: the guardrails are enforced only where the IAM guardrail policy is attached
   */
  readonly scpTargetIds?: string[];
  /**
   * Most UTF-8 bytes of one SCP document; statements that do not fit are split across more SCPs.
   * @default 10240
   */
  readonly scpSizeBudgetBytes?: number;
  /**
   * Most SCPs the guardrails may take on each target when split; synth fails when they need more.
   * @default 5
   */
  readonly scpMaxPoliciesPerTarget?: number;
  /**
   * Also create the guardrails as a customer-managed IAM policy (for accounts without Organizations,
   * or in addition to the SCP). It binds nobody until it is attached: without `scpTargetIds` and
   * without an attachment, synth warns that prevention is not enforced.
   * @default true
   */
  readonly iamGuardrail?: boolean;
  /**
   * How the IAM guardrail policy is used: a deny-only policy to attach to principals
   * (`guardrailPolicy.attachTo()`), or a permissions boundary.
   * @default GuardrailPolicyUsage.DENY_POLICY
   */
  readonly iamGuardrailUsage?: GuardrailPolicyUsage;
}

/** `SupplyChainGuardProps`' own defaults (a test checks the JSDoc against them). */
export const GUARD_DEFAULTS = {
  scpSizeBudgetBytes: DEFAULT_SCP_BUDGET_BYTES,
  scpMaxPoliciesPerTarget: DEFAULT_MAX_POLICIES_PER_TARGET,
  iamGuardrail: true,
  iamGuardrailUsage: GuardrailPolicyUsage.DENY_POLICY,
} as const;

/** The umbrella's SCP props under the names it gives them. */
const SCP_PROP_NAMES = {
  targetIds: 'scpTargetIds',
  sizeBudgetBytes: 'scpSizeBudgetBytes',
  policyName: 'scpPolicyName',
  maxPoliciesPerTarget: 'scpMaxPoliciesPerTarget',
} as const;

/**
 * Detection and prevention together, with sensible defaults: the `SupplyChainDetector` (with its
 * tamper alerts), the guardrails as an IAM managed policy, and, given `scpTargetIds`, as an SCP. One
 * list of approved principals drives the SCP, the IAM policy and the detector's verdicts. Each piece
 * can also be used alone.
 */
export class SupplyChainGuard extends Construct {
  /** The id of the warning given when no guardrail binds anyone, to acknowledge it. */
  public static readonly PREVENTION_NOT_ENFORCED = 'cdk-bedrock-model-supply-chain:preventionNotEnforced';

  /** The detector. */
  readonly detector: SupplyChainDetector;
  /** The SCP, with `scpTargetIds`. */
  readonly scp?: SupplyChainScp;
  /** The IAM guardrail policy, unless `iamGuardrail` is false. */
  readonly guardrailPolicy?: SupplyChainGuardrailPolicy;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props the approved principals, the detector's options and the guardrails'
   */
  constructor(scope: Construct, id: string, props: SupplyChainGuardProps) {
    super(scope, id);
    // The detector's checks first: the guardrails are built from the same watch options.
    validateDetectorProps(props);
    const guardrails: GuardrailProps &
      Pick<SupplyChainDetectorProps, 'profile' | 'additionalEventNames' | 'namePrefix'> = {
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
      identityAdminPrincipalArns: props.identityAdminPrincipalArns,
      approvedRoleAssumerArns: props.approvedRoleAssumerArns,
      useSideGuardrail: props.useSideGuardrail,
      approvalTagKey: props.approvalTagKey,
      denyPassRoleToModelServices: props.denyPassRoleToModelServices,
      denyModelSharing: props.denyModelSharing,
      denyLeavingOrganization: props.denyLeavingOrganization,
      approvedRegions: props.approvedRegions,
      jumpStartRegions: props.jumpStartRegions,
      protectMarketplaceEndpoints: props.protectMarketplaceEndpoints,
      // The trail the detector relies on is protected like its own, by name.
      protectedTrailNames: reliedOnTrailNames(this, props),
      partition: props.partition,
    };
    assertAllValid(checkGuardrailOptions(withConstructDefaults(this, guardrails), Token.isUnresolved));
    const given = props.approvals?.principalArns;
    if (given !== undefined && !sameList(given, props.approvedPrincipalArns)) {
      assertValid(
        `'approvals.principalArns' is 'approvedPrincipalArns' in SupplyChainGuard: one list drives the guardrails and the verdicts, so give it only as 'approvedPrincipalArns' (or the same list in both), got ${show(given)}`,
      );
    }
    assertValid(checkBoolean(props.iamGuardrail, 'iamGuardrail'));
    const usage: unknown = props.iamGuardrailUsage;
    if (usage !== undefined && !(Object.values(GuardrailPolicyUsage) as unknown[]).includes(usage)) {
      assertValid(
        `'iamGuardrailUsage' must be GuardrailPolicyUsage.DENY_POLICY ('denyPolicy') or GuardrailPolicyUsage.PERMISSIONS_BOUNDARY ('permissionsBoundary'), got ${show(usage)}`,
      );
    }
    if (props.scpTargetIds !== undefined) {
      const scpProps = {
        ...withConstructDefaults(this, guardrails),
        targetIds: props.scpTargetIds,
        sizeBudgetBytes: props.scpSizeBudgetBytes,
        maxPoliciesPerTarget: props.scpMaxPoliciesPerTarget,
      };
      assertAllValid(checkScpProps(scpProps, SCP_PROP_NAMES));
      this.scp = new SupplyChainScp(this, 'Scp', scpProps);
    } else {
      assertValid(checkScpBudget(props.scpSizeBudgetBytes, SCP_PROP_NAMES.sizeBudgetBytes, isToken));
      assertValid(
        checkMaxPoliciesPerTarget(props.scpMaxPoliciesPerTarget, SCP_PROP_NAMES.maxPoliciesPerTarget, isToken),
      );
    }
    if (props.iamGuardrail ?? GUARD_DEFAULTS.iamGuardrail) {
      this.guardrailPolicy = new SupplyChainGuardrailPolicy(this, 'GuardrailPolicy', {
        ...guardrails,
        approvedPrincipalArns: [...props.approvedPrincipalArns],
        usage: props.iamGuardrailUsage ?? GUARD_DEFAULTS.iamGuardrailUsage,
      });
    }
    this.detector = new SupplyChainDetector(this, 'Detector', {
      ...props,
      approvals: { ...props.approvals, principalArns: [...props.approvedPrincipalArns] },
      // Contain mode removes the tag the use-side guardrail requires: the guardrails' key, unless given.
      ...(props.mode === DetectorMode.CONTAIN && props.approvalTagKey !== undefined
        ? { containment: { approvalTagKey: props.approvalTagKey, ...props.containment } }
        : {}),
      guardrailPolicyIds: [...(props.guardrailPolicyIds ?? []), ...(this.scp?.policies.map((p) => p.attrId) ?? [])],
    });
    // This SCP covers this detector; other detectors in the app have SCPs of their own.
    if (this.scp) onlyDetector(this.scp, this.detector);
    // Known only once the app is built: whether anything binds principals to the guardrails. An
    // aspect runs at every synthesis (validation may be skipped, as in assertion tests).
    Aspects.of(this).add({
      visit: (node) => {
        if (node !== this || this.scp !== undefined || (this.guardrailPolicy?.attachmentCount ?? 0) > 0) return;
        Annotations.of(this).addWarningV2(
          SupplyChainGuard.PREVENTION_NOT_ENFORCED,
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

/** The names of the trail the detector will rely on, beyond the detector's own trail name. */
function reliedOnTrailNames(scope: Construct, props: SupplyChainGuardProps): string[] | undefined {
  const own = props.protectedTrailNames ?? [];
  if (props.trail === undefined) return props.protectedTrailNames;
  const names = detectorNames(props.namePrefix ?? DEFAULT_NAME_PREFIX);
  const relied = reliedOnTrail(scope, props.trail, names).name;
  return relied === undefined || relied === names.trail || own.includes(relied)
    ? props.protectedTrailNames
    : [...own, relied];
}

import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';

import {
  BedrockModelSupplyChainDetector,
  type BedrockModelSupplyChainDetectorProps,
} from './bedrock-model-supply-chain-detector';
import { ModelSupplyChainGuardrailPolicy, type GuardrailPolicyUsage } from './model-supply-chain-guardrail-policy';
import { ModelSupplyChainScp, SCP_MAX_BYTES } from './model-supply-chain-scp';
import { checkGuardrailOptions, type GuardrailOptions } from './prevention';
import { PropValidationError, assertValid, checkScpBudget, checkTargetIds, show } from './private/validation';

/** Props of {@link BedrockModelSupplyChainGuard}: the detector's, plus the guardrails'. */
export interface BedrockModelSupplyChainGuardProps
  extends
    BedrockModelSupplyChainDetectorProps,
    Omit<GuardrailOptions, 'profile' | 'additionalEventNames' | 'namePrefix'> {
  /**
   * IAM role or user ARN patterns that may import models, deploy them and create or register
   * marketplace endpoints (the MLOps pipeline roles and a break-glass role). Required: the
   * guardrails deny those calls to everyone else.
   */
  readonly approvedPrincipalArns: string[];
  /**
   * Attach the guardrails as an SCP to these roots, OUs or accounts. Deploy the stack in the
   * management account (or an Organizations delegated administrator for SCPs).
   * @default - no SCP
   */
  readonly scpTargetIds?: string[];
  /** @default 5120 */
  readonly scpSizeBudgetBytes?: number;
  /**
   * Create the guardrails as a customer-managed IAM policy too (for accounts without Organizations;
   * attach it to principals or use it as a permissions boundary), or `false` for none.
   * @default 'attach'
   */
  readonly iamGuardrail?: GuardrailPolicyUsage | false;
}

/**
 * Detection and prevention together, with sensible defaults: the
 * {@link BedrockModelSupplyChainDetector} (with its tamper alerts), the guardrails as an IAM
 * managed policy, and, given `scpTargetIds`, as an SCP. Each piece can also be used alone.
 */
export class BedrockModelSupplyChainGuard extends Construct {
  readonly detector: BedrockModelSupplyChainDetector;
  readonly scp?: ModelSupplyChainScp;
  readonly guardrailPolicy?: ModelSupplyChainGuardrailPolicy;

  constructor(scope: Construct, id: string, props: BedrockModelSupplyChainGuardProps) {
    super(scope, id);
    const guardrails = {
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
    for (const problem of checkGuardrailOptions(guardrails, Token.isUnresolved)) assertValid(problem);
    // The SCP's and the IAM policy's props under the names they have here.
    if (props.scpTargetIds !== undefined) assertValid(checkTargetIds(props.scpTargetIds, 'scpTargetIds'));
    assertValid(checkScpBudget(props.scpSizeBudgetBytes, 'scpSizeBudgetBytes', SCP_MAX_BYTES));
    const iamGuardrail: unknown = props.iamGuardrail;
    if (
      iamGuardrail !== undefined &&
      iamGuardrail !== false &&
      iamGuardrail !== 'attach' &&
      iamGuardrail !== 'permissionsBoundary'
    ) {
      assertValid(`'iamGuardrail' must be 'attach', 'permissionsBoundary' or false, got ${show(iamGuardrail)}`);
    }
    if (props.scpTargetIds !== undefined) {
      try {
        this.scp = new ModelSupplyChainScp(this, 'Scp', {
          ...guardrails,
          targetIds: props.scpTargetIds,
          sizeBudgetBytes: props.scpSizeBudgetBytes,
        });
      } catch (e) {
        // Only known once the statements are built: a budget below the largest statement.
        if (e instanceof PropValidationError && e.message.startsWith(`'sizeBudgetBytes'`)) {
          throw new PropValidationError(`'scpSizeBudgetBytes'${e.message.slice(`'sizeBudgetBytes'`.length)}`);
        }
        throw e;
      }
    }
    if (props.iamGuardrail !== false) {
      this.guardrailPolicy = new ModelSupplyChainGuardrailPolicy(this, 'GuardrailPolicy', {
        ...guardrails,
        approvedPrincipalArns: [...props.approvedPrincipalArns],
        usage: props.iamGuardrail ?? 'attach',
      });
    }
    this.detector = new BedrockModelSupplyChainDetector(this, 'Detector', {
      ...props,
      guardrailPolicyIds: [...(props.guardrailPolicyIds ?? []), ...(this.scp?.policies.map((p) => p.attrId) ?? [])],
    });
  }
}

import { Annotations, Aspects, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import { Construct } from 'constructs';

import { DEFAULT_NAME_PREFIX, checkPolicyTargetIds, detectorNames, utf8Bytes } from '../detection';
import type { WatchOptions } from '../detector';
import { claimGlobalName } from '../private/global-names';
import { detectorsFor } from '../private/markers';
import { assertAllValid, isToken, show } from '../private/validation';

import { withConstructDefaults } from './construct-options';
import { checkGuardrailOptions } from './options';
import {
  DEFAULT_MAX_POLICIES_PER_TARGET,
  DEFAULT_SCP_BUDGET_BYTES,
  SCP_MAX_BYTES,
  checkMaxPoliciesPerTarget,
  checkPolicyCount,
  checkScpBudget,
  packStatements,
  policyDocumentJson,
} from './policy-document';
import type { GuardrailProps } from './props';
import { buildGuardrailStatements } from './statements';

/** How the SCP's own props are named where they are given (the umbrella names them `scp…`). */
interface ScpPropNames {
  readonly targetIds: string;
  readonly sizeBudgetBytes: string;
  readonly policyName: string;
  readonly maxPoliciesPerTarget: string;
}
const OWN_PROP_NAMES: ScpPropNames = {
  targetIds: 'targetIds',
  sizeBudgetBytes: 'sizeBudgetBytes',
  policyName: 'policyName',
  maxPoliciesPerTarget: 'maxPoliciesPerTarget',
};

/**
 * Every problem with the SCP's props, each naming the prop as `propNames` says, the value and what
 * is allowed; the budget is checked against the statements the options build.
 */
export function checkScpProps(props: SupplyChainScpProps, propNames: ScpPropNames = OWN_PROP_NAMES): string[] {
  const problems: (string | undefined)[] = [
    checkPolicyTargetIds(props.targetIds, propNames.targetIds, isToken),
    checkScpBudget(props.sizeBudgetBytes, propNames.sizeBudgetBytes, isToken),
    checkMaxPoliciesPerTarget(props.maxPoliciesPerTarget, propNames.maxPoliciesPerTarget, isToken),
  ];
  if (props.policyName !== undefined && !Token.isUnresolved(props.policyName)) {
    // A split policy appends '-<n>' to the name; Organizations allows 128 characters.
    if (typeof props.policyName !== 'string' || props.policyName.length < 1 || props.policyName.length > 125) {
      problems.push(
        `'${propNames.policyName}' must be 1-125 characters (a split policy appends '-<n>'), got ${show(props.policyName)}`,
      );
    }
  }
  const options = checkGuardrailOptions(props, isToken);
  problems.push(...options);
  if (!problems.some((p) => p !== undefined)) {
    const budget = props.sizeBudgetBytes ?? DEFAULT_SCP_BUDGET_BYTES;
    try {
      const packed = packStatements(buildGuardrailStatements(props), budget);
      problems.push(
        checkPolicyCount(
          packed.length,
          packed.map((p) => utf8Bytes(policyDocumentJson(p))),
          budget,
          props.maxPoliciesPerTarget ?? DEFAULT_MAX_POLICIES_PER_TARGET,
          propNames,
        ),
      );
    } catch (e) {
      problems.push(`'${propNames.sizeBudgetBytes}' is too small: ${(e as Error).message}`);
    }
  }
  return problems.filter((p): p is string => p !== undefined);
}

/** Props of `SupplyChainScp`. */
export interface SupplyChainScpProps extends WatchOptions, GuardrailProps {
  /**
   * Where to attach the policy: the organisation root (`r-…`), OUs (`ou-…`) or member accounts
   * (12 digits).
   */
  readonly targetIds: string[];
  /**
   * Most UTF-8 bytes of one policy document. Statements that do not fit in one policy are split
   * across as few policies as fit, each taking an attachment slot on every target.
   * @default 10240 - the quota since May 2026 (give 5120, the quota before, for older tooling)
   */
  readonly sizeBudgetBytes?: number;
  /**
   * Most SCPs the guardrails may take on each target when they are split; synth fails when they
   * need more. The organisation allows 10 per root, OU or account (5 before May 2026), and
   * FullAWSAccess and the landing zone's own SCPs take some of them.
   * @default 5
   */
  readonly maxPoliciesPerTarget?: number;
  /**
   * The OUs (or root) the detector's account sits under, as far as the topology knows: synth warns
   * when no target of this SCP covers a detector in the same app, since its tamper protection then
   * binds nobody in that account.
   * @default - only targets that name the detector's account or a root count
   */
  readonly detectorParentIds?: string[];
  /**
   * Name of the policy; a split policy gets `-1`, `-2`, ... appended.
   * @default - '<namePrefix>-guardrail'
   */
  readonly policyName?: string;
}

/**
 * The model supply-chain guardrails as AWS Organizations service control policies. Deploy it in
 * the management account or an Organizations delegated administrator account for SCPs. SCPs do
 * not restrict principals in the management account or service-linked roles.
 */
export class SupplyChainScp extends Construct {
  /** The id of the warning given when a detector in the app sits outside every target, to acknowledge it. */
  public static readonly DETECTOR_NOT_COVERED = 'cdk-bedrock-model-supply-chain:detectorNotCovered';

  /** The statements in their JSON form, before packing. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON in the jsii API (a dict in Python, a Map in Java), as aws-cdk has it
  readonly statements: any[];
  /** Each policy's document as the minified JSON that is submitted (and counted against the quota). */
  readonly documents: string[];
  /** UTF-8 size of each document. */
  readonly documentBytes: number[];
  /** The policies; more than one when the statements did not fit the budget. */
  readonly policies: organizations.CfnPolicy[];
  /** Attachment slots the guardrails take on each target (SCPs: 10 per root, OU or account). */
  readonly attachmentSlotsPerTarget: number;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props the targets, the approved principals and the guardrail settings
   */
  constructor(scope: Construct, id: string, props: SupplyChainScpProps) {
    super(scope, id);
    props = withConstructDefaults(this, props);
    assertAllValid(checkScpProps(props));
    const budget = props.sizeBudgetBytes ?? DEFAULT_SCP_BUDGET_BYTES;
    this.statements = buildGuardrailStatements(props);
    const packed = packStatements(this.statements, budget);
    // Tokens (a principal ARN from another construct, say) resolve at deploy: the document is
    // rendered then, and its size is checked on the resolved text where it is known at synth.
    const stack = Stack.of(this);
    this.documents = packed.map((statements) => policyDocumentJson(statements));
    this.documentBytes = this.documents.map(utf8Bytes);
    this.attachmentSlotsPerTarget = packed.length;
    const names = detectorNames(props.namePrefix ?? DEFAULT_NAME_PREFIX);
    const baseName = props.policyName ?? names.scp;
    // Policy names are global to the organisation.
    claimGlobalName(this, {
      what: `create the SCP '${baseName}'`,
      key: `scp/${baseName}`,
      scope: 'organization',
      remedy:
        "The organisation needs its guardrails once: create the SCP in one stack (give the other umbrella constructs no 'scpTargetIds'), or give each SCP its own policy name.",
    });
    this.policies = packed.map((statements, i) => {
      const document = this.documents[i];
      const policy = new organizations.CfnPolicy(this, packed.length === 1 ? 'Resource' : `Resource${i + 1}`, {
        name: packed.length === 1 ? baseName : `${baseName}-${i + 1}`,
        description: `Bedrock model supply-chain guardrails${packed.length === 1 ? '' : ` (part ${i + 1} of ${packed.length})`}: only approved principals import models or register marketplace endpoints; the detector cannot be switched off.`,
        type: 'SERVICE_CONTROL_POLICY',
        content: { Version: '2012-10-17', Statement: statements },
        targetIds: props.targetIds,
        tags: [{ key: names.guardrailTagKey, value: 'true' }],
      });
      // Submit the minified text itself (CloudFormation takes Content as a JSON string too), so the
      // bytes counted here are the bytes Organizations counts against the quota. Tokens resolve at
      // deploy, so a document with tokens is rendered as a string then.
      policy.addPropertyOverride(
        'Content',
        Token.isUnresolved(document)
          ? Lazy.string({ produce: () => stack.toJsonString({ Version: '2012-10-17', Statement: statements }) })
          : document,
      );
      return policy;
    });
    this.warnWhenDetectorsUncovered(props);
    if (packed.length > 1) {
      Annotations.of(this).addWarningV2(
        'cdk-bedrock-model-supply-chain:scpSplit',
        `The guardrail statements (${this.documentBytes.join(' + ')} bytes) do not fit one ${budget}-byte policy, so they are split across ${packed.length} SCPs: that takes ${packed.length} of the 10 SCP attachment slots on every target (at most ${props.maxPoliciesPerTarget ?? DEFAULT_MAX_POLICIES_PER_TARGET} allowed by 'maxPoliciesPerTarget'). Raise the size budget (up to ${SCP_MAX_BYTES}) to use fewer.`,
      );
    }
  }

  /**
   * The detectors in the same app are protected only where this SCP binds: warn, once the app is
   * built, about each whose account no target covers as far as the topology says.
   */
  private warnWhenDetectorsUncovered(props: SupplyChainScpProps): void {
    if (Token.isUnresolved(props.targetIds)) return;
    const targets = new Set(props.targetIds);
    const underATarget = (props.detectorParentIds ?? []).some((p) => targets.has(p));
    const own = Stack.of(this).account;
    Aspects.of(this).add({
      visit: (node) => {
        if (node !== this) return;
        for (const d of detectorsFor(this, detectorNames(props.namePrefix ?? DEFAULT_NAME_PREFIX).prefix)) {
          if (Token.isUnresolved(d.account)) continue;
          const sameAccount = !Token.isUnresolved(own) && d.account === own;
          // A root covers every account but the management account, which may be this one.
          if (targets.has(d.account)) continue;
          if (!sameAccount && (underATarget || [...targets].some((t) => t.startsWith('r-')))) continue;
          Annotations.of(this).addWarningV2(
            SupplyChainScp.DETECTOR_NOT_COVERED,
            sameAccount
              ? `The detector at ${d.path} is in account ${d.account}, the account that creates this SCP: if it is the management account, no SCP ever binds it, so its tamper protection binds nobody there. Run the detector in a member account under one of the targets (the security account), or acknowledge this warning.`
              : `The detector at ${d.path} is in account ${d.account}, which no target of this SCP covers as far as this app knows (targets: ${[...props.targetIds].join(', ')}): its tamper protection binds nobody there. Add the account or its OU to 'targetIds', or name the OU it sits under in 'detectorParentIds'.`,
          );
        }
      },
    });
  }
}

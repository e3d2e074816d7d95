/**
 * Contain mode: what the detector may do about a watched call, per verdict, and the safety rules it
 * never breaks (never on `approved`, never on a listed resource or principal, never on its own
 * roles). Here: the settings, their checks, and the plan for one call: which actions, on what,
 * with the AWS call each makes. Pure; the function carries the plan out.
 */
import { FOLLOWED_CALLS, type FollowedKind } from './lifecycle';
import { identityOf, principalArnOf } from './record';
import { show, stringOf } from './values';
import { globMatch } from './verdict';
import { VERDICT_KINDS, type VerdictKind } from './verdict-kinds';

/** What containment can do. */
export enum ContainmentAction {
  /**
   * Remove the approval tag from the model, deployment or provisioned throughput and tag it
   * quarantined: with the use-side guardrail, invocation is denied at once. Undo: an approved
   * principal tags it back.
   */
  QUARANTINE_MODEL = 'quarantine-model',
  /** Delete the custom model deployment (`DeleteCustomModelDeployment`). */
  DELETE_DEPLOYMENT = 'delete-deployment',
  /** Delete a created marketplace endpoint, or deregister a registered one (the SageMaker endpoint stays). */
  DELETE_ENDPOINT = 'delete-endpoint',
  /** Stop a model customization job that is still running. Import and copy jobs cannot be stopped. */
  STOP_JOB = 'stop-job',
  /**
   * Attach the detector's quarantine policy (deny every action) to the calling role or user: every
   * session it has, old and new, is stopped (a superset of IAM's "revoke active sessions"). Undo:
   * detach the policy. The function can attach that one policy and nothing else. Off unless listed.
   */
  QUARANTINE_PRINCIPAL = 'quarantine-principal',
}

export type ContainmentActionName = `${ContainmentAction}`;
export const CONTAINMENT_ACTIONS: readonly ContainmentActionName[] = Object.values(ContainmentAction);

/** What contain mode does, as the function's configuration carries it. */
export interface ContainmentSettings {
  /** The actions per verdict; a verdict not listed is never contained (`approved` never is). */
  readonly actions: Partial<Record<VerdictKind, readonly ContainmentActionName[]>>;
  /** The verdicts contained without asking; every other verdict with actions waits to be asked. */
  readonly automatic: readonly VerdictKind[];
  /** Record and report what would be done, and do nothing. */
  readonly dryRun: boolean;
  /** Containments (one per alert) at most per clock hour; past it, the alert says to contain by hand. */
  readonly maxPerHour: number;
  /** Resource and principal ARN patterns (`*`, `?`) that are never touched. */
  readonly neverTouch: readonly string[];
  /** The tag key the use-side guardrail requires (`true`) on an invocable model. */
  readonly approvalTagKey: string;
  /** The tag key containment puts on what it quarantines (value: the alert's event id). */
  readonly quarantineTagKey: string;
  /** Whether the Security Hub custom action exists ("Contain this model"). */
  readonly customAction: boolean;
}

export const DEFAULT_CONTAINMENT_ACTIONS: readonly ContainmentActionName[] = [
  'quarantine-model',
  'delete-deployment',
  'delete-endpoint',
  'stop-job',
];

export const DEFAULT_CONTAINMENT: ContainmentSettings = {
  actions: { 'untrusted-source': DEFAULT_CONTAINMENT_ACTIONS },
  automatic: [],
  dryRun: false,
  maxPerHour: 10,
  neverTouch: [],
  approvalTagKey: 'bedrock-supply-chain:approved',
  quarantineTagKey: 'bedrock-supply-chain:quarantined',
  customAction: true,
};

export const CONTAINMENT_RATE_BOUNDS = [1, 1000] as const;

/** How a skip reads when a job has not made its model yet (the follow-up contains it later). */
export const NOT_YET = 'has not made its model yet';

/** The managed policy a quarantined principal gets attached (IAM names are global: the region is appended). */
export function quarantinePolicyName(prefix: string, region: string): string {
  return `${prefix}-quarantine-${region}`;
}

/** What the quarantine policy says: nothing is allowed to the principal it is attached to. */
export const QUARANTINE_POLICY_STATEMENT = {
  Sid: 'QuarantinedByTheBedrockSupplyChainDetector',
  Effect: 'Deny',
  Action: '*',
  Resource: '*',
} as const;

/** The AWS call one containment step makes. */
export type ContainmentCall =
  | 'UntagResource+TagResource'
  | 'DeleteCustomModelDeployment'
  | 'DeleteMarketplaceModelEndpoint'
  | 'DeregisterMarketplaceModelEndpoint'
  | 'StopModelCustomizationJob'
  | 'AttachRolePolicy'
  | 'AttachUserPolicy';

export interface ContainmentStep {
  readonly action: ContainmentActionName;
  readonly call: ContainmentCall;
  /** The ARN (or job identifier) acted on; for a principal, its role or user name is `name`. */
  readonly target: string;
  readonly name?: string;
}

export interface ContainmentPlan {
  readonly steps: readonly ContainmentStep[];
  /** What was not done and why (one line each). */
  readonly skipped: readonly string[];
}

/** What the plan is made from: the call, its verdict and what the follow-up knows. */
export interface ContainmentInput {
  readonly eventName: string;
  readonly verdict: VerdictKind | null;
  readonly record: Record<string, unknown>;
  /** The job or resource the call started (lifecycle.ts). */
  readonly followed?: { readonly kind: FollowedKind; readonly id: string };
  /** The model or resource that is live (from the follow-up), when known. */
  readonly liveResourceArn?: string | null;
  /** Whether the followed job or resource is still running. */
  readonly pending?: boolean;
  /** The account the detector acts in: a principal of another account is never quarantined here. */
  readonly ownAccount?: string;
}

/** Kinds whose resource is itself invocable or taggable by the use-side guardrail's key. */
const QUARANTINABLE =
  /^arn:[^:]+:bedrock:[^:]*:\d{12}:(imported-model|custom-model|custom-model-deployment|provisioned-model)\//;

/**
 * The steps for one call under `settings`, and what is skipped and why. Never a step for
 * `approved`, for a never-touch match, or for the detector's own roles (`<prefix>-`).
 */
export function planContainment(
  input: ContainmentInput,
  settings: ContainmentSettings,
  namePrefix: string,
): ContainmentPlan {
  const skipped: string[] = [];
  if (input.verdict === null) return { steps: [], skipped: ['the alert has no verdict: nothing to contain'] };
  if (input.verdict === 'approved') return { steps: [], skipped: ['approved: never contained'] };
  const actions = settings.actions[input.verdict] ?? [];
  if (actions.length === 0) {
    return { steps: [], skipped: [`no containment actions are configured for ${input.verdict}`] };
  }
  const steps: ContainmentStep[] = [];
  const followed = input.followed ?? undefined;
  const kind = followed?.kind ?? FOLLOWED_CALLS[input.eventName]?.kind;
  const untouchable = (arns: readonly string[]) =>
    settings.neverTouch.some((p) => arns.some((arn) => neverTouchMatch(p, arn)));
  const add = (step: ContainmentStep, alsoKnownAs: readonly string[] = []) => {
    if (untouchable([step.target, ...alsoKnownAs])) {
      skipped.push(`${step.action}: ${step.target} is on the never-touch list`);
    } else if (!steps.some((s) => s.call === step.call && s.target === step.target)) steps.push(step);
  };
  for (const action of actions) {
    switch (action) {
      case 'quarantine-model': {
        const targets = [
          ...(followed && QUARANTINABLE.test(followed.id) ? [followed.id] : []),
          ...(input.liveResourceArn && QUARANTINABLE.test(input.liveResourceArn) ? [input.liveResourceArn] : []),
        ];
        if (targets.length === 0) {
          skipped.push(
            followed && (kind === 'model-import-job' || kind === 'model-copy-job' || kind === 'model-customization-job')
              ? `quarantine-model: the job ${NOT_YET} (the follow-up quarantines it when it is live)`
              : `quarantine-model: ${input.eventName} names no model, deployment or provisioned throughput to tag`,
          );
        }
        for (const target of targets) add({ action, call: 'UntagResource+TagResource', target });
        break;
      }
      case 'delete-deployment':
        if (kind === 'custom-model-deployment' && followed) {
          add({ action, call: 'DeleteCustomModelDeployment', target: followed.id });
        }
        break;
      case 'delete-endpoint':
        if (kind === 'marketplace-endpoint' && followed) {
          add({
            action,
            call:
              input.eventName === 'CreateMarketplaceModelEndpoint'
                ? 'DeleteMarketplaceModelEndpoint'
                : 'DeregisterMarketplaceModelEndpoint',
            target: followed.id,
          });
        }
        break;
      case 'stop-job':
        if (kind === 'model-customization-job' && followed && input.pending !== false) {
          add({ action, call: 'StopModelCustomizationJob', target: followed.id });
        }
        break;
      case 'quarantine-principal': {
        const principal = quarantinablePrincipal(input.record, namePrefix);
        const elsewhere =
          typeof principal !== 'string' &&
          input.ownAccount !== undefined &&
          !principal.target.includes(`::${input.ownAccount}:`);
        if (typeof principal === 'string') skipped.push(`quarantine-principal: ${principal}`);
        else if (elsewhere) skipped.push(`quarantine-principal: ${principal.target} is not in this account`);
        else add({ action, call: principal.call, target: principal.target, name: principal.name }, principal.aliases);
        break;
      }
    }
  }
  return { steps, skipped };
}

/**
 * Whether a never-touch pattern matches an ARN. IAM, STS and SageMaker names are not case-sensitive,
 * so those ARNs are compared without case.
 */
export function neverTouchMatch(pattern: string, arn: string): boolean {
  const folded = /^arn:[^:]+:(iam|sts|sagemaker):/i.test(arn);
  return folded ? globMatch(pattern.toLowerCase(), arn.toLowerCase()) : globMatch(pattern, arn);
}

/** The role or user to quarantine (with the other ARNs it is known by), or why not. */
function quarantinablePrincipal(
  record: Record<string, unknown>,
  namePrefix: string,
): { call: 'AttachRolePolicy' | 'AttachUserPolicy'; target: string; name: string; aliases: string[] } | string {
  const arn = principalArnOf(record);
  const { identity } = identityOf(record);
  if (!arn) return 'the record names no principal';
  const type = stringOf(identity?.type);
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
  const user = /^arn:[^:]+:iam::\d{12}:user\/(?:.*\/)?([\w+=,.@-]+)$/.exec(arn);
  const aliases = [stringOf(identity?.arn), role ? `arn:${role[1]}:iam::${role[2]}:role/${role[3]}` : undefined].filter(
    (a): a is string => a !== undefined && a !== arn,
  );
  if (type === 'Root' || /:root$/.test(arn)) return 'the root user is never quarantined by the detector';
  if (/:role\/aws-service-role\//.test(arn)) return `${arn} is a service-linked role`;
  if (/:role\/aws-reserved\//.test(arn)) {
    return `${arn} is an IAM Identity Center role, which cannot be changed in the account: remove the user's access in Identity Center`;
  }
  if (role) {
    if (role[3].toLowerCase().startsWith(`${namePrefix}-`)) return `${arn} is one of the detector's own roles`;
    return { call: 'AttachRolePolicy', target: arn, name: role[3], aliases };
  }
  if (user) return { call: 'AttachUserPolicy', target: arn, name: user[1], aliases };
  return `${arn} is neither an IAM role nor an IAM user`;
}

/** Whether a verdict is contained without asking. */
export function containsAutomatically(settings: ContainmentSettings, verdict: VerdictKind | null): boolean {
  return verdict !== null && verdict !== 'approved' && settings.automatic.includes(verdict);
}

/** Whether a verdict can be contained at all (has actions). */
export function canContain(settings: ContainmentSettings, verdict: VerdictKind | null): boolean {
  return verdict !== null && verdict !== 'approved' && (settings.actions[verdict]?.length ?? 0) > 0;
}

/** The problems with containment settings (empty when none); `prop` names where they came from. */
export function checkContainment(value: unknown, prop = 'containment'): string[] {
  const problems: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [`'${prop}' must be an object, got ${show(value)}`];
  }
  const c = value as Record<string, unknown>;
  const actions = c.actions;
  if (actions === null || typeof actions !== 'object' || Array.isArray(actions)) {
    problems.push(`'${prop}.actions' must map verdicts to lists of actions, got ${show(actions)}`);
  } else {
    for (const [verdict, list] of Object.entries(actions)) {
      if (!(VERDICT_KINDS as readonly string[]).includes(verdict) || verdict === 'approved') {
        problems.push(
          `'${prop}.actions' keys must be verdicts other than 'approved' (${VERDICT_KINDS.filter((v) => v !== 'approved').join(', ')}), got ${show(verdict)}`,
        );
      }
      if (!Array.isArray(list) || list.some((a) => !(CONTAINMENT_ACTIONS as readonly unknown[]).includes(a))) {
        problems.push(
          `'${prop}.actions.${verdict}' must list actions among ${CONTAINMENT_ACTIONS.join(', ')}, got ${show(list)}`,
        );
      }
    }
  }
  if (!Array.isArray(c.automatic) || c.automatic.some((v) => !(VERDICT_KINDS as readonly unknown[]).includes(v))) {
    problems.push(`'${prop}.automatic' must list verdicts among ${VERDICT_KINDS.join(', ')}, got ${show(c.automatic)}`);
  } else if (c.automatic.includes('approved')) {
    problems.push(`'${prop}.automatic' cannot include 'approved': an approved call is never contained`);
  }
  const [min, max] = CONTAINMENT_RATE_BOUNDS;
  if (typeof c.maxPerHour !== 'number' || !Number.isInteger(c.maxPerHour) || c.maxPerHour < min || c.maxPerHour > max) {
    problems.push(`'${prop}.maxPerHour' must be a whole number from ${min} to ${max}, got ${show(c.maxPerHour)}`);
  }
  if (
    !Array.isArray(c.neverTouch) ||
    c.neverTouch.some((p) => typeof p !== 'string' || p.length === 0 || p.length > 2048)
  ) {
    problems.push(`'${prop}.neverTouch' must list ARN patterns (1-2048 characters), got ${show(c.neverTouch)}`);
  }
  for (const key of ['approvalTagKey', 'quarantineTagKey'] as const) {
    const k = c[key];
    if (typeof k !== 'string' || !/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(k) || /^aws:/i.test(k)) {
      problems.push(
        `'${prop}.${key}' must be a tag key (1-128 letters, digits, spaces or '_.:/=+-@', not 'aws:'), got ${show(k)}`,
      );
    }
  }
  if (typeof c.dryRun !== 'boolean') problems.push(`'${prop}.dryRun' must be true or false, got ${show(c.dryRun)}`);
  if (typeof c.customAction !== 'boolean') {
    problems.push(`'${prop}.customAction' must be true or false, got ${show(c.customAction)}`);
  }
  return problems;
}

/** The verdicts containment can act on (`approved` never is). */
export enum ContainVerdict {
  /** A model source is outside the approvals. */
  UNTRUSTED_SOURCE = 'untrusted-source',
  /** The principal matches no approved pattern. */
  UNAPPROVED_PRINCIPAL = 'unapproved-principal',
  /** Nothing could be verified. */
  UNVERIFIED = 'unverified',
}

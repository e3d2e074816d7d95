import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

import { DEFAULT_HOME_REGION, GLOBAL_EVENTS_REGION } from '../detection';
import type { DetectorTrail, WatchOptions } from '../detector';
import { assertValid, isToken, show } from '../private/validation';

import { OrganizationEventBus } from './event-bus';
import { RegionalForwarder } from './regional-forwarder';
import { planWatchedRegions, type WatchedRegionPlan } from './watched-regions';

/** `AccountForwardersProps`' defaults, in one place (a test checks the JSDoc against them). */
export const ACCOUNT_FORWARDERS_DEFAULTS = {
  homeRegion: DEFAULT_HOME_REGION,
  stackNamePrefix: 'BedrockSupplyChain-Forwarder',
  forwarderId: 'Forwarder',
  forwardTamperEvents: true,
} as const;

/**
 * Props of `AccountForwarders`. Give the watch options (profile, additional event names, name
 * prefix) the detector's values.
 */
export interface AccountForwardersProps extends WatchOptions {
  /**
   * Every watched region (EventBridge sees a CloudTrail event only in the region of the call).
   * Known region names of one partition.
   */
  readonly regions: string[];
  /**
   * Where the alert function runs (the detector's, or the organisation detector's region).
   * @default 'us-east-1'
   */
  readonly homeRegion?: string;
  /**
   * The account that runs the `OrganizationDetector`: forward to its central bus, from every watched
   * region, the home region included (this is the organisation's management account, which
   * service-managed StackSets never reach). Without it, the forwarders send to the default bus of
   * the home region in this same account, from every watched region but the home region (a single
   * account whose detector runs in the home region).
   * @default - a single account: forward to the home region's default bus
   */
  readonly centralAccountId?: string;
  /**
   * The account the forwarders deploy to.
   * @default - the account of the app's environment (CDK_DEFAULT_ACCOUNT when it is set)
   */
  readonly account?: string;
  /**
   * The stack for the home region's forwarder (with `centralAccountId`), when it should go into a
   * stack the app already deploys there; every other region gets a stack of its own.
   * @default - a stack of its own too
   */
  readonly homeRegionStack?: Stack;
  /**
   * The id (and name) of each region's stack is `<stackNamePrefix>-<region>`.
   * @default 'BedrockSupplyChain-Forwarder'
   */
  readonly stackNamePrefix?: string;
  /**
   * The construct id of each forwarder in its stack.
   * @default 'Forwarder'
   */
  readonly forwarderId?: string;
  /**
   * Props for each region's stack; its `env` is set for each region, so leave `env` out.
   * @default - a description only
   */
  readonly stackProps?: StackProps;
  /**
   * The trail that logs this account's management events in every watched region: the organisation
   * trail, or the home detector's multi-region trail. A forwarder never creates one.
   * @default - none declared: each forwarder warns
   */
  readonly trail?: DetectorTrail;
  /**
   * Forward changes to the detector's resources and roles in this account too (and, in us-east-1,
   * IAM and Organizations changes): SCPs do not bind the management account, so its changes are
   * watched instead.
   * @default true
   */
  readonly forwardTamperEvents?: boolean;
  /**
   * Ids (`p-…`) of the guardrail SCPs, whose changes the us-east-1 forwarder sends (Organizations
   * events are logged in the management account, and delivered only in us-east-1).
   * @default - none
   */
  readonly guardrailPolicyIds?: string[];
}

/**
 * A `RegionalForwarder` in every watched region of one account, each in a stack of its own:
 * the forwarders an app would otherwise write a loop for. With `centralAccountId` they are the
 * organisation's management-account forwarders (to the central bus, every region); without it, a
 * single account's forwarders (to the home region's bus, every region but the home region).
 *
 * Create it in an App or a Stage (not in a stack): the stacks are created beside it, under the ids
 * `<stackNamePrefix>-<region>`.
 */
export class AccountForwarders extends Construct {
  /** The region plan the forwarders follow. */
  readonly plan: WatchedRegionPlan;
  /** Each region's forwarder, by region. */
  readonly forwarders: Readonly<Record<string, RegionalForwarder>>;
  /** Each region's stack, by region (the home region's is `homeRegionStack` when given). */
  readonly stacks: Readonly<Record<string, Stack>>;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props the regions, the home region and where the events go
   */
  constructor(scope: Construct, id: string, props: AccountForwardersProps) {
    super(scope, id);
    if (scope.node.scopes.some((c) => Stack.isStack(c))) {
      assertValid(
        `AccountForwarders creates a stack per region, so it must be created in an App or a Stage, not inside the stack ${show(Stack.of(scope).stackName)}; pass that stack as 'homeRegionStack' if the home region's forwarder belongs there`,
      );
    }
    if (props.stackProps?.env !== undefined) {
      assertValid(
        `'stackProps.env' is set for each region's stack by AccountForwarders (account from 'account', region from 'regions'): leave it out, got ${show(props.stackProps.env)}`,
      );
    }
    this.plan = planWatchedRegions({
      regions: props.regions,
      homeRegion: props.homeRegion ?? ACCOUNT_FORWARDERS_DEFAULTS.homeRegion,
    });
    const central = props.centralAccountId;
    if (props.homeRegionStack && central === undefined) {
      assertValid(
        `'homeRegionStack' is for the home region's forwarder to the organisation's central bus, which needs 'centralAccountId'; a single account needs no forwarder in its home region`,
      );
    }
    if (
      props.homeRegionStack &&
      !isToken(props.homeRegionStack.region) &&
      props.homeRegionStack.region !== this.plan.homeRegion
    ) {
      assertValid(
        `'homeRegionStack' must deploy to the home region ${show(this.plan.homeRegion)}, got a stack in ${show(props.homeRegionStack.region)}`,
      );
    }
    const prefix = props.stackNamePrefix ?? ACCOUNT_FORWARDERS_DEFAULTS.stackNamePrefix;
    const regions = central === undefined ? this.plan.forwardedRegions : this.plan.regions;
    const forwarders: Record<string, RegionalForwarder> = {};
    const stacks: Record<string, Stack> = {};
    for (const region of regions) {
      const stack =
        region === this.plan.homeRegion && props.homeRegionStack
          ? props.homeRegionStack
          : new Stack(scope, `${prefix}-${region}`, {
              description:
                central === undefined
                  ? `Forwards the Bedrock model supply-chain events of ${region} to the detector in ${this.plan.homeRegion}`
                  : `Bedrock model supply chain: the management account's forwarder in ${region}`,
              ...props.stackProps,
              env: { account: props.account, region },
            });
      const targetEventBus: events.IEventBus =
        central === undefined
          ? RegionalForwarder.homeRegionBus(stack, 'HomeBus', this.plan.homeRegion)
          : OrganizationEventBus.fromCentralAccount(stack, 'CentralBus', {
              account: central,
              region: this.plan.homeRegion,
              namePrefix: props.namePrefix,
            });
      forwarders[region] = new RegionalForwarder(stack, props.forwarderId ?? ACCOUNT_FORWARDERS_DEFAULTS.forwarderId, {
        targetEventBus,
        profile: props.profile,
        sourceProfiles: props.sourceProfiles,
        additionalEventNames: props.additionalEventNames,
        additionalEvents: props.additionalEvents,
        probingAlerts: props.probingAlerts,
        createThenDeleteAlerts: props.createThenDeleteAlerts,
        namePrefix: props.namePrefix,
        forwardTamperEvents: props.forwardTamperEvents ?? ACCOUNT_FORWARDERS_DEFAULTS.forwardTamperEvents,
        guardrailPolicyIds: region === GLOBAL_EVENTS_REGION ? props.guardrailPolicyIds : undefined,
        trail: props.trail,
      });
      stacks[region] = stack;
    }
    this.forwarders = forwarders;
    this.stacks = stacks;
  }
}

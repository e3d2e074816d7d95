import { Stack, Token } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

import { DEFAULT_HOME_REGION, checkHomeRegion, checkRegion, checkRegionList } from '../detection';
import { DetectorTrail, SupplyChainDetector, type SupplyChainDetectorProps } from '../detector';
import { assertAllValid, assertValid, show } from '../private/validation';

import { OrganizationEventBus } from './event-bus';
import { RegionalForwarder } from './regional-forwarder';
import { declaredTrail } from './trail-declaration';

/**
 * Props of `OrganizationDetector`: the detector's and the organisation's. The detector listens on
 * the central bus (`eventBus` is refused) and takes the organisation trail as declared (`trail`).
 */
export interface OrganizationDetectorProps extends SupplyChainDetectorProps {
  /** The organisation (`o-…`): only its accounts may put events on the central bus. */
  readonly organizationId: string;

  /**
   * The watched regions, to check `homeRegion` against (the forwarders are deployed to them by
   * `OrganizationForwarders` and in the management account).
   * @default - not checked
   */
  readonly regions?: string[];

  /**
   * The region this construct is deployed to, where the alert function runs. IAM and Organizations
   * events reach EventBridge only in us-east-1, so only there does the detector also alert on
   * changes to its role and to the guardrail SCPs.
   * @default 'us-east-1'
   */
  readonly homeRegion?: string;
}

/**
 * The organisation's detector, in the security account's home region: a central bus that admits
 * only the organisation's accounts, the detector with every rule on that bus (so it matches the
 * watched calls of any member account and region, and the alert names the member account), and a
 * forwarder that brings changes to this account's own detector resources onto the same bus.
 * Member accounts forward through `OrganizationForwarders`; the management account through
 * `RegionalForwarder`s.
 */
export class OrganizationDetector extends Construct {
  /** The central bus and its organisation-only policy. */
  readonly bus: OrganizationEventBus;
  /** The central bus. */
  readonly eventBus: events.IEventBus;
  /** The detector, listening on the central bus. */
  readonly detector: SupplyChainDetector;
  /** Forwards changes to this account's detector resources to the central bus (with tamper alerts). */
  readonly tamperForwarder?: RegionalForwarder;
  /** The home region. */
  readonly homeRegion: string;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props the organisation, its regions and the detector's options
   */
  constructor(scope: Construct, id: string, props: OrganizationDetectorProps) {
    super(scope, id);
    this.homeRegion = props.homeRegion ?? DEFAULT_HOME_REGION;
    if (!Token.isUnresolved(this.homeRegion)) assertValid(checkRegion(this.homeRegion, 'homeRegion'));
    if (props.regions !== undefined) {
      assertAllValid(checkRegionList(props.regions, 'regions', Token.isUnresolved));
      assertValid(checkHomeRegion(this.homeRegion, props.regions, 'regions', Token.isUnresolved));
    }
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && !Token.isUnresolved(this.homeRegion) && region !== this.homeRegion) {
      assertValid(
        `'homeRegion' is ${show(this.homeRegion)} but this stack deploys to ${show(region)}: deploy the organisation detector in its home region, where the forwarders send the events`,
      );
    }
    if (props.eventBus !== undefined) {
      assertValid(
        `'eventBus' is the central bus the OrganizationDetector creates for the organisation: leave it out, got ${show(props.eventBus.eventBusArn)}`,
      );
    }
    declaredTrail(this, props.trail, 'The organisation detector');
    const trail = props.trail ?? DetectorTrail.organizationTrail();

    this.bus = new OrganizationEventBus(this, 'Bus', {
      organizationId: props.organizationId,
      namePrefix: props.namePrefix,
    });
    this.eventBus = this.bus.eventBus;
    this.detector = new SupplyChainDetector(this, 'Detector', {
      ...props,
      trail,
      eventBus: this.bus.eventBus,
      // Every organisation region has a forwarder: the sweep reads the security account's others.
      watchedRegions: props.watchedRegions ?? props.regions,
    });
    if (props.tamperAlerts !== false) {
      // Changes to the detector's own resources arrive on this account's default bus. (SCP changes
      // are logged in the management account, whose forwarder sends them.)
      this.tamperForwarder = new RegionalForwarder(this, 'TamperForwarder', {
        targetEventBus: this.bus.eventBus,
        namePrefix: props.namePrefix,
        forwardWatchedCalls: false,
        forwardTamperEvents: true,
        trail,
      });
    }
  }
}

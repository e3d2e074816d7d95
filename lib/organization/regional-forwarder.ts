import { Annotations, Arn, ArnFormat, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

import { checkRegion, detectorNames, forwarderNames, type ForwarderNames } from '../detection';
import { WATCH_DEFAULTS, reliedOnTrail, type DetectorTrail, type WatchOptions } from '../detector';
import { nagFindingIds } from '../private/compliance-packs';
import { createWatchRules } from '../private/rules';
import { assertValid, show } from '../private/validation';
import { watchSet } from '../private/watched-calls';

import { declaredTrail } from './trail-declaration';

/** `RegionalForwarderProps`' defaults, in one place (a test checks the JSDoc against them). */
export const REGIONAL_FORWARDER_DEFAULTS = {
  forwardWatchedCalls: true,
  forwardTamperEvents: false,
} as const;

/**
 * Props of `RegionalForwarder`. Give the watch options (profile, additional event names, name
 * prefix) the detector's values: the forward rule's pattern is the detector's.
 */
export interface RegionalForwarderProps extends WatchOptions {
  /**
   * Where the events go: the home region's default bus in the same account
   * (`RegionalForwarder.homeRegionBus()`) or the organisation's central bus
   * (`OrganizationEventBus.fromCentralAccount`). Its region or account must differ from this
   * stack's, or it must be a custom bus: a rule cannot forward the default bus to itself.
   */
  readonly targetEventBus: events.IEventBus;

  /**
   * Forward the watched Bedrock calls (the detector's pattern, from `lib/detection`).
   * @default true
   */
  readonly forwardWatchedCalls?: boolean;

  /**
   * Also forward changes to the detector's resources in this region (the tamper patterns from
   * `lib/detection`; in us-east-1 also IAM and Organizations changes), so the home region's
   * detector alerts on them. Two more rules (three in us-east-1).
   * @default false
   */
  readonly forwardTamperEvents?: boolean;

  /**
   * Ids (`p-…`) of the guardrail SCPs whose changes are forwarded (with `forwardTamperEvents`, in
   * us-east-1 of the management account). The home detector must be given the same ids.
   * @default - none
   */
  readonly guardrailPolicyIds?: string[];

  /**
   * The trail that logs this account's management events in this region. A forwarder never
   * creates one: declare the organisation trail or the home detector's multi-region trail.
   * @default - none declared: a warning says so
   */
  readonly trail?: DetectorTrail;
}

/**
 * Forwards, from one region, the events the detector matches to the home region's bus: EventBridge
 * delivers a CloudTrail event only in the region where the call was made. One rule with the
 * detector's own pattern (from `lib/detection`) and the role EventBridge needs to put events on
 * the target bus; nothing else unless `forwardTamperEvents`. The alert function runs once, in the
 * home region.
 */
export class RegionalForwarder extends Construct {
  /**
   * The default bus of `homeRegion` in this stack's account: the target of a single account's
   * forwarders.
   */
  static homeRegionBus(scope: Construct, id: string, homeRegion: string): events.IEventBus {
    if (!Token.isUnresolved(homeRegion)) assertValid(checkRegion(homeRegion, 'homeRegion'));
    const stack = Stack.of(scope);
    if (!Token.isUnresolved(stack.region) && stack.region === homeRegion) {
      assertValid(
        `'homeRegion' ${show(homeRegion)} is this stack's own region: the home region needs no forwarder, its detector listens on the default bus itself`,
      );
    }
    return events.EventBus.fromEventBusArn(
      scope,
      id,
      stack.formatArn({ service: 'events', region: homeRegion, resource: 'event-bus', resourceName: 'default' }),
    );
  }

  /** The CloudTrail event names this forwarder forwards. */
  readonly watchedEventNames: string[];
  /** The pattern of `rule` in its JSON form: the detector's, exactly as `lib/detection` builds it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON in the jsii API (a dict in Python, a Map in Java), as aws-cdk has it
  readonly eventPattern: { [key: string]: any };
  /** The patterns of every watched-call rule (`rules`), in their JSON form. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON in the jsii API (a dict in Python, a Map in Java), as aws-cdk has it
  readonly eventPatterns: { [key: string]: any }[];
  /** The rule that forwards the watched calls (the first of `rules`; absent with `forwardWatchedCalls: false`). */
  readonly rule?: events.Rule;
  /** Every rule that forwards watched calls, and those of the optional signals (failed calls, deletes). */
  readonly rules: events.Rule[];
  /** The rules that forward tamper events of this region. */
  readonly tamperRules: events.Rule[];
  /** The rules that forward IAM and Organizations tamper events (us-east-1 only). */
  readonly globalTamperRules: events.Rule[];
  /** The role EventBridge assumes to put events on the target bus. */
  readonly role: iam.Role;
  /** The target bus. */
  readonly targetEventBus: events.IEventBus;
  /** The physical names of the forwarder's resources. */
  readonly names: ForwarderNames;
  /** The declared trail, if any. */
  readonly trailSource?: DetectorTrail;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props where the events go and what is forwarded
   */
  constructor(scope: Construct, id: string, props: RegionalForwarderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const watched = watchSet(props);
    this.watchedEventNames = watched.calls.map((c) => c.eventName);
    this.eventPattern = watched.patterns[0];
    this.eventPatterns = watched.patterns;
    const forwardCalls = props.forwardWatchedCalls ?? REGIONAL_FORWARDER_DEFAULTS.forwardWatchedCalls;
    const forwardTamper = props.forwardTamperEvents ?? REGIONAL_FORWARDER_DEFAULTS.forwardTamperEvents;
    if (!forwardCalls && !forwardTamper) {
      assertValid(
        `'forwardWatchedCalls' and 'forwardTamperEvents' are both false: the forwarder would forward nothing`,
      );
    }
    checkNotSelf(stack, props.targetEventBus);
    declaredTrail(this, props.trail, 'A regional forwarder');
    this.trailSource = props.trail;
    this.targetEventBus = props.targetEventBus;

    const detector = detectorNames(props.namePrefix ?? WATCH_DEFAULTS.namePrefix);
    this.names = forwarderNames(detector.prefix);
    const names = this.names;

    // IAM role names are global to the account: the region keeps one forwarder per region apart.
    this.role = new iam.Role(this, 'Role', {
      roleName: `${forwardCalls ? names.rolePrefix : names.tamperRolePrefix}-${stack.region}`,
      description: `Lets EventBridge forward Bedrock supply-chain events from ${stack.region} to the detector's bus`,
      // Only this account's forwarder rules may use the role (confused deputy).
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: {
          'aws:SourceArn': stack.formatArn({
            service: 'events',
            resource: 'rule',
            resourceName: names.rulePattern,
          }),
        },
      }),
      // An inline policy keeps a member account-region at two resources: the rule and this role.
      inlinePolicies: {
        PutEvents: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.targetEventBus.eventBusArn] }),
          ],
        }),
      },
    });
    // The role carries its own policy, so the target adds none (targets.EventBus would add a second resource).
    const target: events.IRuleTarget = {
      bind: () => ({ arn: props.targetEventBus.eventBusArn, role: this.role }),
    };

    const relied = props.trail ? reliedOnTrail(this, props.trail, detector) : undefined;
    const rules = createWatchRules(this, {
      purpose: 'forward',
      watched: forwardCalls ? watched : undefined,
      tamper: forwardTamper
        ? {
            detector,
            guardrailPolicyIds: props.guardrailPolicyIds ?? [],
            trails: relied?.name !== undefined && relied.kind !== 'create' ? [relied.name] : [],
          }
        : undefined,
      ruleNames: names,
      target: () => target,
    });
    this.rules = [...rules.rules, ...rules.probeRules, ...rules.deleteRules];
    this.rule = rules.rules[0];
    this.tamperRules = rules.tamperRules;
    this.globalTamperRules = rules.globalTamperRules;

    // Compliance packs (see the README's Compliance section): the forwarder stays a rule and a role.
    const inline = nagFindingIds('IAMNoInlinePolicy').map((id) => ({
      id,
      reason:
        "The role's one inline statement allows events:PutEvents on the detector's bus and nothing else; inline, it lives and dies with the role and keeps a member account-region at two resources.",
    }));
    Validations.of(this.role).acknowledge(...inline);
    for (const rule of [...this.rules, ...this.tamperRules, ...this.globalTamperRules]) {
      Validations.of(rule).acknowledge({
        id: 'Serverless-EventBusDLQ',
        reason:
          "The target is the detector's event bus: EventBridge retries a failed delivery with backoff for 24 hours. A dead-letter queue would add a KMS-encrypted queue and its policy to every member account-region, against the two-resource footprint.",
      });
    }
    if (props.guardrailPolicyIds?.length && !forwardTamper) {
      Annotations.of(this).addWarningV2(
        'cdk-bedrock-model-supply-chain:guardrailPolicyIdsUnused',
        `'guardrailPolicyIds' are forwarded only with 'forwardTamperEvents: true'.`,
      );
    }
  }
}

/**
 * A rule on the default bus cannot target that same bus: the event would loop. The bus is compared
 * by account, region and name, resolved or not, so a reference to the stack's own default bus made
 * any way (`EventBus.fromEventBusName(scope, id, 'default')`, an ARN with the stack's tokens) is
 * caught.
 */
function checkNotSelf(stack: Stack, bus: events.IEventBus): void {
  const arn = bus.eventBusArn;
  const own = stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' });
  let self = JSON.stringify(stack.resolve(arn)) === JSON.stringify(stack.resolve(own));
  if (!self && !Token.isUnresolved(arn) && !Token.isUnresolved(stack.region) && !Token.isUnresolved(stack.account)) {
    const parts = Arn.split(arn, ArnFormat.SLASH_RESOURCE_NAME);
    self = parts.region === stack.region && parts.account === stack.account && parts.resourceName === 'default';
  }
  if (self) {
    assertValid(
      `'targetEventBus' ${show(Token.isUnresolved(arn) ? stack.resolve(arn) : arn)} is this stack's own default bus: the forwarder's rule listens there and would loop; forward to another region's or account's bus`,
    );
  }
}

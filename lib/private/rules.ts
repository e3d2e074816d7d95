/**
 * The rules that match the watched calls and the changes to the detector, written once for the
 * detector (which targets its function) and the regional forwarder (which targets another bus):
 * the patterns come from `lib/detection`, the tamper patterns are split into as many rules as
 * EventBridge's pattern-size quota needs, and the rules for IAM and Organizations events are
 * created only where EventBridge receives them (us-east-1).
 */
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';

import {
  EVENT_PATTERN_MAX_CHARS,
  buildTamperPatterns,
  receivesGlobalEvents,
  ruleSetMemberName,
  type DetectionEventPattern,
  type DetectorNames,
  type TamperEventPattern,
} from '../detection';

import { cdkEventPattern } from './event-pattern';
import type { WatchSet } from './watched-calls';

/** What the rules are for: the detector's own, or a forwarder's. */
export type RulePurpose = 'detect' | 'forward';

export interface WatchRulesProps {
  readonly purpose: RulePurpose;
  /** The watched calls and their patterns (with the optional signals'); undefined for no watched-call rule. */
  readonly watched?: WatchSet;
  /**
   * Rules for changes to this detector (by its names), to these guardrail SCPs and to the trails it
   * relies on (by name), and for the escape calls; undefined for none.
   */
  readonly tamper?: {
    readonly detector: DetectorNames;
    readonly guardrailPolicyIds: readonly string[];
    readonly trails: readonly string[];
  };
  /** The rules' names. */
  readonly ruleNames: {
    readonly rule: string;
    readonly probeRule: string;
    readonly deleteRule: string;
    readonly tamperRule: string;
    readonly globalTamperRule: string;
  };
  /** The bus the rules listen on. @default the account's default bus */
  readonly eventBus?: events.IEventBus;
  /** A new target for each rule. */
  readonly target: () => events.IRuleTarget;
}

export interface WatchRules {
  /** The watched-call rules (one per pattern); the first is the one the construct calls `rule`. */
  readonly rules: events.Rule[];
  /** The failed-call rules of the probing signal. */
  readonly probeRules: events.Rule[];
  /** The delete rules of the create-then-delete signal. */
  readonly deleteRules: events.Rule[];
  readonly tamperRules: events.Rule[];
  readonly globalTamperRules: events.Rule[];
}

const DESCRIPTIONS: Readonly<
  Record<RulePurpose, { rule: string; probe: string; delete: string; tamper: string; global: string }>
> = {
  detect: {
    rule: 'Successful calls that bring in an outside model',
    probe: 'Failed calls that would bring in an outside model (probing)',
    delete: 'Deletes of imported and custom models, deployments and marketplace endpoints',
    tamper: 'Calls that stop, blind or remove the Bedrock model supply-chain detector',
    global:
      'IAM, Organizations and Account calls that change the detector role or the guardrail SCPs, or take an account or region out of reach (us-east-1 only)',
  },
  forward: {
    rule: "Forwards successful calls that bring in an outside model to the detector's bus",
    probe: "Forwards failed calls that would bring in an outside model to the detector's bus",
    delete: "Forwards deletes of models, deployments and marketplace endpoints to the detector's bus",
    tamper: "Forwards calls that stop, blind or remove the Bedrock model supply-chain detector to the detector's bus",
    global:
      "Forwards IAM, Organizations and Account calls that change the detector's roles or guardrail SCPs, or take an account or region out of reach, to the detector's bus (us-east-1 only)",
  },
};

/** Creates the watched-call rule and the tamper rule sets in `scope`, under ids `Rule`, `TamperRule…`, `GlobalTamperRule…`. */
export function createWatchRules(scope: Construct, props: WatchRulesProps): WatchRules {
  const described = DESCRIPTIONS[props.purpose];
  const options = { eventBus: props.eventBus, target: props.target };
  const watched = props.watched;
  const rules = watched
    ? ruleSet(scope, 'Rule', props.ruleNames.rule, watched.patterns, {
        ...options,
        description: (i) => `${described.rule}: ${namesIn(watched.patterns[i])}`.slice(0, 512),
      })
    : [];
  const probeRules = watched
    ? ruleSet(scope, 'ProbeRule', props.ruleNames.probeRule, watched.failurePatterns, {
        ...options,
        description: () => described.probe,
      })
    : [];
  const deleteRules = watched
    ? ruleSet(scope, 'DeleteRule', props.ruleNames.deleteRule, watched.deletePatterns, {
        ...options,
        description: () => described.delete,
      })
    : [];
  const tamperRules: events.Rule[] = [];
  const globalTamperRules: events.Rule[] = [];
  if (props.tamper) {
    tamperRules.push(
      ...ruleSet(
        scope,
        'TamperRule',
        props.ruleNames.tamperRule,
        buildTamperPatterns(props.tamper.detector, 'regional', [], EVENT_PATTERN_MAX_CHARS, props.tamper.trails),
        { ...options, description: () => described.tamper },
      ),
    );
    // IAM and Organizations are global services: EventBridge gets their events in us-east-1 only.
    // In an environment-agnostic stack the rule is created everywhere and simply never fires
    // outside us-east-1 (no condition: the queue policy and the function permission refer to it).
    const region = Stack.of(scope).region;
    const globalPatterns = buildTamperPatterns(
      props.tamper.detector,
      'us-east-1',
      props.tamper.guardrailPolicyIds,
      EVENT_PATTERN_MAX_CHARS,
      props.tamper.trails,
    );
    if (receivesGlobalEvents(region, Token.isUnresolved)) {
      globalTamperRules.push(
        ...ruleSet(scope, 'GlobalTamperRule', props.ruleNames.globalTamperRule, globalPatterns, {
          ...options,
          description: () => described.global,
        }),
      );
    } else if (props.purpose === 'detect' && globalPatterns.length > 0) {
      Annotations.of(scope).addInfo(
        `IAM, Organizations and Account changes (the detector's role, the guardrail SCPs, accounts and regions leaving its reach) are alerted only by a detector in us-east-1, where EventBridge receives those events, or forwarded there from us-east-1; this one is in ${region}.`,
      );
    }
  }
  return { rules, probeRules, deleteRules, tamperRules, globalTamperRules };
}

/** One rule per pattern: ids `<id>`, `<id>2`, …; names `<name>`, `<name>-2`, …. */
function ruleSet(
  scope: Construct,
  id: string,
  name: string,
  patterns: readonly (TamperEventPattern | DetectionEventPattern)[],
  options: {
    readonly description: (i: number) => string;
    readonly eventBus?: events.IEventBus;
    readonly target: () => events.IRuleTarget;
  },
): events.Rule[] {
  return patterns.map(
    (pattern, i) =>
      new events.Rule(scope, i === 0 ? id : `${id}${i + 1}`, {
        ruleName: ruleSetMemberName(name, i),
        description: options.description(i),
        eventBus: options.eventBus,
        eventPattern: cdkEventPattern(pattern),
        targets: [options.target()],
      }),
  );
}

/** The event names a watched-call pattern matches, for the rule's description. */
function namesIn(pattern: DetectionEventPattern): string {
  const detail = pattern.detail as { eventName?: string[]; $or?: { eventName?: string[] }[] };
  const names = detail.$or ? detail.$or.flatMap((b) => b.eventName ?? []) : (detail.eventName ?? []);
  return names.join(', ');
}

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
  buildTamperPatterns,
  receivesGlobalEvents,
  ruleSetMemberName,
  type DetectionEventPattern,
  type DetectorNames,
  type TamperEventPattern,
  type WatchedCall,
} from '../detection';

import { cdkEventPattern } from './event-pattern';

/** What the rules are for: the detector's own, or a forwarder's. */
export type RulePurpose = 'detect' | 'forward';

export interface WatchRulesProps {
  readonly purpose: RulePurpose;
  /** The watched calls and their pattern; undefined for no watched-call rule. */
  readonly watched?: { readonly calls: readonly WatchedCall[]; readonly pattern: DetectionEventPattern };
  /** Rules for changes to this detector (by its names), and to these guardrail SCPs; undefined for none. */
  readonly tamper?: { readonly detector: DetectorNames; readonly guardrailPolicyIds: readonly string[] };
  /** The rules' names. */
  readonly ruleNames: { readonly rule: string; readonly tamperRule: string; readonly globalTamperRule: string };
  /** The bus the rules listen on. @default the account's default bus */
  readonly eventBus?: events.IEventBus;
  /** A new target for each rule. */
  readonly target: () => events.IRuleTarget;
}

export interface WatchRules {
  readonly rule?: events.Rule;
  readonly tamperRules: events.Rule[];
  readonly globalTamperRules: events.Rule[];
}

const DESCRIPTIONS: Readonly<Record<RulePurpose, { rule: string; tamper: string; global: string }>> = {
  detect: {
    rule: 'Successful Bedrock calls that bring in an outside model',
    tamper: 'Calls that stop, blind or remove the Bedrock model supply-chain detector',
    global: 'IAM and Organizations calls that change the detector role or the guardrail SCPs (us-east-1 only)',
  },
  forward: {
    rule: "Forwards successful Bedrock calls that bring in an outside model to the detector's bus",
    tamper: "Forwards calls that stop, blind or remove the Bedrock model supply-chain detector to the detector's bus",
    global: "Forwards IAM and Organizations calls that change the detector's roles or guardrail SCPs (us-east-1 only)",
  },
};

/** Creates the watched-call rule and the tamper rule sets in `scope`, under ids `Rule`, `TamperRule…`, `GlobalTamperRule…`. */
export function createWatchRules(scope: Construct, props: WatchRulesProps): WatchRules {
  const described = DESCRIPTIONS[props.purpose];
  const rule = props.watched
    ? new events.Rule(scope, 'Rule', {
        ruleName: props.ruleNames.rule,
        description: `${described.rule}: ${props.watched.calls.map((c) => c.eventName).join(', ')}`.slice(0, 512),
        eventBus: props.eventBus,
        eventPattern: cdkEventPattern(props.watched.pattern),
        targets: [props.target()],
      })
    : undefined;
  const tamperRules: events.Rule[] = [];
  const globalTamperRules: events.Rule[] = [];
  if (props.tamper) {
    tamperRules.push(
      ...ruleSet(
        scope,
        'TamperRule',
        props.ruleNames.tamperRule,
        buildTamperPatterns(props.tamper.detector, 'regional'),
        {
          description: described.tamper,
          eventBus: props.eventBus,
          target: props.target,
        },
      ),
    );
    // IAM and Organizations are global services: EventBridge gets their events in us-east-1 only.
    // In an environment-agnostic stack the rule is created everywhere and simply never fires
    // outside us-east-1 (no condition: the queue policy and the function permission refer to it).
    const region = Stack.of(scope).region;
    const globalPatterns = buildTamperPatterns(props.tamper.detector, 'us-east-1', props.tamper.guardrailPolicyIds);
    if (receivesGlobalEvents(region, Token.isUnresolved)) {
      globalTamperRules.push(
        ...ruleSet(scope, 'GlobalTamperRule', props.ruleNames.globalTamperRule, globalPatterns, {
          description: described.global,
          eventBus: props.eventBus,
          target: props.target,
        }),
      );
    } else if (props.purpose === 'detect' && globalPatterns.length > 0) {
      Annotations.of(scope).addInfo(
        `IAM and Organizations changes to the detector are alerted only by a detector in us-east-1, where EventBridge receives those events; this one is in ${region}.`,
      );
    }
  }
  return { rule, tamperRules, globalTamperRules };
}

/** One rule per pattern: ids `<id>`, `<id>2`, …; names `<name>`, `<name>-2`, …. */
function ruleSet(
  scope: Construct,
  id: string,
  name: string,
  patterns: readonly TamperEventPattern[],
  options: {
    readonly description: string;
    readonly eventBus?: events.IEventBus;
    readonly target: () => events.IRuleTarget;
  },
): events.Rule[] {
  return patterns.map(
    (pattern, i) =>
      new events.Rule(scope, i === 0 ? id : `${id}${i + 1}`, {
        ruleName: ruleSetMemberName(name, i),
        description: options.description,
        eventBus: options.eventBus,
        eventPattern: cdkEventPattern(pattern),
        targets: [options.target()],
      }),
  );
}

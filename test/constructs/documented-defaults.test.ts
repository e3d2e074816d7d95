// The defaults the props' JSDoc documents are the defaults the code uses: each construct keeps its
// defaults in one object, and this test reads every `@default` in the props interfaces (with the
// TypeScript compiler, as API docs are generated) and compares it with that object. A default that
// is an expression (a literal, `Duration.hours(24)`, `logs.RetentionDays.ONE_YEAR`, a named
// constant) must be in the object and equal; a descriptive one (`@default - none`) is prose.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ts from 'typescript';

import {
  DetectionProfile,
  DetectorMode,
  GuardrailPolicyUsage,
  Severity,
  StackSetCallAs,
  StackSetRegionConcurrency,
} from '../../lib';
import { DEFAULT_HOME_REGION, DEFAULT_NAME_PREFIX } from '../../lib/detection';
import { DETECTOR_DEFAULTS, NEW_TRAIL_DEFAULTS, WATCH_DEFAULTS } from '../../lib/detector';
import { GUARD_DEFAULTS } from '../../lib/guard';
import {
  ACCOUNT_FORWARDERS_DEFAULTS,
  ORGANIZATION_FORWARDERS_DEFAULTS,
  ORGANIZATION_HUNT_DEFAULTS,
  REGIONAL_FORWARDER_DEFAULTS,
} from '../../lib/organization';
import {
  DEFAULT_DEPLOYMENT_PRINCIPAL_ARNS,
  DEFAULT_EXEMPT_BUCKET_ARNS,
  DEFAULT_PASS_ROLE_SERVICES,
  DEFAULT_MAX_POLICIES_PER_TARGET,
  DEFAULT_SCP_BUDGET_BYTES,
  GUARDRAIL_DEFAULTS,
  GUARDRAIL_POLICY_DEFAULTS,
} from '../../lib/prevention';

const LIB = path.join(__dirname, '..', '..', 'lib');

/** Each props interface, where it is, and the object the code takes its defaults from. */
const INTERFACES: readonly [name: string, file: string, defaults: Readonly<Record<string, unknown>>][] = [
  ['SupplyChainDetectorProps', 'detector/props.ts', DETECTOR_DEFAULTS],
  ['WatchOptions', 'detector/props.ts', WATCH_DEFAULTS],
  ['NewTrailOptions', 'detector/trail.ts', NEW_TRAIL_DEFAULTS],
  ['SupplyChainGuardProps', 'guard.ts', GUARD_DEFAULTS],
  ['GuardrailSettings', 'prevention/props.ts', GUARDRAIL_DEFAULTS],
  [
    'SupplyChainScpProps',
    'prevention/scp.ts',
    { sizeBudgetBytes: DEFAULT_SCP_BUDGET_BYTES, maxPoliciesPerTarget: DEFAULT_MAX_POLICIES_PER_TARGET },
  ],
  ['SupplyChainGuardrailPolicyProps', 'prevention/iam-policy.ts', GUARDRAIL_POLICY_DEFAULTS],
  ['RegionalForwarderProps', 'organization/regional-forwarder.ts', REGIONAL_FORWARDER_DEFAULTS],
  ['OrganizationForwardersProps', 'organization/stackset-forwarders.ts', ORGANIZATION_FORWARDERS_DEFAULTS],
  ['AccountForwardersProps', 'organization/account-forwarders.ts', ACCOUNT_FORWARDERS_DEFAULTS],
  ['OrganizationDetectorProps', 'organization/organization-detector.ts', { homeRegion: DEFAULT_HOME_REGION }],
  ['WatchedRegionsOptions', 'organization/watched-regions.ts', { homeRegion: DEFAULT_HOME_REGION }],
  ['OrganizationEventBusProps', 'organization/event-bus.ts', { namePrefix: DEFAULT_NAME_PREFIX }],
  ['OrganizationHuntProps', 'organization/hunt-props.ts', ORGANIZATION_HUNT_DEFAULTS],
  ['CentralEventBusLocation', 'organization/event-bus.ts', { namePrefix: DEFAULT_NAME_PREFIX }],
];

/** What a documented default may name. */
const SCOPE = {
  Duration,
  DetectionProfile,
  DetectorMode,
  GuardrailPolicyUsage,
  Severity,
  StackSetCallAs,
  StackSetRegionConcurrency,
  RemovalPolicy,
  cloudtrail,
  lambda,
  logs,
  DEFAULT_PASS_ROLE_SERVICES,
  DEFAULT_EXEMPT_BUCKET_ARNS,
  DEFAULT_DEPLOYMENT_PRINCIPAL_ARNS,
};

/** Each property's `@default` text, by property name. */
function documentedDefaults(file: string, name: string): Map<string, string> {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(LIB, file), 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
  if (!found) throw new Error(`no interface ${name} in lib/${file}`);
  const out = new Map<string, string>();
  for (const member of found.members) {
    if (!ts.isPropertySignature(member)) continue;
    for (const tag of ts.getJSDocTags(member)) {
      if (tag.tagName.text !== 'default') continue;
      const text = typeof tag.comment === 'string' ? tag.comment : (ts.getTextOfJSDocComment(tag.comment) ?? '');
      out.set((member.name as ts.Identifier).text, text.trim());
    }
  }
  return out;
}

/** The expression part of a default (`X - why` gives `X`); undefined for a descriptive one (`- none`). */
function expressionOf(text: string): string | undefined {
  if (text.startsWith('-')) return undefined;
  return text.split(/\s+-\s+/)[0].trim();
}

function evaluate(expression: string): unknown {
  // The expressions are the library's own JSDoc, evaluated with only the names in SCOPE.
  return new Function(...Object.keys(SCOPE), `return (${expression});`)(...Object.values(SCOPE));
}

const comparable = (v: unknown) => (v instanceof Duration ? `Duration(${v.toSeconds()}s)` : v);

describe('documented defaults are the defaults in code', () => {
  test.each(INTERFACES)('%s', (name, file, defaults) => {
    const documented = documentedDefaults(file, name);
    const checked: string[] = [];
    for (const [prop, text] of documented) {
      const expression = expressionOf(text);
      if (expression === undefined) continue;
      let value: unknown;
      try {
        value = evaluate(expression);
      } catch (e) {
        throw new Error(`${name}.${prop}: '@default ${text}' is neither an expression nor prose ('- …'): ${e}`, {
          cause: e,
        });
      }
      expect([prop, comparable(defaults[prop])]).toEqual([prop, comparable(value)]);
      checked.push(prop);
    }
    // Every default in code is documented as an expression.
    expect(Object.keys(defaults).sort()).toEqual(checked.sort());
  });

  test('the check can fail: a documented default that disagrees with the code is caught', () => {
    // The bug this test was written for: cloudWatchLogsRetention was documented as three months.
    expect(comparable(evaluate('logs.RetentionDays.THREE_MONTHS'))).not.toEqual(
      comparable(NEW_TRAIL_DEFAULTS.cloudWatchLogsRetention),
    );
    expect(expressionOf("'MEDIUM' - the reference rule's")).toBe("'MEDIUM'");
    expect(expressionOf('- none')).toBeUndefined();
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';

import {
  TAMPER_SERVICES,
  TamperClassifier,
  WatchedCallClassifier,
  EVENT_PATTERN_MAX_CHARS,
  buildTamperPatterns,
  patternSize,
  detectorNames,
  matchesEventPattern,
  tamperSubject,
  wildcardRegExp,
} from '../../lib/detection';
import { buildGuardrailStatements } from '../../lib/prevention';
import { matchesPattern, wildcardMatch } from '../support/event-pattern';
import { envelope } from '../support/fixtures';

const DIR = path.join(__dirname, '..', 'fixtures', 'tamper');
const MANIFEST: {
  file: string;
  tamper: boolean;
  rule: 'regional' | 'us-east-1' | null;
  trail?: string;
  reason: string;
}[] = JSON.parse(fs.readFileSync(path.join(DIR, 'manifest.json'), 'utf8')).files;
const record = (file: string) => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));

const names = detectorNames();
const POLICY_IDS = ['p-abcd1234'];
// The detector relies on an organisation trail besides its own (the landing-zone topology).
const TRAILS = ['aws-controltower-BaselineCloudTrail'];
const regional = buildTamperPatterns(names, 'regional', [], EVENT_PATTERN_MAX_CHARS, TRAILS);
const global = buildTamperPatterns(names, 'us-east-1', POLICY_IDS, EVENT_PATTERN_MAX_CHARS, TRAILS);
const anyMatches = (patterns: readonly unknown[], event: unknown) => patterns.some((p) => matchesPattern(p, event));
const classifier = new TamperClassifier(names, POLICY_IDS, TRAILS);

describe('tamper rules: patterns and classifier agree on every fixture', () => {
  test.each(MANIFEST.map((f) => [f.file, f]))('%s', (_file, entry) => {
    const event = envelope(record(entry.file));
    expect(anyMatches(regional, event)).toBe(entry.rule === 'regional');
    expect(anyMatches(global, event)).toBe(entry.rule === 'us-east-1');
    expect(classifier.classifyEvent(event).matched).toBe(entry.tamper);
    // The lib's matcher and the test interpreter agree on both patterns.
    for (const p of [...regional, ...global]) expect(matchesEventPattern(p, event)).toBe(matchesPattern(p, event));
    // A tamper call is never a supply-chain alert, and the other way round.
    if (entry.tamper) expect(new WatchedCallClassifier().classifyEvent(event).matched).toBe(false);
  });

  test('the classifier names the call and the field that names the resource', () => {
    const result = classifier.classifyEvent(envelope(record('lambda-concurrency-zero.json')));
    if (!result.matched) throw new Error('fixture did not match');
    const subject = tamperSubject(result.service, result.call);
    expect([result.call.action, result.call.field, subject.category, subject.severity]).toEqual([
      'lambda:PutFunctionConcurrency',
      'functionName',
      'detector-tampering',
      'HIGH',
    ]);
  });

  test('the relied-on trail is watched by name: without it, changes to the organisation trail are not matched', () => {
    for (const entry of MANIFEST.filter((f) => f.trail)) {
      const event = envelope(record(entry.file));
      expect([entry.file, new TamperClassifier(names, POLICY_IDS).classifyEvent(event).matched]).toEqual([
        entry.file,
        false,
      ]);
      expect([entry.file, classifier.classifyEvent(event).matched]).toEqual([entry.file, true]);
    }
  });

  test('escape calls are alerted whatever they name, except a service access other than CloudTrail', () => {
    const escapes = MANIFEST.filter((f) => /^(org-|account-)/.test(f.file));
    expect(escapes.length).toBeGreaterThanOrEqual(8);
    for (const entry of escapes) {
      const result = new TamperClassifier(names).classifyEvent(envelope(record(entry.file)));
      expect([entry.file, result.matched]).toEqual([entry.file, entry.tamper]);
      if (result.matched) {
        const subject = tamperSubject(result.service, result.call);
        expect([entry.file, subject.title]).toEqual([entry.file, expect.stringContaining('escaped')]);
      }
    }
  });

  test('without guardrail policy ids, SCP changes are not matched', () => {
    const event = envelope(record('organizations-detach-guardrail.json'));
    expect(new TamperClassifier(names).classifyEvent(event).matched).toBe(false);
  });

  test('another name prefix watches other resources', () => {
    const other = new TamperClassifier(detectorNames('secops-bedrock'));
    expect(other.classifyEvent(envelope(record('lambda-delete-function.json'))).matched).toBe(false);
  });
});

describe('tamper patterns fit EventBridge', () => {
  test(`every pattern is at most ${EVENT_PATTERN_MAX_CHARS} characters, splitting where needed`, () => {
    for (const prefix of ['bedrock-supply-chain', 'a'.repeat(24)]) {
      const all = [
        ...buildTamperPatterns(detectorNames(prefix), 'regional'),
        ...buildTamperPatterns(detectorNames(prefix), 'us-east-1', POLICY_IDS),
      ];
      for (const p of all) expect(patternSize(p)).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    }
    expect(regional.length).toBeGreaterThan(1);
    // Every branch lands in exactly one pattern.
    const branches = regional.flatMap((p) => ((p.detail.$or as unknown[] | undefined) ?? [p.detail]).length);
    // (Branches that name the resource in the same request field are merged across services.)
    expect(branches.reduce((a, b) => a + b, 0)).toBe(
      new Set(
        TAMPER_SERVICES.filter((s) => s.delivery === 'regional' && s.fieldWildcard).flatMap((s) =>
          s.calls.filter((c) => !c.dataPlane).map((c) => c.field),
        ),
      ).size,
    );
  });

  test('a smaller quota splits further; a pattern that cannot fit fails with what to do', () => {
    expect(buildTamperPatterns(names, 'regional', [], 1200).length).toBeGreaterThan(regional.length);
    expect(() => buildTamperPatterns(names, 'regional', [], 200)).toThrow(
      /a tamper pattern needs \d+ characters, more than the 200 EventBridge allows: shorten 'namePrefix'/,
    );
  });
});

describe('tamper catalogue', () => {
  test('every guarded action is in the SCP statements, and every regional service is alerted', () => {
    const statements = buildGuardrailStatements({ approvedPrincipalArns: ['arn:aws:iam::*:role/mlops-*'] });
    // Denied by name, or by an action wildcard of the statement (IAM matches actions case-insensitively).
    const denied = statements.flatMap((s) => ([] as string[]).concat((s.Action as string[] | string) ?? []));
    const isDenied = (action: string) => denied.some((d) => wildcardMatch(d.toLowerCase(), action.toLowerCase()));
    for (const svc of TAMPER_SERVICES)
      for (const c of svc.calls) expect([c.action, isDenied(c.action)]).toEqual([c.action, true]);
    // A wildcard in the tamper statement covers no read an operator needs on the detector's resources.
    const tamper = statements.find((s) => s.Sid === 'DenyDetectorTampering')!;
    const reads = [
      'lambda:GetFunction',
      'lambda:GetFunctionConfiguration',
      'lambda:GetFunctionConcurrency',
      'lambda:ListFunctions',
      'sns:GetTopicAttributes',
      'sns:GetSubscriptionAttributes',
      'sns:ListSubscriptionsByTopic',
      'iam:GetRole',
      'iam:GetRolePolicy',
      'iam:ListAttachedRolePolicies',
      'kms:DescribeKey',
      'kms:ListAliases',
      'events:DescribeRule',
      'events:ListTargetsByRule',
      'events:DescribeEventBus',
      'logs:GetLogEvents',
      'logs:FilterLogEvents',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:DescribeTable',
    ];
    const wildcards = ([] as string[]).concat(tamper.Action as string[]).filter((a) => a.includes('*'));
    expect(wildcards.length).toBeGreaterThan(3);
    for (const read of reads) {
      expect([read, wildcards.filter((w) => wildcardMatch(w.toLowerCase(), read.toLowerCase()))]).toEqual([read, []]);
    }
    const sources = new Set([...regional, ...global].flatMap((p) => p.source));
    for (const svc of TAMPER_SERVICES.filter((s) => s.fieldWildcard))
      expect(sources.has(`aws.${svc.service}`)).toBe(true);
  });

  test('lib wildcard and test wildcard agree', () => {
    const cases: [string, string][] = [
      ['*bedrock-supply-chain-trail', 'arn:aws:cloudtrail:us-east-1:1:trail/bedrock-supply-chain-trail'],
      ['*bedrock-supply-chain-trail', 'bedrock-supply-chain-trail-old'],
      ['bedrock-supply-chain-*', 'bedrock-supply-chain-'],
      ['*/q', 'https://sqs/1/q'],
      ['a*b*c', 'abbbc'],
      ['a*b*c', 'acb'],
      ['x.y', 'xzy'],
    ];
    for (const [w, v] of cases) expect([w, v, wildcardRegExp(w).test(v)]).toEqual([w, v, wildcardMatch(w, v)]);
  });
});

describe('merged branches', () => {
  test("another service's call on a resource named like the detector's is tampering, named as it came", () => {
    const base = record('sns-unsubscribe.json');
    const event = envelope({
      ...base,
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'DeleteRule',
      requestParameters: { name: 'bedrock-supply-chain-trail' },
    });
    expect(anyMatches(regional, event)).toBe(true);
    const result = classifier.classifyEvent(event);
    if (!result.matched) throw new Error('not matched');
    expect([result.service.service, result.call.action, result.call.field]).toEqual([
      'cloudtrail',
      'cloudtrail:DeleteRule',
      'name',
    ]);
  });
});

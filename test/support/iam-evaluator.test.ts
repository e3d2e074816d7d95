import type { PolicyStatementJson } from '../../lib/prevention';

import { arnLike, evaluate, glob } from './iam-evaluator';

// The evaluator is the oracle of the guardrail tests, so it is tested on its own against IAM's
// documented semantics (policy grammar, condition operators, "…IfExists", negated operators).
describe('test IAM evaluator', () => {
  test('wildcards: * spans characters, ? one character; actions ignore case, ARNs do not', () => {
    expect(glob('bedrock:Create*', 'bedrock:CreateModelImportJob')).toBe(true);
    expect(glob('bedrock:create*', 'bedrock:CreateModelImportJob', true)).toBe(true);
    expect(glob('bedrock:create*', 'bedrock:CreateModelImportJob')).toBe(false);
    expect(glob('role/ab?', 'role/abc')).toBe(true);
    expect(glob('role/ab?', 'role/abcd')).toBe(false);
  });

  test('ARNs match segment by segment; * in the last segment spans colons', () => {
    expect(arnLike('arn:aws:iam::*:role/mlops-*', 'arn:aws:iam::111122223333:role/mlops-pipeline')).toBe(true);
    expect(arnLike('arn:aws:iam::*:role/mlops-*', 'arn:aws:iam::111122223333:role/other')).toBe(false);
    expect(arnLike('arn:aws:lambda:*:*:function:f:*', 'arn:aws:lambda:us-east-1:1:function:f:prod:extra')).toBe(true);
    expect(arnLike('arn:aws:s3:::bucket-*', 'arn:aws:s3:::bucket-a/key')).toBe(true);
    expect(arnLike('arn:aws:iam::1*:role/x', 'arn:aws:iam::2:role/x')).toBe(false);
    expect(arnLike('*', 'anything')).toBe(true);
  });

  const deny = (s: Partial<PolicyStatementJson>): PolicyStatementJson[] => [
    { Sid: 'D', Effect: 'Deny', Action: 'x:Do', Resource: '*', ...s },
  ];
  const req = (
    context: Record<string, string | string[] | undefined> = {},
    resource = 'arn:aws:s3:::b',
    action = 'x:Do',
  ) => ({ action, resource, context });

  test('negated operators hold when the key is absent; positive ones do not', () => {
    expect(evaluate(deny({ Condition: { StringNotEquals: { k: 'v' } } }), req()).allowed).toBe(false);
    expect(evaluate(deny({ Condition: { StringEquals: { k: 'v' } } }), req()).allowed).toBe(true);
    expect(
      evaluate(deny({ Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/a' } } }), req()).allowed,
    ).toBe(false);
  });

  test('…IfExists holds when the key is absent', () => {
    const s = deny({ Condition: { StringNotEqualsIfExists: { 'aws:ResourceOrgID': 'o-1' } } });
    expect(evaluate(s, req()).allowed).toBe(false);
    expect(evaluate(s, req({ 'aws:ResourceOrgID': 'o-1' })).allowed).toBe(true);
    expect(evaluate(s, req({ 'aws:ResourceOrgID': 'o-2' })).allowed).toBe(false);
  });

  test('keys in one block are ANDed, values of one key ORed; two keys in a negated block', () => {
    const s = deny({
      Condition: { StringNotEqualsIfExists: { 'aws:ResourceOrgID': 'o-1', 'aws:ResourceAccount': ['1', '2'] } },
    });
    expect(evaluate(s, req({ 'aws:ResourceOrgID': 'o-9', 'aws:ResourceAccount': '2' })).allowed).toBe(true);
    expect(evaluate(s, req({ 'aws:ResourceOrgID': 'o-9', 'aws:ResourceAccount': '3' })).allowed).toBe(false);
    expect(evaluate(s, req({ 'aws:ResourceOrgID': 'o-1', 'aws:ResourceAccount': '3' })).allowed).toBe(true);
  });

  test('NotResource and NotAction invert the match', () => {
    expect(
      evaluate(deny({ Resource: undefined, NotResource: 'arn:aws:s3:::keep*' }), req({}, 'arn:aws:s3:::keep-me'))
        .allowed,
    ).toBe(true);
    expect(
      evaluate(deny({ Resource: undefined, NotResource: 'arn:aws:s3:::keep*' }), req({}, 'arn:aws:s3:::other')).allowed,
    ).toBe(false);
    expect(evaluate(deny({ Action: undefined, NotAction: 'x:Do' }), req()).allowed).toBe(true);
  });

  test('ForAnyValue compares each request value; absent means false', () => {
    const s = deny({ Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/a' } } });
    expect(evaluate(s, req({ 'kms:ResourceAliases': ['alias/b', 'alias/a'] })).allowed).toBe(false);
    expect(evaluate(s, req({ 'kms:ResourceAliases': ['alias/b'] })).allowed).toBe(true);
    expect(evaluate(s, req()).allowed).toBe(true);
  });

  test('without an assumed allow, an Allow statement is needed (permissions boundary)', () => {
    const allow: PolicyStatementJson = { Effect: 'Allow', Action: '*', Resource: '*' };
    expect(evaluate([], req(), false).allowed).toBe(false);
    expect(evaluate([allow], req(), false).allowed).toBe(true);
    expect(evaluate([allow, ...deny({})], req(), false)).toEqual({ allowed: false, deniedBy: ['D'] });
  });

  test('unsupported operators throw instead of passing', () => {
    expect(() => evaluate(deny({ Condition: { NumericLessThan: { k: '1' } } }), req({ k: '0' }))).toThrow(
      /not supported/,
    );
  });
});

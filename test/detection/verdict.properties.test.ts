// Verdicts over forged-looking principals and sources (fast-check): a call is approved only if an
// independent reading of the record (IAM's ArnLike, S3 prefixes, account ids) approves every part of
// it. A failure prints the seed and the shrunk counterexample.
import fc from 'fast-check';

import { decideVerdict, resolveWatchedCalls } from '../../lib/detection';
import { ACCOUNT, APPROVALS, forgedArn, getPath, hostileText, setPath } from '../support/hostile';

/** IAM ArnLike: `*` any run of characters, `?` one; everything else literal. */
const arnLike = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  ).test(value);

describe('verdicts over forged-looking principals and sources (fast-check)', () => {
  const calls = resolveWatchedCalls({ profile: 'extended' });
  test('a call is approved only if an independent reading of the record approves every part of it', () => {
    const call = fc.constantFrom(...calls.filter((c) => c.modelSourceFields.length > 0));
    const identity = fc.record({
      type: fc.constantFrom('IAMUser', 'AssumedRole', 'Root', 'AWSService'),
      arn: fc.oneof(forgedArn, hostileText),
      issuer: fc.oneof(forgedArn, fc.constant(undefined)),
    });
    fc.assert(
      fc.property(
        call,
        identity,
        fc.array(fc.oneof(forgedArn, hostileText), { minLength: 1, maxLength: 3 }),
        (c, id, sources) => {
          const request: Record<string, unknown> = {};
          c.modelSourceFields.forEach((f, i) => setPath(request, f.path, sources[i % sources.length], false));
          const rec: Record<string, unknown> = {
            recipientAccountId: ACCOUNT,
            userIdentity: {
              type: id.type,
              arn: id.arn,
              ...(id.issuer !== undefined ? { sessionContext: { sessionIssuer: { arn: id.issuer } } } : {}),
            },
            requestParameters: request,
          };
          const verdict = decideVerdict(rec, c, APPROVALS);
          if (verdict.kind !== 'approved') return;
          // The principal, read as aws:PrincipalArn: the session issuer (the role) for a role session.
          const principal = id.type === 'AssumedRole' && id.issuer ? id.issuer : id.arn;
          expect(APPROVALS.principalArns!.some((p) => arnLike(p, principal))).toBe(true);
          for (const f of c.modelSourceFields) {
            const v = getPath(request, f.path);
            // Roles say how a source is read, not where it comes from.
            if (typeof v !== 'string' || f.kind.endsWith('RoleArn') || f.kind === 'roleArn') continue;
            // An empty member of a one-of pair is no source: the other member is the one judged.
            if (v === '' && f.required === 'one-of') continue;
            if (f.kind === 's3Uri') {
              expect(APPROVALS.s3Locations!.some((loc) => v.startsWith(loc))).toBe(true);
            } else if (f.kind === 'modelSourceIdentifier') {
              expect(APPROVALS.modelSourceIdentifiers!.some((p) => arnLike(p, v))).toBe(true);
            } else {
              const account = v.split(':')[4];
              expect([v.startsWith('arn:'), [ACCOUNT, ...APPROVALS.sourceAccounts!].includes(account)]).toEqual([
                true,
                true,
              ]);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

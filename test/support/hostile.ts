// Hostile values for the property-based tests: text an attacker writes into any field they control,
// approved-looking ARNs and S3 locations changed the way a forger would, and where to put them in a
// record. Shared by the pure properties (test/detection/*.properties.test.ts) and the handler's
// (test/lambda/fuzz.test.ts).
import fc from 'fast-check';

import type { Approvals } from '../../lib/detection';

/** The account of the fixtures' records. */
export const ACCOUNT = '111122223333';

/** The approvals the properties decide verdicts against. */
export const APPROVALS: Approvals = {
  principalArns: ['arn:aws:iam::*:role/mlops-pipeline-*', 'arn:aws:iam::*:user/ml-engineer'],
  s3Locations: ['s3://acme-ml-artifacts-111122223333/', 's3://acme-models/approved/'],
  sourceAccounts: ['444455556666'],
  modelSourceIdentifiers: ['arn:aws:sagemaker:*:aws:hub-content/SageMakerPublicHub/Model/meta-textgeneration-*'],
};

const CONTROL = [
  '\n',
  '\r\n',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
];
const MARKUP = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="https://evil.example">console</a>',
  '[Approve in the console](https://evil.example/login)',
  '![pixel](https://evil.example/p.png)',
  '<https://evil.example|AWS Console>',
  '<!channel>',
  '<!here|here>',
  '<@U024BE7LH>',
  '<#C024BE7LR>',
  '<at>SecOps</at>',
  '<users/all>',
  '@here',
  '@channel',
  '@everyone',
  '@All',
  '```',
  '`rm -rf /`',
  '**RESOLVED**',
  '&lt;!channel&gt;',
];
/** Text as an attacker writes it into any field they control. */
export const hostileText = fc.oneof(
  fc.constantFrom(...CONTROL, ...MARKUP),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          ...CONTROL,
          ...MARKUP,
          '\n  Actor ARN:             arn:aws:iam::111122223333:role/admin',
          '\nVERDICT: approved',
        ),
        fc.string({ maxLength: 8 }),
        fc.string({ unit: 'grapheme', maxLength: 3 }),
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join('')),
);

const TRUSTED = [
  `arn:aws:iam::${ACCOUNT}:role/mlops-pipeline-prod`,
  `arn:aws:bedrock:us-east-1:${ACCOUNT}:custom-model/imported/k3x9q2m7p1a4`,
  'arn:aws:bedrock:us-east-1:444455556666:custom-model/shared/m1',
  'arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/meta-textgeneration-llama-3-8b/1.0.0',
  's3://acme-models/approved/llama3-8b/',
  `s3://acme-ml-artifacts-${ACCOUNT}/v1/`,
];
/** An approved-looking value, changed the way a forger would. */
export const forgedArn = fc
  .tuple(
    fc.constantFrom(...TRUSTED),
    fc.array(
      fc.oneof(
        fc.constantFrom(
          (v: string) => v.replace('a', '\u0430'), // Cyrillic a
          (v: string) => v.replace(/1/, '\uff11'), // fullwidth digit
          (v: string) => v.replace('o', '\u03bf'), // Greek omicron
          (v: string) => v.replace(ACCOUNT, '999988887777'),
          (v: string) => v.replace(ACCOUNT, `${ACCOUNT} `),
          (v: string) => v.replace(ACCOUNT, ''),
          (v: string) => v.replace(':444455556666:', '::').replace(`:${ACCOUNT}:`, `:999988887777:${ACCOUNT}:`),
          (v: string) => v.replace(/:(custom-model|role|hub-content)\//, ':$1/../'),
          (v: string) => v.replace('arn:aws:', 'arn:aws-cn:'),
          (v: string) => v.replace(':role/', ':user/'),
          (v: string) => v.replace('approved/', 'approved-evil/'),
          (v: string) => v.replace('approved/', 'approved'),
          (v: string) => v.replace('s3://acme-models/', 's3://acme-models.evil.example/'),
          (v: string) => v.replace('s3://', 'S3://'),
          (v: string) => v.toUpperCase(),
          (v: string) => `${v}\u200b`,
          (v: string) => `\u202e${v}`,
          (v: string) => `${v}\n`,
          (v: string) => ` ${v}`,
          (v: string) => v.replace('mlops-pipeline-', 'mlops-pipeline\u2010'),
        ),
        fc.tuple(fc.nat(80), fc.constantFrom(...CONTROL, ':', '/', '*', '?')).map(
          ([at, s]) =>
            (v: string) =>
              v.slice(0, at) + s + v.slice(at),
        ),
      ),
      { maxLength: 3 },
    ),
  )
  .map(([value, changes]) => changes.reduce((v, change) => change(v), value));

// --- Where hostile values go ----------------------------------------------------------------------

/** Sets (or deletes) the value at `keys`, making objects on the way where there are none. */
export function setKeys(doc: Record<string, unknown>, keys: readonly string[], value: unknown, remove: boolean): void {
  let node = doc;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  if (remove) delete node[keys[keys.length - 1]];
  else node[keys[keys.length - 1]] = value;
}
/** {@link setKeys} at a dotted path. */
export const setPath = (doc: Record<string, unknown>, dotted: string, value: unknown, remove: boolean) =>
  setKeys(doc, dotted.split('.'), value, remove);
/** The value at a dotted path, if there is one. */
export const getPath = (doc: unknown, dotted: string): unknown =>
  dotted
    .split('.')
    .reduce<unknown>(
      (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
      doc,
    );

/**
 * The nested columns of the hunt's CloudTrail table, in one place: their fields in order, with the
 * lowercase names Glue keeps and CloudTrail's own names. The construct renders the Hive types from
 * it, the offline proof the DuckDB types, and the hunt reads a row back with it. Order matters:
 * Trino (Athena engine 3) casts a ROW to JSON as an array of its fields by position, not as an
 * object (DuckDB gives an object), so a struct is read back by position or by name, whichever came.
 *
 * The fields are those of AWS's documented table
 * (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html),
 * with `sourceidentity` added where the alert reads it. Pure.
 */

/** A column or field type. */
export type HuntType =
  'string' | { readonly struct: readonly HuntField[] } | { readonly array: HuntType } | { readonly map: 'string' };

/** One field of a struct: Glue's lowercase name, CloudTrail's name, its type. */
export type HuntField = readonly [glue: string, cloudTrail: string, type: HuntType];

const s = (glue: string, cloudTrail: string): HuntField => [glue, cloudTrail, 'string'];

export const USER_IDENTITY_TYPE: HuntType = {
  struct: [
    s('type', 'type'),
    s('principalid', 'principalId'),
    s('arn', 'arn'),
    s('accountid', 'accountId'),
    s('invokedby', 'invokedBy'),
    s('accesskeyid', 'accessKeyId'),
    s('username', 'userName'),
    s('sourceidentity', 'sourceIdentity'),
    ['onbehalfof', 'onBehalfOf', { struct: [s('userid', 'userId'), s('identitystorearn', 'identityStoreArn')] }],
    [
      'sessioncontext',
      'sessionContext',
      {
        struct: [
          [
            'attributes',
            'attributes',
            {
              struct: [
                s('mfaauthenticated', 'mfaAuthenticated'),
                s('creationdate', 'creationDate'),
                s('sourceidentity', 'sourceIdentity'),
              ],
            },
          ],
          [
            'sessionissuer',
            'sessionIssuer',
            {
              struct: [
                s('type', 'type'),
                s('principalid', 'principalId'),
                s('arn', 'arn'),
                s('accountid', 'accountId'),
                s('username', 'userName'),
              ],
            },
          ],
          s('ec2roledelivery', 'ec2RoleDelivery'),
          s('sourceidentity', 'sourceIdentity'),
          [
            'webidfederationdata',
            'webIdFederationData',
            { struct: [s('federatedprovider', 'federatedProvider'), ['attributes', 'attributes', { map: 'string' }]] },
          ],
        ],
      },
    ],
  ],
};

export const RESOURCES_TYPE: HuntType = {
  array: { struct: [s('arn', 'ARN'), s('accountid', 'accountId'), s('type', 'type')] },
};

export const TLS_DETAILS_TYPE: HuntType = {
  struct: [
    s('tlsversion', 'tlsVersion'),
    s('ciphersuite', 'cipherSuite'),
    s('clientprovidedhostheader', 'clientProvidedHostHeader'),
  ],
};

/** The type as Hive (Glue) writes it: `struct<a:string,…>`, `array<…>`, `map<string,string>`. */
export function hiveType(type: HuntType): string {
  if (type === 'string') return 'string';
  if ('array' in type) return `array<${hiveType(type.array)}>`;
  if ('map' in type) return 'map<string,string>';
  return `struct<${type.struct.map(([name, , t]) => `${name}:${hiveType(t)}`).join(',')}>`;
}

/** The type as DuckDB writes it (for the offline proof). */
export function duckDbType(type: HuntType): string {
  if (type === 'string') return 'VARCHAR';
  if ('array' in type) return `${duckDbType(type.array)}[]`;
  if ('map' in type) return 'MAP(VARCHAR, VARCHAR)';
  return `STRUCT(${type.struct.map(([name, , t]) => `${name} ${duckDbType(t)}`).join(', ')})`;
}

/**
 * A value of a nested column, parsed from its JSON, back into CloudTrail's shape: a struct from an
 * object (by Glue's names) or an array (by position), CloudTrail's field names restored, nulls
 * dropped (a field the record did not have).
 */
export function restoreValue(value: unknown, type: HuntType): unknown {
  if (value === null || value === undefined) return undefined;
  if (type === 'string') return value;
  if ('map' in type) return value;
  if ('array' in type) {
    return Array.isArray(value) ? value.map((v) => restoreValue(v, type.array)).filter((v) => v !== undefined) : value;
  }
  const out: Record<string, unknown> = {};
  type.struct.forEach(([glue, cloudTrail, t], i) => {
    const raw = Array.isArray(value)
      ? value[i]
      : typeof value === 'object'
        ? (value as Record<string, unknown>)[glue]
        : undefined;
    const restored = restoreValue(raw, t);
    if (restored !== undefined) out[cloudTrail] = restored;
  });
  return Object.keys(out).length > 0 ? out : undefined;
}

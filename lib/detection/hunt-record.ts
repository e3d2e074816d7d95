/**
 * A row of the hunt query back into the CloudTrail record it was read from, so the hunt judges and
 * delivers it on the same path as a live event or a sweep. Pure.
 *
 * Athena's CloudTrail table lowercases every field name (Glue does), and returns structs as the
 * query renders them (JSON text, see `buildHuntQuery`); these are mapped back to CloudTrail's
 * names. `requestParameters`, `responseElements` and `additionalEventData` are JSON text in the
 * table and parsed back; text that is not JSON is kept as a string.
 */
import { HUNT_COLUMNS, HUNT_PARTITION_COLUMNS } from './hunt-query';
import { isObject } from './values';

/**
 * CloudTrail's names for the struct fields of the documented table
 * (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html),
 * by their lowercase Glue names.
 */
const STRUCT_FIELDS: Readonly<Record<string, string>> = {
  type: 'type',
  principalid: 'principalId',
  arn: 'arn',
  accountid: 'accountId',
  invokedby: 'invokedBy',
  accesskeyid: 'accessKeyId',
  username: 'userName',
  onbehalfof: 'onBehalfOf',
  userid: 'userId',
  identitystorearn: 'identityStoreArn',
  sessioncontext: 'sessionContext',
  attributes: 'attributes',
  mfaauthenticated: 'mfaAuthenticated',
  creationdate: 'creationDate',
  sessionissuer: 'sessionIssuer',
  ec2roledelivery: 'ec2RoleDelivery',
  webidfederationdata: 'webIdFederationData',
  federatedprovider: 'federatedProvider',
  sourceidentity: 'sourceIdentity',
  credentialid: 'credentialId',
  tlsversion: 'tlsVersion',
  ciphersuite: 'cipherSuite',
  clientprovidedhostheader: 'clientProvidedHostHeader',
};

/** A struct's JSON back into CloudTrail's shape: names restored, nulls dropped (an absent field). */
function restore(value: unknown, underMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => restore(v));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    // A map's keys (webIdFederationData.attributes) are data, not field names.
    const name = underMap ? key : (STRUCT_FIELDS[key] ?? key);
    out[name] = restore(v, key === 'attributes' && isObject(value) && 'federatedprovider' in value);
  }
  return out;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Where a hunt row was read from: the partition it is in. */
export interface HuntRowOrigin {
  readonly account?: string;
  readonly region?: string;
  readonly day?: string;
}

/**
 * The CloudTrail record of a hunt row (column name → value as text; SQL NULL as undefined or null),
 * and the partition it came from.
 */
export function huntRowToRecord(row: Readonly<Record<string, string | null | undefined>>): {
  readonly record: Record<string, unknown>;
  readonly origin: HuntRowOrigin;
} {
  const record: Record<string, unknown> = {};
  for (const { column, field, json } of HUNT_COLUMNS) {
    const text = row[column];
    if (text === null || text === undefined) continue;
    if (json === undefined) record[field] = text;
    else {
      const value = json === 'struct' ? restore(parseJson(text)) : parseJson(text);
      if (value !== null) record[field] = value;
    }
  }
  const origin: HuntRowOrigin = {
    account: row[HUNT_PARTITION_COLUMNS.account] ?? undefined,
    region: row[HUNT_PARTITION_COLUMNS.region] ?? undefined,
    day: row[HUNT_PARTITION_COLUMNS.day] ?? undefined,
  };
  return { record, origin };
}

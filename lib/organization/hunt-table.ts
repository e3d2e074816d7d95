/**
 * The Glue tables the organisation hunt reads: Athena's CloudTrail table with partition projection,
 * one per log layout. Columns and SerDe as in AWS's documented `CREATE EXTERNAL TABLE
 * cloudtrail_logs_pp` (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html);
 * the organisation trail's `account` partition as in
 * https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-org-wide-trail.html; the
 * projection types and properties as in https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html.
 */
import { Fn } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

import { HUNT_PARTITION_COLUMNS, RESOURCES_TYPE, TLS_DETAILS_TYPE, USER_IDENTITY_TYPE, hiveType } from '../detection';

/** Where a trail writes its log files in the bucket. */
export enum TrailLogLayout {
  /** An organisation trail: `AWSLogs/<organization id>/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/`. */
  ORGANIZATION = 'organization',
  /** An account's own trail: `AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/`. */
  ACCOUNT = 'account',
}

const S = 'string';

/**
 * The documented columns, in order (the nested ones from lib/detection's hunt-schema.ts, which also
 * adds `sourceidentity` to the identity), and three more the alert reads (a JSON SerDe leaves a field a
 * record lacks NULL): `eventcategory`, `sessioncredentialfromconsole`, `callwithbearertoken`.
 */
export const CLOUDTRAIL_TABLE_COLUMNS: readonly glue.CfnTable.ColumnProperty[] = [
  { name: 'eventversion', type: S },
  { name: 'useridentity', type: hiveType(USER_IDENTITY_TYPE) },
  { name: 'eventtime', type: S },
  { name: 'eventsource', type: S },
  { name: 'eventname', type: S },
  { name: 'awsregion', type: S },
  { name: 'sourceipaddress', type: S },
  { name: 'useragent', type: S },
  { name: 'errorcode', type: S },
  { name: 'errormessage', type: S },
  { name: 'requestparameters', type: S },
  { name: 'responseelements', type: S },
  { name: 'additionaleventdata', type: S },
  { name: 'requestid', type: S },
  { name: 'eventid', type: S },
  { name: 'readonly', type: S },
  { name: 'resources', type: hiveType(RESOURCES_TYPE) },
  { name: 'eventtype', type: S },
  { name: 'apiversion', type: S },
  { name: 'recipientaccountid', type: S },
  { name: 'serviceeventdetails', type: S },
  { name: 'sharedeventid', type: S },
  { name: 'vpcendpointid', type: S },
  { name: 'tlsdetails', type: hiveType(TLS_DETAILS_TYPE) },
  { name: 'eventcategory', type: S },
  { name: 'sessioncredentialfromconsole', type: S },
  { name: 'callwithbearertoken', type: S },
];

/** The first day the date projection allows (CloudTrail's launch); queries always narrow it. */
export const PROJECTION_FIRST_DAY = '2013/11/01';

export interface HuntTableOptions {
  readonly databaseName: string;
  readonly tableName: string;
  readonly bucket: s3.IBucket;
  /** The trail's S3 key prefix (before `AWSLogs/`), without slashes at either end; '' for none. */
  readonly keyPrefix: string;
  readonly layout: TrailLogLayout;
  readonly organizationId: string;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
}

/** One table over one layout, with account, region and day projected from the keys. */
export function huntTable(scope: Construct, id: string, options: HuntTableOptions): glue.CfnTable {
  const { account, region, day } = HUNT_PARTITION_COLUMNS;
  const prefix = options.keyPrefix === '' ? '' : `${options.keyPrefix}/`;
  const root =
    options.layout === TrailLogLayout.ORGANIZATION
      ? `${prefix}AWSLogs/${options.organizationId}/`
      : `${prefix}AWSLogs/`;
  const location = Fn.join('', ['s3://', options.bucket.bucketName, '/', root]);
  const template = Fn.join('', [
    's3://',
    options.bucket.bucketName,
    '/',
    root,
    `\${${account}}/CloudTrail/\${${region}}/\${${day}}`,
  ]);
  return new glue.CfnTable(scope, id, {
    catalogId: options.bucket.stack.account,
    databaseName: options.databaseName,
    tableInput: {
      name: options.tableName,
      description: `CloudTrail log files of the ${options.layout} layout (${root}<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/), for the organisation hunt`,
      tableType: 'EXTERNAL_TABLE',
      parameters: {
        classification: 'cloudtrail',
        EXTERNAL: 'TRUE',
        'projection.enabled': 'true',
        [`projection.${account}.type`]: 'enum',
        [`projection.${account}.values`]: options.accounts.join(','),
        [`projection.${region}.type`]: 'enum',
        [`projection.${region}.values`]: options.regions.join(','),
        [`projection.${day}.type`]: 'date',
        [`projection.${day}.format`]: 'yyyy/MM/dd',
        [`projection.${day}.range`]: `${PROJECTION_FIRST_DAY},NOW`,
        [`projection.${day}.interval`]: '1',
        [`projection.${day}.interval.unit`]: 'DAYS',
        'storage.location.template': template,
      },
      partitionKeys: [
        { name: account, type: S },
        { name: region, type: S },
        { name: day, type: S },
      ],
      storageDescriptor: {
        columns: [...CLOUDTRAIL_TABLE_COLUMNS],
        location,
        inputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
        outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        serdeInfo: { serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
      },
    },
  });
}

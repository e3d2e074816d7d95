import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';

/** Settings for the trail the detector creates. */
export interface NewTrailOptions {
  /**
   * The trail's name (it also goes into the bucket policy's `aws:SourceArn`). Only the default name
   * is protected by the guardrails and the tamper alert.
   * @default '<namePrefix>-trail'
   */
  readonly trailName?: string;
  /**
   * Which management events the trail records. The watched calls are write events; read events
   * show enumeration (ListImportedModels and the like) that a responder correlates.
   * @default cloudtrail.ReadWriteType.ALL
   */
  readonly managementEvents?: cloudtrail.ReadWriteType;
  /**
   * How long log files stay in the bucket before they expire.
   * @default Duration.days(365)
   */
  readonly logRetention?: Duration;
  /**
   * A bucket that receives S3 server access logs of the trail bucket.
   * @default - no access logging (acknowledged for cdk-nag with the reason)
   */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * What happens to the trail bucket when the stack is deleted. Audit logs are kept by default.
   * @default RemovalPolicy.RETAIN
   */
  readonly bucketRemovalPolicy?: RemovalPolicy;
  /**
   * Also deliver the trail to a CloudWatch Logs log group (`/aws/cloudtrail/<trailName>`, encrypted
   * with the detector key), so a responder can query the actor's other calls (InvokeModel, Converse,
   * enumeration) with Logs Insights within minutes instead of reading log files from S3. Ingestion
   * is charged per GB; `false` turns it off (the compliance-pack findings are then acknowledged).
   * @default true
   */
  readonly cloudWatchLogs?: boolean;
  /**
   * How long the CloudWatch Logs copy is kept; the bucket keeps the log files for `logRetention`.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly cloudWatchLogsRetention?: logs.RetentionDays;
}

/** How the detector gets the CloudTrail trail that EventBridge needs. */
export type DetectorTrailKind = 'create' | 'existing' | 'organization';

/**
 * Where the CloudTrail events come from. EventBridge receives "AWS API Call via CloudTrail" events
 * only while a trail logs the account's management events, so the detector either creates a trail
 * or is told which one already does.
 */
export class DetectorTrail {
  /** Create a multi-region trail for this account (the default). */
  static create(options: NewTrailOptions = {}): DetectorTrail {
    return new DetectorTrail('create', options);
  }

  /**
   * Use a trail defined elsewhere in this app; no trail is created.
   * It must log write management events in every region you watch.
   */
  static fromTrail(trail: cloudtrail.Trail): DetectorTrail {
    return new DetectorTrail('existing', {}, trail);
  }

  /**
   * Declare that an existing trail, outside this app, logs this account's management events in
   * every watched region; no trail is created.
   * @param trailArn the trail's ARN, recorded for the reader
   */
  static existing(trailArn: string): DetectorTrail {
    return new DetectorTrail('existing', {}, undefined, trailArn);
  }

  /**
   * Declare that an AWS Organizations trail (Control Tower, Landing Zone Accelerator or your own)
   * logs this account's management events; no trail is created.
   * @param trailArn the organisation trail's ARN, if you want it recorded
   */
  static organizationTrail(trailArn?: string): DetectorTrail {
    return new DetectorTrail('organization', {}, undefined, trailArn);
  }

  private constructor(
    /** How the detector gets its trail. */
    readonly kind: DetectorTrailKind,
    /** Settings for a created trail. */
    readonly options: NewTrailOptions,
    /** The trail object, for `fromTrail`. */
    readonly trail?: cloudtrail.Trail,
    /** The declared trail ARN, for `existing` and `organizationTrail`. */
    readonly trailArn?: string,
  ) {}
}

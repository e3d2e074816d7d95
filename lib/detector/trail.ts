/**
 * Where the detector's CloudTrail events come from (`DetectorTrail`), and the resources of a trail
 * the detector creates: the bucket and its policy, the CloudWatch Logs copy, and the trail.
 */
import { Annotations, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

import type { DetectorNames } from '../detection';

/** Settings for the trail the detector creates. */
export interface NewTrailOptions {
  /**
   * The trail's name (it also goes into the bucket policy's `aws:SourceArn`). Only the default name
   * is protected by the guardrails and the tamper alert.
   * @default - '<namePrefix>-trail'
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
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly cloudWatchLogsRetention?: logs.RetentionDays;
}

/** How the detector gets the CloudTrail trail that EventBridge needs. */
export enum DetectorTrailKind {
  /** The detector creates a multi-region trail. */
  CREATE = 'create',
  /** A trail of this account exists (in this app or outside it). */
  EXISTING = 'existing',
  /** An AWS Organizations trail logs the account. */
  ORGANIZATION = 'organization',
}

/**
 * Where the CloudTrail events come from. EventBridge receives "AWS API Call via CloudTrail" events
 * only while a trail logs the account's management events, so the detector either creates a trail
 * or is told which one already does.
 */
export class DetectorTrail {
  /** The id of the warning given when a construct that creates no trail is told of none. */
  public static readonly NO_TRAIL_DECLARED = 'cdk-bedrock-model-supply-chain:noTrailDeclared';

  /** Create a multi-region trail for this account (the default). */
  static create(options: NewTrailOptions = {}): DetectorTrail {
    return new DetectorTrail(DetectorTrailKind.CREATE, options);
  }

  /**
   * Use a trail defined elsewhere in this app; no trail is created.
   * It must log write management events in every region you watch.
   */
  static fromTrail(trail: cloudtrail.Trail): DetectorTrail {
    return new DetectorTrail(DetectorTrailKind.EXISTING, {}, trail);
  }

  /**
   * Declare that an existing trail, outside this app, logs this account's management events in
   * every watched region; no trail is created.
   * @param trailArn the trail's ARN, recorded for the reader
   */
  static existing(trailArn: string): DetectorTrail {
    return new DetectorTrail(DetectorTrailKind.EXISTING, {}, undefined, trailArn);
  }

  /**
   * Declare that an AWS Organizations trail (Control Tower, Landing Zone Accelerator or your own)
   * logs this account's management events; no trail is created. Give its name or ARN: the tamper
   * alert then watches it (stopped, deleted, re-scoped) and the health check reads it. Control
   * Tower's is `aws-controltower-BaselineCloudTrail`.
   * @param trailArnOrName the organisation trail's ARN or name
   */
  static organizationTrail(trailArnOrName?: string): DetectorTrail {
    return new DetectorTrail(DetectorTrailKind.ORGANIZATION, {}, undefined, trailArnOrName);
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

/** The trail the detector relies on, as far as it is known at synth: its name (for the tamper patterns) and ARN. */
export interface ReliedOnTrailIdentity {
  readonly kind: 'create' | 'existing' | 'organization';
  /** Its name, when known at synth (a token is not a name). */
  readonly name?: string;
  /** Its ARN, possibly a token (resolved at deploy). */
  readonly arn?: string;
}

/** The name and ARN of the trail a detector relies on (created, existing or the organisation's). */
export function reliedOnTrail(scope: Construct, source: DetectorTrail, names: DetectorNames): ReliedOnTrailIdentity {
  if (source.kind === DetectorTrailKind.CREATE) {
    const { trailName, trailArn } = createdTrailIdentity(scope, names, source.options);
    return { kind: 'create', name: trailName, arn: trailArn };
  }
  const kind = source.kind === DetectorTrailKind.ORGANIZATION ? 'organization' : 'existing';
  if (source.trail) {
    const given = (source.trail.node.defaultChild as cloudtrail.CfnTrail | undefined)?.trailName;
    const name = typeof given === 'string' && !Token.isUnresolved(given) ? given : undefined;
    return { kind, name, arn: source.trail.trailArn };
  }
  const declared = source.trailArn;
  if (declared === undefined) return { kind };
  if (Token.isUnresolved(declared)) return { kind, arn: declared };
  if (declared.startsWith('arn:')) {
    const name = /:trail\/(.+)$/.exec(declared)?.[1];
    return { kind, name, arn: declared };
  }
  return { kind, name: declared };
}

/** `NewTrailOptions`' defaults, in one place (a test checks the JSDoc against them). */
export const NEW_TRAIL_DEFAULTS = {
  managementEvents: cloudtrail.ReadWriteType.ALL,
  logRetention: Duration.days(365),
  bucketRemovalPolicy: RemovalPolicy.RETAIN,
  cloudWatchLogs: true,
  cloudWatchLogsRetention: logs.RetentionDays.ONE_YEAR,
} as const;

/** The ARN and name of the trail a detector creates (known before the trail exists, for the key policy). */
export function createdTrailIdentity(scope: Construct, names: DetectorNames, options: NewTrailOptions) {
  const trailName = options.trailName ?? names.trail;
  const trailArn = Stack.of(scope).formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: trailName });
  return { trailName, trailArn };
}

/** A trail the detector created, with its bucket. */
export interface CreatedTrail {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;
  readonly trailArn: string;
  readonly logGroup?: logs.LogGroup;
}

/**
 * Creates the multi-region trail: a bucket only this trail may write to, the CloudWatch Logs copy
 * (unless turned off) and the trail itself, encrypted with the detector's key (whose policy admits
 * this trail: see key.ts).
 */
export function createTrail(
  scope: Construct,
  names: DetectorNames,
  options: NewTrailOptions,
  encryptionKey: kms.IKey,
): CreatedTrail {
  const stack = Stack.of(scope);
  const { trailName, trailArn } = createdTrailIdentity(scope, names, options);
  if (trailName !== names.trail) {
    Annotations.of(scope).addWarningV2(
      'cdk-bedrock-model-supply-chain:trailNotProtected',
      `The guardrails and the tamper alert protect the trail by its name '${names.trail}': the trail '${trailName}' is not protected.`,
    );
  }
  const bucket = new s3.Bucket(scope, 'TrailBucket', {
    // Bucket names are global: the account and region make this one unique.
    bucketName: `${names.bucketPrefix}-${stack.account}-${stack.region}`,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    removalPolicy: options.bucketRemovalPolicy ?? NEW_TRAIL_DEFAULTS.bucketRemovalPolicy,
    serverAccessLogsBucket: options.accessLogsBucket,
    lifecycleRules: [
      {
        id: 'ExpireLogFiles',
        expiration: options.logRetention ?? NEW_TRAIL_DEFAULTS.logRetention,
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
  });
  if (!options.accessLogsBucket) {
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket only receives CloudTrail log files, which carry their own integrity digests (log file validation); pass NewTrailOptions.accessLogsBucket to turn on server access logging.',
    });
  }
  // Only this trail may write here (aws:SourceArn), which closes the confused-deputy path that an
  // unconditioned cloudtrail.amazonaws.com grant leaves open.
  const onlyThisTrail = { 'aws:SourceArn': trailArn };
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AWSCloudTrailAclCheck',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:GetBucketAcl'],
      resources: [bucket.bucketArn],
      conditions: { StringEquals: onlyThisTrail },
    }),
  );
  bucket.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AWSCloudTrailWrite',
      principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
      actions: ['s3:PutObject'],
      resources: [bucket.arnForObjects(`AWSLogs/${stack.account}/*`)],
      conditions: { StringEquals: { ...onlyThisTrail, 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }),
  );

  // The L2 Trail adds its own, unconditioned statements to the policy of the bucket it is given.
  // Handing it a reference to the bucket (which has no policy of its own to add to) keeps the
  // policy above the only one; the dependency makes the policy exist before the trail starts.
  const bucketRef = s3.Bucket.fromBucketAttributes(scope, 'TrailBucketRef', {
    bucketArn: bucket.bucketArn,
    bucketName: bucket.bucketName,
  });
  // A copy in CloudWatch Logs for triage queries; the bucket stays the record, so the copy goes with the stack.
  const logGroup =
    (options.cloudWatchLogs ?? NEW_TRAIL_DEFAULTS.cloudWatchLogs) === false
      ? undefined
      : new logs.LogGroup(scope, 'TrailLogs', {
          logGroupName: `/aws/cloudtrail/${trailName}`,
          retention: options.cloudWatchLogsRetention ?? NEW_TRAIL_DEFAULTS.cloudWatchLogsRetention,
          encryptionKey,
          removalPolicy: RemovalPolicy.DESTROY,
        });
  const trail = new cloudtrail.Trail(scope, 'Trail', {
    trailName,
    bucket: bucketRef,
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    enableFileValidation: true,
    managementEvents: options.managementEvents ?? NEW_TRAIL_DEFAULTS.managementEvents,
    encryptionKey,
    sendToCloudWatchLogs: logGroup !== undefined,
    cloudWatchLogGroup: logGroup,
  });
  trail.node.addDependency(bucket.policy!);
  return { trail, bucket, trailArn, logGroup };
}

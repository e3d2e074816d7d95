import { Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

import { DEFAULT_HUNT_DAYS } from '../detection';
import type { SupplyChainDetector } from '../detector';

import type { TrailLogLayout } from './hunt-table';

/** Props of `OrganizationHunt`. */
export interface OrganizationHuntProps {
  /** The detector whose alert function judges and delivers what the hunt finds (its verdicts, destinations and memory of what was sent). */
  readonly detector: SupplyChainDetector;
  /** The bucket the organisation trail writes to (the library's, or a landing zone's log archive bucket). */
  readonly trailBucket: s3.IBucket;
  /**
   * The KMS key the trail encrypts its log files with; the hunt is granted decrypt on it.
   * @default - the log files are encrypted with SSE-S3
   */
  readonly trailKey?: kms.IKey;
  /** The organisation (`o-…`): the organisation layout's key prefix. */
  readonly organizationId: string;
  /**
   * The accounts to hunt in (12 digits each): the tables' account projection (an `enum`; Athena
   * reads only these accounts' prefixes). List every member account, the management account included.
   */
  readonly accounts: string[];
  /** The regions the trail logs (the tables' region projection). */
  readonly regions: string[];
  /**
   * Which layouts the bucket holds: one table each, read together with UNION ALL.
   * @default - both: ORGANIZATION and ACCOUNT
   */
  readonly layouts?: TrailLogLayout[];
  /**
   * The trail's S3 key prefix (its `S3KeyPrefix`), without slashes at either end.
   * @default - none: keys start with `AWSLogs/`
   */
  readonly s3KeyPrefix?: string;
  /**
   * The most a hunt query may scan, in bytes (the workgroup's `BytesScannedCutoffPerQuery`; Athena
   * cancels a query that reaches it, and the hunt fails naming the limit). At least 10 MB.
   * The default, 1 TiB, bounds a query's cost to about US$5.50 (at US$5 per TB scanned).
   * @default 1099511627776
   */
  readonly bytesScannedCutoffPerQuery?: number;
  /**
   * Hunt this many days back once, when the stack is created.
   * @default 90
   */
  readonly initialHuntDays?: number;
  /**
   * Start the first hunt when the stack is created.
   * @default true
   */
  readonly huntOnCreate?: boolean;
  /**
   * How long query results are kept in the results bucket.
   * @default Duration.days(7)
   */
  readonly resultsExpiration?: Duration;
}

/** The defaults of {@link OrganizationHuntProps}, as documented. */
export const ORGANIZATION_HUNT_DEFAULTS = {
  bytesScannedCutoffPerQuery: 1024 ** 4,
  initialHuntDays: DEFAULT_HUNT_DAYS,
  huntOnCreate: true,
  resultsExpiration: Duration.days(7),
} as const;

/**
 * The detector's warnings at synth: what the guardrails and the tamper alert cannot protect because
 * the detector was given it instead of creating it.
 */
import { Annotations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

import type { DetectorNames } from '../detection';

import type { SupplyChainDetectorProps } from './props';

/** Warns where the guardrails cannot protect what the detector was given instead of creating. */
export function warnAboutUnprotected(scope: Construct, props: SupplyChainDetectorProps, names: DetectorNames): void {
  if (props.encryptionKey) {
    Annotations.of(scope).addWarningV2(
      'cdk-bedrock-model-supply-chain:keyNotProtected',
      `The guardrails protect the detector's key by its alias '${names.keyAlias}': give the key you passed that alias, or it is not protected from deletion.`,
    );
  }
  if (props.alertTopic) {
    Annotations.of(scope).addWarningV2(
      'cdk-bedrock-model-supply-chain:topicNotProtected',
      `The guardrails and the tamper alert protect the alert topic by its name '${names.topic}': a topic you pass under another name is not protected.`,
    );
  }
}

/** Warns that the trail the detector relies on cannot be watched: its name is not known. */
export function warnTrailNotWatched(scope: Construct): void {
  Annotations.of(scope).addWarningV2(
    'cdk-bedrock-model-supply-chain:trailNotWatched',
    "The trail this detector relies on has no name known at synth, so its tampering (StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors) is not alerted: give its name or ARN (DetectorTrail.existing(arn), DetectorTrail.organizationTrail('aws-controltower-BaselineCloudTrail')).",
  );
}

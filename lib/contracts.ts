// TypeScript-only contracts, for code that consumes what the detector produces or builds on its
// catalogue: the alert document's types, the watched-call catalogue and its EventBridge pattern, the
// physical names, and the pure guardrail statement builder. Not part of the jsii assembly (they are
// types and functions that other languages read as JSON): import them from
// `cdk-bedrock-model-supply-chain/contracts`. Pure: loading them loads neither aws-cdk-lib nor
// constructs (a SOAR consumer of the alerts needs neither), which test/layout checks.
export {
  ALERT_SCHEMA,
  ALERT_SEVERITIES,
  DEFAULT_NAME_PREFIX,
  DEFAULT_WATCHED_CALLS,
  DETECTION_PROFILES,
  DETECTOR_MODES,
  EVENT_PATTERN_MAX_CHARS,
  EXTENDED_WATCHED_CALLS,
  FINDING_TYPES,
  MITRE_ATTACK,
  SOAR_DETAIL_TYPES,
  SOAR_EVENT_SOURCE,
  SOAR_UPDATE_DETAIL_TYPE,
  TAMPER_MITRE_ATTACK,
  VERDICT_KINDS,
  buildEventPattern,
  buildEventPatterns,
  classify,
  detectorNames,
  forwarderNames,
  resolveWatchedCalls,
  SOURCE_PROFILES,
  SOURCE_PROFILE_CALLS,
  utf8Bytes,
  type AlertCategory,
  type AlertContext,
  type AlertDocument,
  type AlertField,
  type AlertUpdate,
  type AlertUpdateKind,
  type AlertSeverity,
  type Classification,
  type DetectionEventPattern,
  type DetectionProfileName,
  type DetectorModeName,
  type MitreMapping,
  type ModelSourceField,
  type ModelSourceKind,
  type VerdictKind,
  type WatchedCall,
  type WatchedCallOptions,
  type SourceProfileName,
  type AdditionalEvents as AdditionalEventsOption,
} from './detection';
export {
  APPROVAL_TAG_VALUE,
  DEFAULT_APPROVAL_TAG_KEY,
  DEFAULT_DEPLOYMENT_PRINCIPAL_ARNS,
  DEFAULT_EXEMPT_BUCKET_ARNS,
  DEFAULT_PASS_ROLE_SERVICES,
  checkGuardrailOptions,
  jumpStartBucketArns,
  type GuardrailOptions,
} from './prevention/options';
export { arnPatternsIntersect } from './prevention/patterns';
export {
  DEFAULT_MAX_POLICIES_PER_TARGET,
  DEFAULT_SCP_BUDGET_BYTES,
  IAM_MANAGED_POLICY_MAX_CHARS,
  SCP_MAX_ATTACHMENTS,
  SCP_MAX_BYTES,
  packStatements,
  policyDocumentJson,
  type PolicyStatementJson,
} from './prevention/policy-document';
export { buildGuardrailStatements } from './prevention/statements';

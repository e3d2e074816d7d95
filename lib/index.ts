// The public API: the constructs, their props, and the contracts users build on (the alert document
// and its schema id, the watched-call catalogue and its pattern, the physical names, the guardrail
// statements for merging into an existing SCP). Everything else is internal.

// --- Detection and prevention together -------------------------------------------------------------
export { BedrockModelSupplyChainGuard, PREVENTION_NOT_ENFORCED, type BedrockModelSupplyChainGuardProps } from './guard';

// --- Detection ---------------------------------------------------------------------------------------
export {
  BedrockModelSupplyChainDetector,
  DETECTOR_DEFAULTS,
  DetectorMonitoring,
  DetectorTrail,
  ENRICHMENT_DEFAULTS,
  NEW_TRAIL_DEFAULTS,
  type BedrockModelSupplyChainDetectorProps,
  type DetectorMonitoringProps,
  type DetectorTrailKind,
  type EnrichmentProps,
  type NewTrailOptions,
} from './detector';

// --- Prevention --------------------------------------------------------------------------------------
export {
  DEFAULT_DEPLOYMENT_PRINCIPAL_ARNS,
  DEFAULT_EXEMPT_BUCKET_ARNS,
  DEFAULT_PASS_ROLE_SERVICES,
  DEFAULT_SCP_BUDGET_BYTES,
  ModelSupplyChainGuardrailPolicy,
  ModelSupplyChainScp,
  SCP_MAX_BYTES,
  buildGuardrailStatements,
  checkGuardrailOptions,
  packStatements,
  policyDocumentJson,
  type GuardrailOptions,
  type GuardrailPolicyUsage,
  type ModelSupplyChainGuardrailPolicyProps,
  type ModelSupplyChainScpProps,
  type PolicyStatementJson,
} from './prevention';

// --- Organisation and regions ------------------------------------------------------------------------
export {
  AccountForwarders,
  CENTRAL_EVENT_BUS_ARN_PARAMETER,
  NO_TRAIL_DECLARED,
  OrganizationDetector,
  OrganizationEventBus,
  OrganizationForwarders,
  RegionalForwarder,
  STACK_SET_TEMPLATE_BODY_MAX_BYTES,
  organizationEventBusName,
  planWatchedRegions,
  type AccountForwardersProps,
  type CentralEventBusLocation,
  type OrganizationDetectorProps,
  type OrganizationEventBusProps,
  type OrganizationForwardersProps,
  type RegionalForwarderProps,
  type WatchedRegionPlan,
  type WatchedRegionsOptions,
} from './organization';

// --- Contracts: the alert, the catalogue, the names ----------------------------------------------------
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
  TAMPER_MITRE_ATTACK,
  VERDICT_KINDS,
  buildEventPattern,
  classify,
  detectorNames,
  forwarderNames,
  resolveWatchedCalls,
  utf8Bytes,
  type AlertCategory,
  type AlertContext,
  type AlertDocument,
  type AlertField,
  type AlertSeverity,
  type Approvals,
  type Classification,
  type DetectionEventPattern,
  type DetectionProfile,
  type DetectorMode,
  type DetectorNames,
  type ForwarderNames,
  type MitreMapping,
  type ModelSourceField,
  type ModelSourceKind,
  type VerdictKind,
  type VerdictSeverities,
  type WatchedCall,
  type WatchedCallOptions,
} from './detection';

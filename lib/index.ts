// The public API, compiled by jsii for TypeScript, Python, Java and .NET: the constructs, their props,
// the enums they take and the helpers users need, as classes with static methods. The TypeScript-only
// contracts (the alert document's types, the catalogue, the pure guardrail builder) are in
// `contracts.ts`. Everything else is internal.

// --- Detection and prevention together -------------------------------------------------------------
export { SupplyChainGuard, type SupplyChainGuardProps } from './guard';

// --- Detection ---------------------------------------------------------------------------------------
export {
  DetectorMonitoring,
  DetectorTrail,
  DetectorTrailKind,
  SupplyChainDetector,
  type AdditionalEvents,
  type Approvals,
  type ContainmentOptions,
  type DetectorMonitoringProps,
  type NewTrailOptions,
  type SeverityAndRisk,
  type SupplyChainDetectorProps,
  type VerdictSeverities,
  type WatchOptions,
} from './detector';
export {
  ContainmentAction,
  ContainVerdict,
  DetectionProfile,
  DetectorMode,
  Severity,
  SourceProfile,
  type DetectorNames,
  type ForwarderNames,
} from './detection';

// --- Prevention --------------------------------------------------------------------------------------
export {
  GuardrailPolicyUsage,
  GuardrailStatements,
  SupplyChainGuardrailPolicy,
  SupplyChainScp,
  type GuardrailProps,
  type GuardrailSettings,
  type GuardrailStatementsProps,
  type SupplyChainGuardrailPolicyProps,
  type SupplyChainScpProps,
} from './prevention';

// --- Organisation and regions ------------------------------------------------------------------------
export {
  AccountForwarders,
  OrganizationDetector,
  OrganizationEventBus,
  OrganizationForwarders,
  OrganizationHunt,
  RegionalForwarder,
  StackSetCallAs,
  StackSetRegionConcurrency,
  TrailLogLayout,
  WatchedRegions,
  type AccountForwardersProps,
  type CentralEventBusLocation,
  type OrganizationDetectorProps,
  type OrganizationEventBusProps,
  type OrganizationForwardersProps,
  type OrganizationHuntProps,
  type RegionalForwarderProps,
  type WatchedRegionPlan,
  type WatchedRegionsOptions,
} from './organization';

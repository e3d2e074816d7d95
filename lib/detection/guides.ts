/**
 * What each alert tells a responder to do: the triage and response steps of every kind of alert
 * (by verdict for a watched call), and the severity of the kinds that have a fixed one. Constants:
 * the renderers serialize each once. Pure.
 */
import type { AlertSeverity } from './severity';
import type { VerdictKind } from './verdict-kinds';

/** Severity and risk of a tamper alert: someone changed the detector outside its deployment. */
export const TAMPER_SEVERITY: AlertSeverity = 'HIGH';
export const TAMPER_RISK_SCORE = 73;

export const TAMPER_TRIAGE_STEPS: readonly string[] = [
  "Check whether the actor is the detector's deployment role (CloudFormation, invokedBy cloudformation.amazonaws.com) during a planned deployment; anything else is unexpected.",
  'Confirm the detector still works: the trail logs, the rules are enabled with their targets, the function and its dead-letter queue exist, the topic has its subscriptions.',
  'Review other recent actions by the same identity, especially Bedrock model imports and marketplace endpoint calls that the change may have hidden.',
];
export const TAMPER_RESPONSE_STEPS: readonly string[] = [
  'Redeploy the detector stack to restore it, then look for Bedrock supply-chain calls made while it was impaired (CloudTrail event history).',
  "If the change was not authorised: deactivate the access key the call was signed with (the actor's access key ID in this alert) and rotate the principal's credentials.",
  'Keep the guardrail SCP attached: it denies these calls to everyone but the deployment principals.',
];

/** Escape calls: an account or region out of the detector's and the guardrails' reach. */
export const ESCAPE_TRIAGE_STEPS: readonly string[] = [
  'Find the change request: account moves, organisation departures, SCP and service-access changes and region enablement are rare, planned events.',
  'Check where the account or region is now: is it still under the guarded OU, still in the organisation, still logged by the organisation trail and watched by a forwarder?',
  'Review what the same identity did before and after, and what happened in the affected account or region since (CloudTrail event history there).',
];
export const ESCAPE_RESPONSE_STEPS: readonly string[] = [
  'Move the account back under the guarded OU (or re-attach the guardrail SCP, re-enable the policy type or the CloudTrail service access), then deploy the forwarders where they are missing.',
  "If the change was not authorised: deactivate the access key the call was signed with (the actor's access key ID in this alert) and rotate the principal's credentials.",
  'Sweep the affected account and region for Bedrock supply-chain calls made while it was out of reach.',
];

/** The trail the detector relies on stopped recording what it needs. */
export const BLIND_TRIAGE_STEPS: readonly string[] = [
  'Read the trail now (CloudTrail console or DescribeTrails, GetTrailStatus, GetEventSelectors) and find who changed it (StopLogging, UpdateTrail, PutEventSelectors in event history).',
  'Until it is fixed, EventBridge may not receive the watched calls: the hourly sweep of CloudTrail event history still finds them, an hour late.',
];
export const BLIND_RESPONSE_STEPS: readonly string[] = [
  'Restore the trail: logging on, write management events selected, every region (redeploy the detector stack for a trail it created).',
  'Then sweep CloudTrail event history for watched calls made while the trail was impaired.',
];

/** A confirmed subscription of the alert topic is gone (what no SCP can stop). */
export const UNSUBSCRIBED_TRIAGE_STEPS: readonly string[] = [
  "List the topic's subscriptions (aws sns list-subscriptions-by-topic) and find the Unsubscribe in CloudTrail event history: a click on an e-mail's unsubscribe link needs no credentials, so the caller may be anonymous.",
  'Until the endpoint subscribes again, the alerts it received reach it only through the other destinations (Security Hub, chat, the SOAR bus).',
];
export const UNSUBSCRIBED_RESPONSE_STEPS: readonly string[] = [
  'Subscribe the endpoint again and confirm it with AuthenticateOnUnsubscribe (aws sns confirm-subscription --authenticate-on-unsubscribe true), so only an authenticated call can cancel it.',
];

/** Optional signals: repeated failures, and a creation deleted soon after. */
export const PROBING_TRIAGE_STEPS: readonly string[] = [
  'Look at the failed calls (errorCode and errorMessage in event history): denied by the guardrails, or malformed?',
  'Check whether the principal is a pipeline being set up (expected) or someone trying paths around the guardrails.',
];
export const PROBING_RESPONSE_STEPS: readonly string[] = [
  'If unexpected: review what else the principal did in the last hour, and restrict or rotate its credentials.',
];
export const CREATE_DELETE_TRIAGE_STEPS: readonly string[] = [
  'Find the creation (its event id is in the notes): was the model, deployment or endpoint invoked between creation and deletion?',
  'A short-lived model can serve a poisoned answer and disappear: check the applications that could call it in that time.',
];
export const CREATE_DELETE_RESPONSE_STEPS: readonly string[] = [
  'Keep the CloudTrail records of both calls, and review the principal: deleting what one created within a day hides the evidence.',
];

/** The investigation guide of the reference rule, in brief. */
export const TRIAGE_STEPS: readonly string[] = [
  'Find the change request or model-onboarding ticket for this call; none means treat it as unauthorised.',
  'Check that the actor is an approved ML/MLOps role or automation principal, and that the source IP and user agent match that pipeline.',
  'Confirm that the model source (S3 bucket owner, marketplace product, SageMaker endpoint) belongs to the organisation or an approved vendor.',
  'Look for InvokeModel/Converse calls to the new resource, prior enumeration (ListFoundationModels, ListCustomModels, ListImportedModels) and other recent actions by the same identity.',
];
export const RESPONSE_STEPS: readonly string[] = [
  'If unauthorised: delete or disable the imported model, custom model deployment or marketplace endpoint, and stop applications invoking it until its provenance is established.',
  "If compromise is suspected: deactivate the access key the call was signed with (the actor's access key ID in this alert) and rotate the principal's credentials.",
  'Audit the S3 source bucket for tampering and review the model artifact for backdoors.',
  "Harden: restrict the Bedrock import and marketplace permissions to approved roles (this library's SCP guardrail).",
];

/** Response steps by verdict: what to do first depends on why the call was alerted. */
export const VERDICT_RESPONSE_STEPS: Readonly<Record<VerdictKind, readonly string[]>> = {
  'untrusted-source': [
    'Treat the model as hostile: stop applications invoking it, and delete or disable the imported model, deployment or endpoint.',
    'Preserve the source (the S3 objects, model package or endpoint) for analysis, and find how the principal reached it.',
    "If compromise is suspected: deactivate the access key the call was signed with (the actor's access key ID in this alert) and rotate the principal's credentials.",
    'Add the source to the approvals only after review, if it is legitimate.',
  ],
  'unapproved-principal': [
    "Confirm with the principal's owner whether the call was intended; if not, deactivate the access key the call was signed with (the actor's access key ID in this alert) and rotate its credentials.",
    'Disable the new resource until its provenance is established.',
    "Restrict the principal: the guardrail SCP admits only the approved principals (this library's SupplyChainScp).",
  ],
  unverified: RESPONSE_STEPS,
  approved: [
    'No action: the principal and every model source are approved. Review the approvals if this call was not expected.',
  ],
};

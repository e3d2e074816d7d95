// Pure: no aws-cdk-lib import, so the Lambda tests and the topology tests can use it without loading CDK.
import { DEFAULT_NAME_PREFIX, detectorNames } from './detection';

/**
 * Physical names of a forwarder's resources. They fall under the detector's names (`<prefix>-*`
 * rules, `<prefix>-alert-*` roles), so the guardrails deny changes to them and the tamper
 * patterns match changes to them, without a change to either.
 */
export interface ForwarderNames {
  /** The rule that forwards the watched calls. */
  readonly rule: string;
  /** The rules that forward tamper events (`<name>`, `<name>-2`, …). */
  readonly tamperRule: string;
  /** The rule that forwards IAM and Organizations tamper events (us-east-1 only). */
  readonly globalTamperRule: string;
  /** The role of a forwarder of watched calls; the region is appended. */
  readonly rolePrefix: string;
  /** The role of a forwarder of tamper events only; the region is appended. */
  readonly tamperRolePrefix: string;
}

export function forwarderNames(prefix: string = DEFAULT_NAME_PREFIX): ForwarderNames {
  const names = detectorNames(prefix);
  return {
    rule: `${names.prefix}-forward-rule`,
    tamperRule: `${names.prefix}-forward-tamper-rule`,
    globalTamperRule: `${names.prefix}-forward-global-tamper-rule`,
    rolePrefix: `${names.rolePrefix}-forward`,
    tamperRolePrefix: `${names.rolePrefix}-forward-tamper`,
  };
}

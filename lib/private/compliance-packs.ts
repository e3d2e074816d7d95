/**
 * The compliance packs this library is checked against besides cdk-nag's AwsSolutions (cdk-nag 3's
 * rule-id prefixes), and the ids their findings carry; and the template scanners (cfn-lint,
 * checkov), whose suppressions go into the template metadata they read. The detector's and the
 * forwarders' acknowledgments and the tests all take the names from here.
 */
import type { CfnResource } from 'aws-cdk-lib';

/** Every pack besides AwsSolutions, as its findings are prefixed. */
export const COMPLIANCE_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321', 'Serverless'] as const;
export type CompliancePack = (typeof COMPLIANCE_PACKS)[number];

/** The regulatory packs (all but Serverless), which share most rules. */
export const REGULATORY_PACKS: readonly CompliancePack[] = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/** The finding ids of `rule` in each of `packs`, e.g. `NIST.800.53.R5-LambdaDLQ`. */
export function nagFindingIds(rule: string, packs: readonly CompliancePack[] = REGULATORY_PACKS): string[] {
  return packs.map((p) => `${p}-${rule}`);
}

/** The finding id of a Control Tower proactive control run by `@cdklabs/cdk-validator-cfnguard`. */
export function cfnGuardFindingId(rule: string): string {
  return `cdk-validator-cfnguard::${rule}`;
}

/** A cfn-lint rule (`W3005`), as the acknowledgments carry it. */
export function cfnLintRuleId(rule: string): string {
  return `cfn-lint::${rule}`;
}

/** A checkov check (`CKV_AWS_117`), as the acknowledgments carry it. */
export function checkovCheckId(check: string): string {
  return `checkov::${check}`;
}

/**
 * How a scanner's finding is suppressed in the template: cfn-lint reads
 * `Metadata.cfn-lint.config.ignore_checks`, checkov `Metadata.checkov.skip` (with a comment).
 * Undefined for an id that is not a scanner's.
 */
export function suppressInTemplate(id: string): ((resource: CfnResource, reason: string) => void) | undefined {
  const [tool, rule] = id.split('::');
  if (tool === 'cfn-lint') {
    return (resource) => {
      const config =
        (resource.getMetadata('cfn-lint') as { config?: { ignore_checks?: string[] } } | undefined)?.config ?? {};
      const ignore = [...new Set([...(config.ignore_checks ?? []), rule])];
      resource.addMetadata('cfn-lint', { config: { ...config, ignore_checks: ignore } });
    };
  }
  if (tool === 'checkov') {
    return (resource, reason) => {
      const skip = (resource.getMetadata('checkov') as { skip?: { id: string; comment: string }[] } | undefined)?.skip;
      const others = (skip ?? []).filter((s) => s.id !== rule);
      resource.addMetadata('checkov', { skip: [...others, { id: rule, comment: reason }] });
    };
  }
  return undefined;
}

/**
 * The compliance packs this library is checked against besides cdk-nag's AwsSolutions (cdk-nag 3's
 * rule-id prefixes), and the ids their findings carry. The detector's and the forwarders'
 * acknowledgments and the tests all take the pack names from here.
 */

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

import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

import { SupplyChainDetector, type SupplyChainDetectorProps } from '../../lib';

import { testStack } from './app';

/**
 * A detector in a stack with a fixed environment, and its template. `extra` adds props that need the
 * stack (a bus, chat channels).
 */
export function synthDetector(
  props: SupplyChainDetectorProps = {},
  extra?: (stack: Stack) => Partial<SupplyChainDetectorProps>,
) {
  const { stack } = testStack({ env: true });
  const detector = new SupplyChainDetector(stack, 'Detector', { ...props, ...(extra ? extra(stack) : {}) });
  return { stack, detector, template: Template.fromStack(stack) };
}

/** Every statement of the alert function's policies. */
export function functionStatements(template: Template): Record<string, unknown>[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes('DetectorAlertFunctionRole'))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

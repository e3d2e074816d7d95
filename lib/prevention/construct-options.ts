/**
 * The options the guardrail constructs build their statements from: the props, with the defaults
 * that depend on where the construct is (the JumpStart regions default to the stack's region).
 */
import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** `props`, with `jumpStartRegions` defaulted to `approvedRegions`, else the stack's region when known. */
export function withConstructDefaults<
  T extends { readonly jumpStartRegions?: readonly string[]; readonly approvedRegions?: readonly string[] },
>(scope: IConstruct, props: T): T {
  if (props.jumpStartRegions !== undefined || props.approvedRegions !== undefined) return props;
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? props : { ...props, jumpStartRegions: [region] };
}

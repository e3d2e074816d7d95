/**
 * Marks constructs so that others can find them in the app without importing their modules (the
 * SCP looks for the detectors it should cover).
 */
import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

const DETECTOR = Symbol.for('cdk-bedrock-model-supply-chain.detector');

/** Marks a construct as a detector whose resources are named with `prefix`. */
export function markDetector(construct: IConstruct, prefix: string): void {
  Object.defineProperty(construct, DETECTOR, { value: prefix });
}

/** A detector found in the app, with its stack's account. */
export interface FoundDetector {
  readonly path: string;
  readonly account: string;
}

const ONLY: WeakMap<IConstruct, IConstruct> = new WeakMap();

/** Makes `scope`'s detector search find `detector` only (an umbrella's SCP and its own detector). */
export function onlyDetector(scope: IConstruct, detector: IConstruct): void {
  ONLY.set(scope, detector);
}

/**
 * The detectors `scope` (an SCP built for name prefix `prefix`) protects: the one it was given, else
 * every detector in the app with the same prefix (a different prefix names other resources).
 */
export function detectorsFor(scope: IConstruct, prefix: string): FoundDetector[] {
  const only = ONLY.get(scope);
  const found = only
    ? [only]
    : scope.node.root.node.findAll().filter((c) => (c as unknown as Record<symbol, unknown>)[DETECTOR] === prefix);
  return found.map((c) => ({ path: c.node.path, account: Stack.of(c).account }));
}

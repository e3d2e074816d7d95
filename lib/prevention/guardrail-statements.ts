import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

import { DetectionConfigError, utf8Bytes } from '../detection';
import type { WatchOptions } from '../detector';
import { assertAllValid, assertValid } from '../private/validation';

import { checkGuardrailOptions } from './options';
import {
  DEFAULT_SCP_BUDGET_BYTES,
  SCP_MAX_BYTES,
  policyDocumentJson,
  type PolicyStatementJson,
} from './policy-document';
import type { GuardrailProps } from './props';
import { buildGuardrailStatements } from './statements';

/** What the guardrail statements are built from. */
export interface GuardrailStatementsProps extends WatchOptions, GuardrailProps {}

/**
 * The guardrail statements on their own, to merge into a policy you already have (landing zones
 * often have no free SCP attachment slot): the same statements `SupplyChainScp` and
 * `SupplyChainGuardrailPolicy` deploy, built from the same catalogue.
 */
export class GuardrailStatements {
  /** The SCP size quota since May 2026, in UTF-8 bytes of the minified document (5,120 before). */
  public static readonly SCP_MAX_BYTES: number = SCP_MAX_BYTES;
  /** The default size budget of `SupplyChainScp`: the current quota (give 5,120, the old one, for older tooling). */
  public static readonly DEFAULT_SCP_BUDGET_BYTES: number = DEFAULT_SCP_BUDGET_BYTES;

  /** The statements as CDK policy statements (for an `iam.PolicyDocument`). */
  public static of(props: GuardrailStatementsProps): iam.PolicyStatement[] {
    return checkedStatements(props).map((s) => iam.PolicyStatement.fromJson(s));
  }

  /** The statements in their JSON form, as an SCP submits them (Sids kept; they are unique). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON in the jsii API (a dict in Python, a Map in Java), as aws-cdk has it
  public static toJson(props: GuardrailStatementsProps): any[] {
    return checkedStatements(props).map((s) => ({ ...s }));
  }

  /** A policy document of these JSON statements, minified: the text whose size SCP quotas count. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON in the jsii API (a dict in Python, a Map in Java), as aws-cdk has it
  public static documentJson(statements: any[]): string {
    return policyDocumentJson(statements as PolicyStatementJson[]);
  }

  /** The UTF-8 length of a text, in bytes: what the SCP quota counts. */
  public static utf8Bytes(text: string): number {
    return utf8Bytes(text);
  }

  private constructor() {}
}

/** The statements, after the same checks the constructs make (a bad option fails with its message). */
function checkedStatements(props: GuardrailStatementsProps) {
  assertAllValid(checkGuardrailOptions(props, Token.isUnresolved));
  try {
    return buildGuardrailStatements(props);
  } catch (e) {
    if (e instanceof DetectionConfigError) assertValid(e.message);
    throw e;
  }
}

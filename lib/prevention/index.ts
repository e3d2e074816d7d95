// Prevention: the pure guardrail statements (options, statements, policy documents; lint-enforced
// purity) and the constructs that deploy them as an SCP or an IAM managed policy.
export * from './options';
export * from './policy-document';
export * from './statements';
export * from './props';
export * from './guardrail-statements';
export * from './scp';
export * from './iam-policy';

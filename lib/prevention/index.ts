// Guardrail statements: pure, shared by the SCP, the IAM policy and the tests.
export * from './statements';

export * from './detection';
export * from './prevention';
export * from './detector-trail';
export * from './bedrock-model-supply-chain-detector';
export * from './model-supply-chain-scp';
export * from './model-supply-chain-guardrail-policy';
export * from './bedrock-model-supply-chain-guard';

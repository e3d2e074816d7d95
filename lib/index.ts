export * from './detection';
export * from './detector-trail';
export * from './bedrock-model-supply-chain-detector';

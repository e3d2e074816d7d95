// The one source of truth for detection. Pure: no aws-cdk-lib, constructs or AWS SDK imports
// (enforced by ESLint), so the construct, the Lambda and the tests can all share it.
export * from './catalogue';
export * from './pattern';
export * from './leaves';
export * from './classify';
export * from './sanitize';
export * from './alert';
export * from './config';
export * from './names';
export * from './tamper';
export * from './match';
export * from './verdict';
export * from './provenance';
export * from './enrichment';
export * from './outputs';
export * from './sweep';

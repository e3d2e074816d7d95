// The one source of truth for detection. Pure: no aws-cdk-lib, constructs or AWS SDK imports
// (enforced by ESLint), so the construct, the Lambda and the tests can all share it. Every import
// inside points down (enforced by ESLint's import-x/no-cycle): values, ids and regions at the
// bottom; reading records, the catalogue and the patterns; deciding; judging; the alert document;
// rendering and the other destinations; the function's configuration.
export * from './values';
export * from './ids';
export * from './regions';
export * from './severity';
export * from './verdict-kinds';
export * from './record';
export * from './sanitize';
export * from './leaves';
export * from './match';
export * from './names';
export * from './catalogue';
export * from './calls';
export * from './select';
export * from './pattern';
export * from './classify';
export * from './tamper-catalogue';
export * from './tamper';
export * from './relevance';
export * from './decide';
export * from './actions';
export * from './verdict';
export * from './lifecycle';
export * from './containment';
export * from './provenance';
export * from './enrichment';
export * from './guides';
export * from './alert';
export * from './update';
export * from './requests';
export * from './subjects';
export * from './render';
export * from './outputs';
export * from './sweep';
export * from './hunt-schema';
export * from './hunt-query';
export * from './hunt-record';
export * from './hunt-request';
export * from './health';
export * from './config';

// What the README's TypeScript examples may use without declaring it: the values an example takes
// from the app around it. Global declarations, so an example that declares its own (`const app =
// new App()`) shadows them. Used only by tools/readme/check.ts.
declare const app: import('aws-cdk-lib').App;
declare const stack: import('aws-cdk-lib').Stack;
declare const scope: import('constructs').Construct;
declare const role: import('aws-cdk-lib/aws-iam').Role;
declare const pipelineRole: import('aws-cdk-lib/aws-iam').Role;
declare const group: import('aws-cdk-lib/aws-iam').Group;
declare const existingTrail: import('aws-cdk-lib/aws-cloudtrail').Trail;
declare const securityTopic: import('aws-cdk-lib/aws-sns').ITopic;
declare const key: import('aws-cdk-lib/aws-kms').IKey;
declare const approvedPrincipalArns: string[];
declare const alert: import('../../lib/contracts').AlertDocument;
declare const security: import('aws-cdk-lib').Stack;
declare const management: import('aws-cdk-lib').Stack;
declare const scp: import('../../lib').SupplyChainScp;
declare const trail: import('../../lib').DetectorTrail;
declare const myExistingStatements: import('../../lib/contracts').PolicyStatementJson[];

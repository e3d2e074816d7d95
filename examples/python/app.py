#!/usr/bin/env python3
"""The quick start in Python: detection and prevention together with their defaults.

The same app as the TypeScript quick start (bin/app.ts), from the wheel jsii-pacmak builds:

    python3 -m venv .venv && . .venv/bin/activate
    pip install -r requirements.txt cdk-bedrock-model-supply-chain
    npx cdk synth                                         # detector + IAM guardrail policy
    npx cdk synth -c scpTargetIds=ou-ab12-abcdefgh        # ... + the SCP (management account)
"""
from aws_cdk import Annotations, App, CfnOutput, Stack, Validations
from cdk_nag import AwsSolutionsChecks

from cdk_bedrock_model_supply_chain import SupplyChainGuard

# CDK's built-in CloudFormation schema validation is left to the library's own tests, as in bin/app.ts.
app = App(builtin_cloud_formation_validation=False)


def context_list(key):
    """A comma-separated context value as a list, or None."""
    value = app.node.try_get_context(key)
    if isinstance(value, str) and value.strip():
        return [v.strip() for v in value.split(",")]
    return None


stack = Stack(
    app,
    "BedrockModelSupplyChain",
    description="Detects and prevents untrusted Amazon Bedrock model imports and marketplace endpoints (MITRE T1525)",
)

guard = SupplyChainGuard(
    stack,
    "Guard",
    # Who may bring models in: replace with your MLOps pipeline roles and a break-glass role.
    approved_principal_arns=context_list("approvedPrincipalArns")
    or [
        "arn:aws:iam::*:role/mlops-pipeline-*",
        "arn:aws:iam::*:role/bedrock-break-glass",
    ],
    scp_target_ids=context_list("scpTargetIds"),
    # alert_emails=["secops@example.com"],
)

if guard.scp is None:
    # Without -c scpTargetIds the guardrails are an IAM policy for you to attach to the principals it
    # must bind (its ARN is an output below): synth would warn that it binds nobody yet.
    Annotations.of(guard).acknowledge_warning(
        SupplyChainGuard.PREVENTION_NOT_ENFORCED,
        "The quick start deploys the IAM guardrail policy for you to attach; give -c scpTargetIds in the management account for the SCP.",
    )

CfnOutput(stack, "AlertTopicArn", value=guard.detector.alert_topic.topic_arn)
CfnOutput(stack, "DeadLetterQueueUrl", value=guard.detector.dead_letter_queue.queue_url)
if guard.guardrail_policy is not None:
    CfnOutput(stack, "GuardrailPolicyArn", value=guard.guardrail_policy.managed_policy.managed_policy_arn)

Validations.of(app).add_plugins(AwsSolutionsChecks(app))

app.synth()

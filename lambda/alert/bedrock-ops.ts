// The AWS calls of the follow-up and of containment, each with its own idempotency: a `Get*` that
// finds nothing means "gone"; a delete of something already gone, a tag already removed, a job
// already stopped all count as done. What fails otherwise is thrown, so the caller retries it and
// then dead-letters it with the reason.
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import type { IAMClient } from '@aws-sdk/client-iam';

import {
  FOLLOW_CALLS,
  readLifecycle,
  type ContainmentSettings,
  type ContainmentStep,
  type FollowTarget,
  type LifecycleReading,
  type StepResult,
} from '../../lib/detection';

import { describeError } from './errors';
import { load } from './sdk';

/** Thrown when a follow-up or containment call fails after the SDK's retries; the message names it. */
export class ActionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionFailedError';
  }
}

const isNotFound = (e: unknown) => (e as Error)?.name === 'ResourceNotFoundException';

/** Reads where a followed job or resource is with its `Get*` call; `gone` when it no longer exists. */
export async function readFollowed(
  bedrock: BedrockClient,
  target: FollowTarget,
  timeoutMs: number,
): Promise<LifecycleReading | { readonly state: 'gone' }> {
  const c = load.bedrock();
  const id = target.id;
  const command = {
    'model-import-job': () => new c.GetModelImportJobCommand({ jobIdentifier: id }),
    'model-copy-job': () => new c.GetModelCopyJobCommand({ jobArn: id }),
    'model-customization-job': () => new c.GetModelCustomizationJobCommand({ jobIdentifier: id }),
    'custom-model': () => new c.GetCustomModelCommand({ modelIdentifier: id }),
    'custom-model-deployment': () => new c.GetCustomModelDeploymentCommand({ customModelDeploymentIdentifier: id }),
    'marketplace-endpoint': () => new c.GetMarketplaceModelEndpointCommand({ endpointArn: id }),
    'provisioned-throughput': () => new c.GetProvisionedModelThroughputCommand({ provisionedModelId: id }),
  }[target.kind]();
  try {
    const out = await bedrock.send(command as never, { abortSignal: AbortSignal.timeout(timeoutMs) });
    return readLifecycle(target, out);
  } catch (e) {
    if (isNotFound(e)) return { state: 'gone' };
    throw new ActionFailedError(`${FOLLOW_CALLS[target.kind]} ${id}: ${describeError(e)}`);
  }
}

/** The clients containment acts with. */
export interface ContainmentClients {
  readonly bedrock: BedrockClient;
  readonly iam?: IAMClient;
}

/**
 * Carries out one step (idempotent): acts when there is something to do, reports `already` when
 * the state is already what the step makes. Throws what still fails.
 */
export async function runStep(
  clients: ContainmentClients,
  step: ContainmentStep,
  settings: ContainmentSettings,
  ctx: {
    readonly eventId: string;
    /** The quarantine policy's ARN (the one policy the function may attach). */
    readonly quarantinePolicyArn: string;
    readonly timeoutMs: number;
  },
): Promise<StepResult> {
  const c = load.bedrock();
  const signal = () => ({ abortSignal: AbortSignal.timeout(ctx.timeoutMs) });
  const gone = (what: string): StepResult => ({ step, result: 'already', detail: `${what} no longer exists` });
  try {
    switch (step.call) {
      case 'UntagResource+TagResource': {
        const listed = await listTags(clients.bedrock, step.target, signal);
        if (listed === 'gone') return gone('the resource');
        const approval = settings.approvalTagKey.toLowerCase();
        const approvalKeys = listed.filter((t) => t.key.toLowerCase() === approval).map((t) => t.key);
        const quarantined = listed.some((t) => t.key === settings.quarantineTagKey);
        if (approvalKeys.length === 0 && quarantined) {
          return { step, result: 'already', detail: 'not approval-tagged, already tagged quarantined' };
        }
        if (approvalKeys.length > 0) {
          await clients.bedrock.send(
            new c.UntagResourceCommand({ resourceARN: step.target, tagKeys: approvalKeys }),
            signal(),
          );
        }
        if (!quarantined) {
          await clients.bedrock.send(
            new c.TagResourceCommand({
              resourceARN: step.target,
              tags: [{ key: settings.quarantineTagKey, value: ctx.eventId }],
            }),
            signal(),
          );
        }
        return {
          step,
          result: 'done',
          detail:
            (approvalKeys.length > 0 ? `removed ${approvalKeys.join(', ')}` : 'no approval tag to remove') +
            (quarantined ? '' : `; tagged ${settings.quarantineTagKey}=${ctx.eventId}`),
        };
      }
      case 'DeleteCustomModelDeployment':
        await clients.bedrock.send(
          new c.DeleteCustomModelDeploymentCommand({ customModelDeploymentIdentifier: step.target }),
          signal(),
        );
        return { step, result: 'done' };
      case 'DeleteMarketplaceModelEndpoint':
        await clients.bedrock.send(new c.DeleteMarketplaceModelEndpointCommand({ endpointArn: step.target }), signal());
        return { step, result: 'done' };
      case 'DeregisterMarketplaceModelEndpoint':
        await clients.bedrock.send(
          new c.DeregisterMarketplaceModelEndpointCommand({ endpointArn: step.target }),
          signal(),
        );
        return { step, result: 'done', detail: 'deregistered from Bedrock; the SageMaker endpoint itself remains' };
      case 'StopModelCustomizationJob':
        try {
          await clients.bedrock.send(new c.StopModelCustomizationJobCommand({ jobIdentifier: step.target }), signal());
        } catch (e) {
          // A job that already ended cannot be stopped: nothing is left to do.
          if ((e as Error)?.name === 'ValidationException' || (e as Error)?.name === 'ConflictException') {
            return { step, result: 'already', detail: `the job is not running (${describeError(e)})` };
          }
          throw e;
        }
        return { step, result: 'done' };
      case 'AttachRolePolicy':
      case 'AttachUserPolicy': {
        if (!clients.iam) throw new ActionFailedError(`${step.call}: no IAM client`);
        const i = load.iam();
        const PolicyArn = ctx.quarantinePolicyArn;
        await clients.iam.send(
          step.call === 'AttachRolePolicy'
            ? new i.AttachRolePolicyCommand({ RoleName: step.name, PolicyArn })
            : (new i.AttachUserPolicyCommand({ UserName: step.name, PolicyArn }) as never),
          signal(),
        );
        return { step, result: 'done', detail: `attached ${PolicyArn}: every action denied, every session stopped` };
      }
    }
  } catch (e) {
    if (isNotFound(e) || (e as Error)?.name === 'NoSuchEntityException') return gone(step.target);
    if (e instanceof ActionFailedError) throw e;
    throw new ActionFailedError(`${step.action} (${step.call}) on ${step.target}: ${describeError(e)}`);
  }
}

/** The resource's tags, or `gone`. */
async function listTags(
  bedrock: BedrockClient,
  arn: string,
  signal: () => { abortSignal: AbortSignal },
): Promise<{ key: string; value: string }[] | 'gone'> {
  const { ListTagsForResourceCommand } = load.bedrock();
  try {
    const out = await bedrock.send(new ListTagsForResourceCommand({ resourceARN: arn }), signal());
    return (out.tags ?? []).map((t) => ({ key: t.key ?? '', value: t.value ?? '' }));
  } catch (e) {
    if (isNotFound(e)) return 'gone';
    throw e;
  }
}

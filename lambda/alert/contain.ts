// Contain mode: carries out the containment plan of an alert, automatically (for the verdicts the
// settings list) or when asked (the Security Hub custom action "Contain this model", or a request by
// hand). Every rule is checked here again, whoever asked: never on `approved`, never on what the
// never-touch list names, never beyond the hourly limit; in dry run, no change is made at all. Each
// step is idempotent, logged, and reported as an update of the alert and a note on its finding. A
// step that fails is thrown, so the invocation is retried and then dead-lettered with the reason.
import {
  NOT_YET,
  containmentUpdate,
  planContainment,
  quarantinePolicyName,
  rateLimitedUpdate,
  stepLine,
  type ContainmentStep,
  type StepResult,
} from '../../lib/detection';

import type { PipelineDependencies } from './alerting';
import { ActionFailedError, runStep } from './bedrock-ops';
import type { DeliveryTargets } from './deliver';
import { describeError } from './errors';
import { claimContainment, readPlan, updatePlan, type AlertPlan } from './plans';
import { deliverUpdate, noteOnFinding, stageKey } from './updates';

/** What one containment came to. */
export interface ContainmentResult {
  readonly status: 'contained' | 'dry-run' | 'held' | 'refused';
  readonly eventId: string;
  readonly actions: readonly string[];
}

/** Containment by request (the custom action, or by hand): reads the plan the alert recorded, then contains. */
export async function containEvent(
  eventId: string,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  requestId = 'asked',
): Promise<ContainmentResult> {
  const table = deps.idempotencyTable;
  const dynamoDb = deps.clients.dynamoDb;
  if (deps.config.mode !== 'contain' || !deps.config.containment) {
    deps.logger.warn('containment requested, but the detector is not in contain mode', { eventId });
    deps.count('ContainmentsRefused');
    return { status: 'refused', eventId, actions: ['the detector is not in contain mode'] };
  }
  if (!table || !dynamoDb) throw new ActionFailedError(`containment of ${eventId}: no table to read the plan from`);
  let plan: AlertPlan | undefined;
  try {
    plan = await readPlan(dynamoDb, table, eventId, deps.config.checkTimeoutMs);
  } catch (e) {
    throw new ActionFailedError(`containment of ${eventId}: the plan could not be read: ${describeError(e)}`);
  }
  if (!plan) {
    deps.logger.warn('containment requested for an event with no recorded plan', { eventId });
    deps.count('ContainmentsRefused');
    return {
      status: 'refused',
      eventId,
      actions: ['no alert of this detector recorded a containment plan for this event (another account, or expired)'],
    };
  }
  if (plan.followed && plan.finished === null && !plan.containRequested) {
    // A job that has not made its model yet: the follow-up contains the model when it is live.
    try {
      await updatePlan(
        dynamoDb,
        table,
        { ...plan, containRequested: true },
        deps.config.idempotencyDays,
        deps.now(),
        deps.config.checkTimeoutMs,
      );
    } catch (e) {
      throw new ActionFailedError(`containment of ${eventId}: the request could not be recorded: ${describeError(e)}`);
    }
  }
  return runContainment(plan, 'asked', targets, deps, requestId);
}

/** Carries out an alert's containment plan now. */
export async function runContainment(
  plan: AlertPlan,
  how: 'automatic' | 'asked',
  targets: DeliveryTargets,
  deps: PipelineDependencies,
  /** What identifies this request (a new ask is reported anew; a retry of one is not). */
  requestId = 'automatic',
): Promise<ContainmentResult> {
  const settings = deps.config.containment!;
  const record = { userIdentity: plan.userIdentity };
  const planned = planContainment(
    {
      eventName: plan.eventName,
      verdict: plan.verdict,
      record,
      followed: plan.followed ?? undefined,
      liveResourceArn: plan.liveResourceArn,
      pending: plan.finished === null,
      ownAccount: targets.accountKnown === false ? undefined : targets.account,
    },
    settings,
    targets.namePrefix,
  );
  const skipped = planned.skipped;
  // Automatic containment never redoes a step it carried out before: an undo stays undone.
  const done = new Set(plan.done ?? []);
  const steps = how === 'automatic' ? planned.steps.filter((s) => !done.has(stepKey(s))) : planned.steps;
  if (how === 'automatic' && planned.steps.length > 0 && steps.length === 0) {
    return { status: 'contained', eventId: plan.eventId, actions: ['every step was carried out before'] };
  }
  const at = new Date(deps.now()).toISOString();
  const stage = stageKey('contain', how, requestId, settings.dryRun ? 'dry-run' : 'act', ...steps.map(stepKey));
  const log = { eventId: plan.eventId, verdict: plan.verdict, how, dryRun: settings.dryRun };
  if (steps.length === 0) {
    deps.logger.info('containment: nothing to do', { ...log, skipped });
    deps.count('ContainmentsHeld');
    // Nothing done (approved, never-touch, not the function's to touch): said on every destination,
    // unless the only reason is that a job has not made its model yet (the follow-up contains it then).
    const notYet = skipped.every((r) => r.includes(NOT_YET));
    if (how === 'asked' || !notYet) {
      await report(plan, containmentUpdate([], skipped, how, false, at), stage, targets, deps);
    }
    return { status: plan.verdict === 'approved' ? 'refused' : 'held', eventId: plan.eventId, actions: skipped };
  }
  if (settings.dryRun) {
    const results: StepResult[] = steps.map((step) => ({ step, result: 'dry-run' }));
    deps.logger.info('containment dry run: nothing changed', { ...log, steps: results.map(stepLine), skipped });
    deps.count('ContainmentsDryRun');
    await report(plan, containmentUpdate(results, skipped, how, true, at), stage, targets, deps);
    return { status: 'dry-run', eventId: plan.eventId, actions: results.map(stepLine) };
  }
  const table = deps.idempotencyTable!;
  const dynamoDb = deps.clients.dynamoDb!;
  let allowed: boolean;
  try {
    allowed = await claimContainment(
      dynamoDb,
      table,
      plan.eventId,
      settings.maxPerHour,
      deps.now(),
      deps.config.checkTimeoutMs,
    );
  } catch (e) {
    throw new ActionFailedError(
      `containment of ${plan.eventId}: the hourly limit could not be checked: ${describeError(e)}`,
    );
  }
  if (!allowed) {
    deps.logger.warn('containment held back: the hourly limit is reached', log);
    deps.count('ContainmentsRateLimited');
    const hour = String(Math.floor(deps.now() / 3_600_000));
    await report(
      plan,
      rateLimitedUpdate(settings.maxPerHour, how, at),
      stageKey('limit', how, requestId, hour),
      targets,
      deps,
    );
    return { status: 'held', eventId: plan.eventId, actions: ['the hourly limit is reached'] };
  }
  const bedrock = deps.clients.bedrockIn?.(plan.region);
  if (!bedrock) throw new ActionFailedError(`containment of ${plan.eventId}: no Bedrock client`);
  const results: StepResult[] = [];
  const failures: string[] = [];
  for (const step of steps) {
    try {
      const result = await runStep({ bedrock, iam: deps.clients.iam }, step, settings, {
        eventId: plan.eventId,
        quarantinePolicyArn: `arn:${targets.partition}:iam::${targets.account}:policy/${quarantinePolicyName(targets.namePrefix, targets.region)}`,
        timeoutMs: deps.config.checkTimeoutMs * 5,
      });
      results.push(result);
      deps.logger.info('containment step', { ...log, step: stepLine(result) });
      deps.count(`ContainmentSteps_${result.result}`);
    } catch (e) {
      failures.push(describeError(e).replace(/^ActionFailedError: /, ''));
      deps.count('ContainmentStepsFailed');
    }
  }
  if (failures.length > 0) {
    // The steps that worked are idempotent: the retry finds them done and tries the rest again.
    deps.logger.error('containment step failed', { ...log, failures, done: results.map(stepLine) });
    throw new ActionFailedError(`containment of ${plan.eventId}: ${failures.join('; ')}`);
  }
  deps.count('Containments');
  await recordDone(plan, results, deps);
  await report(plan, containmentUpdate(results, skipped, how, false, at), stage, targets, deps);
  return { status: 'contained', eventId: plan.eventId, actions: results.map(stepLine) };
}

/** A step as the plan remembers it. */
const stepKey = (s: ContainmentStep) => `${s.call} ${s.target}`;

/** Remembers the steps carried out (a failure to remember is logged: the steps are idempotent anyway). */
async function recordDone(plan: AlertPlan, results: readonly StepResult[], deps: PipelineDependencies): Promise<void> {
  const table = deps.idempotencyTable;
  const dynamoDb = deps.clients.dynamoDb;
  if (!table || !dynamoDb) return;
  try {
    const fresh = (await readPlan(dynamoDb, table, plan.eventId, deps.config.checkTimeoutMs)) ?? plan;
    const done = [...new Set([...(fresh.done ?? []), ...results.map((r) => stepKey(r.step))])];
    await updatePlan(
      dynamoDb,
      table,
      { ...fresh, done },
      deps.config.idempotencyDays,
      deps.now(),
      deps.config.checkTimeoutMs,
    );
  } catch (e) {
    deps.logger.error('containment steps done but not recorded', { eventId: plan.eventId, error: describeError(e) });
  }
}

/** The update of the alert on every destination, and the note on its finding. */
async function report(
  plan: AlertPlan,
  update: ReturnType<typeof containmentUpdate>,
  stage: string,
  targets: DeliveryTargets,
  deps: PipelineDependencies,
): Promise<void> {
  await deliverUpdate(plan.alert, update, stage, targets, deps);
  await noteOnFinding(plan.alert, [update.text, ...update.actions].join(' | '), stage, targets, deps);
}

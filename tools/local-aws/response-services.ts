// The local endpoint's side of the lifecycle follow-up and contain mode: Bedrock's Get* calls on
// jobs and resources, tags, deletes, deregistration and stopping; Step Functions StartExecution;
// IAM AttachRolePolicy/AttachUserPolicy; SQS SendMessage (to the dead-letter queue); Security Hub
// BatchUpdateFindings (notes). State is kept per resource, so a test can make a job complete, a
// resource disappear or a tag be removed by hand between two invocations.
import { createHash } from 'node:crypto';
import type * as http from 'node:http';

/** A Bedrock job or resource as the local endpoint knows it. */
export interface LocalBedrockResource {
  /** What its Get* call answers (the status fields). */
  get: Record<string, unknown>;
  /** Its tags (key → value). */
  tags: Map<string, string>;
  /** Deleted (Get* and every call on it answer ResourceNotFoundException). */
  gone?: boolean;
  /** Answer deletes with this error (code and HTTP status). */
  deleteError?: { code: string; status: number };
}

export interface ResponseServices {
  /** Bedrock jobs and resources by their identifier (ARN) as the calls name them. */
  readonly bedrock: Map<string, LocalBedrockResource>;
  /** Started state machine executions by name. */
  readonly executions: Map<string, { stateMachineArn: string; input: string }>;
  /** IAM managed policies attached: `<role|user>/<name>` → policy ARNs. */
  readonly attachedPolicies: Map<string, string[]>;
  /** Messages sent to SQS queues. */
  readonly queueMessages: { queueUrl: string; body: string }[];
  /** Notes left on Security Hub findings, by finding id. */
  readonly notes: Map<string, string[]>;
}

export function createResponseServices(): ResponseServices {
  return {
    bedrock: new Map(),
    executions: new Map(),
    attachedPolicies: new Map(),
    queueMessages: [],
    notes: new Map(),
  };
}

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

function replier(res: http.ServerResponse, contentType: string): Reply {
  return (status, body, headers = {}) =>
    res
      .writeHead(status, { 'content-type': contentType, ...headers })
      .end(typeof body === 'string' ? body : JSON.stringify(body));
}

function jsonError(res: http.ServerResponse, status: number, code: string, message: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': code })
    .end(JSON.stringify({ __type: code, message }));
}

/** The Get* paths, and which identifier each names. */
const GET_PATHS: readonly RegExp[] = [
  /^\/model-import-jobs\/([^/?]+)$/,
  /^\/model-copy-jobs\/([^/?]+)$/,
  /^\/model-customization-jobs\/([^/?]+)$/,
  /^\/custom-models\/([^/?]+)$/,
  /^\/model-customization\/custom-model-deployments\/([^/?]+)$/,
  /^\/marketplace-model\/endpoints\/([^/?]+)$/,
  /^\/provisioned-model-throughput\/([^/?]+)$/,
];

/** Handles a Bedrock REST call other than ListMarketplaceModelEndpoints; false when it is not one of these. */
export function handleBedrock(
  state: ResponseServices,
  method: string,
  url: string,
  p: Record<string, unknown>,
  res: http.ServerResponse,
): boolean {
  const path = url.split('?')[0];
  const reply = replier(res, 'application/json');
  const find = (id: string) => {
    const r = state.bedrock.get(id);
    return r && !r.gone ? r : undefined;
  };
  const notFound = (id: string) => jsonError(res, 404, 'ResourceNotFoundException', `${id} not found`);
  if (method === 'GET') {
    for (const re of GET_PATHS) {
      const m = re.exec(path);
      if (!m) continue;
      const id = decodeURIComponent(m[1]);
      const r = find(id);
      if (!r) return (notFound(id), true);
      reply(200, r.get);
      return true;
    }
    return false;
  }
  if (method === 'POST' && ['/listTagsForResource', '/tagResource', '/untagResource'].includes(path)) {
    const arn = String(p.resourceARN);
    const r = find(arn);
    if (!r) return (notFound(arn), true);
    if (path === '/tagResource') {
      for (const t of (p.tags as { key: string; value: string }[]) ?? []) r.tags.set(t.key, t.value);
    } else if (path === '/untagResource') {
      for (const k of (p.tagKeys as string[]) ?? []) r.tags.delete(k);
    } else {
      reply(200, { tags: [...r.tags].map(([key, value]) => ({ key, value })) });
      return true;
    }
    reply(200, {});
    return true;
  }
  const remove = (id: string) => {
    const r = find(id);
    if (!r) return notFound(id);
    if (r.deleteError) return jsonError(res, r.deleteError.status, r.deleteError.code, 'injected delete failure');
    r.gone = true;
    reply(200, {});
  };
  let m = /^\/model-customization\/custom-model-deployments\/([^/?]+)$/.exec(path);
  if (method === 'DELETE' && m) return (remove(decodeURIComponent(m[1])), true);
  m = /^\/marketplace-model\/endpoints\/([^/?]+)\/registration$/.exec(path);
  if (method === 'DELETE' && m) return (remove(decodeURIComponent(m[1])), true);
  m = /^\/marketplace-model\/endpoints\/([^/?]+)$/.exec(path);
  if (method === 'DELETE' && m) return (remove(decodeURIComponent(m[1])), true);
  m = /^\/model-customization-jobs\/([^/?]+)\/stop$/.exec(path);
  if (method === 'POST' && m) {
    const id = decodeURIComponent(m[1]);
    const r = find(id);
    if (!r) return (notFound(id), true);
    if (r.get.status !== 'InProgress') {
      jsonError(res, 400, 'ValidationException', `job ${id} is ${String(r.get.status)}`);
      return true;
    }
    r.get = { ...r.get, status: 'Stopping' };
    reply(200, {});
    return true;
  }
  return false;
}

/** Step Functions StartExecution (JSON 1.0): a second start of the same name with the same input succeeds. */
export function handleStates(
  state: ResponseServices,
  operation: string,
  p: Record<string, unknown>,
  res: http.ServerResponse,
): void {
  if (operation !== 'StartExecution') return jsonError(res, 400, 'UnknownOperationException', operation);
  const name = String(p.name);
  const previous = state.executions.get(name);
  if (previous && previous.input !== String(p.input)) {
    return jsonError(res, 400, 'ExecutionAlreadyExists', `execution ${name} already exists`);
  }
  state.executions.set(name, { stateMachineArn: String(p.stateMachineArn), input: String(p.input) });
  replier(res, 'application/x-amz-json-1.0')(200, {
    executionArn: `${String(p.stateMachineArn).replace(':stateMachine:', ':execution:')}:${name}`,
    startDate: 1_790_000_000,
  });
}

/** IAM AttachRolePolicy / AttachUserPolicy (query protocol, XML answers); an unknown name is NoSuchEntity. */
export function handleIam(
  state: ResponseServices,
  operation: string,
  p: Record<string, unknown>,
  res: http.ServerResponse,
  knownPrincipals: ReadonlySet<string>,
): void {
  const xml = (status: number, body: string) => res.writeHead(status, { 'content-type': 'text/xml' }).end(body);
  if (operation !== 'AttachRolePolicy' && operation !== 'AttachUserPolicy') {
    return void xml(400, '<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>');
  }
  const kind = operation === 'AttachRolePolicy' ? 'role' : 'user';
  const name = String(p.RoleName ?? p.UserName);
  if (knownPrincipals.size > 0 && !knownPrincipals.has(`${kind}/${name}`)) {
    return void xml(
      404,
      `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The ${kind} with name ${name} cannot be found.</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    );
  }
  const key = `${kind}/${name}`;
  state.attachedPolicies.set(key, [...new Set([...(state.attachedPolicies.get(key) ?? []), String(p.PolicyArn)])]);
  xml(
    200,
    `<${operation}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${operation}Response>`,
  );
}

/** SQS SendMessage (JSON 1.0), with the body's MD5 the SDK checks. */
export function handleSqs(
  state: ResponseServices,
  operation: string,
  p: Record<string, unknown>,
  res: http.ServerResponse,
): void {
  if (operation !== 'SendMessage') return jsonError(res, 400, 'UnsupportedOperation', operation);
  const body = String(p.MessageBody);
  state.queueMessages.push({ queueUrl: String(p.QueueUrl), body });
  replier(res, 'application/x-amz-json-1.0')(200, {
    MessageId: `msg-${state.queueMessages.length}`,
    MD5OfMessageBody: createHash('md5').update(body).digest('hex'),
  });
}

/** Security Hub BatchUpdateFindings: records the note on each finding. */
export function handleBatchUpdateFindings(
  state: ResponseServices,
  p: Record<string, unknown>,
  res: http.ServerResponse,
): void {
  const ids = ((p.FindingIdentifiers as { Id: string; ProductArn: string }[]) ?? []).map((f) => f.Id);
  const note = (p.Note as { Text?: string } | undefined)?.Text ?? '';
  for (const id of ids) state.notes.set(id, [...(state.notes.get(id) ?? []), note]);
  replier(res, 'application/json')(200, {
    ProcessedFindings: ids.map((Id) => ({ Id, ProductArn: 'x' })),
    UnprocessedFindings: [],
  });
}

/**
 * The checks the function makes after a rule matched, where the pattern cannot tell: whether an
 * AgentCore harness or gateway target is pointed at a model outside Bedrock. Pure.
 *
 * UNVERIFIED: no CloudTrail record of these calls has been published. The AgentCore API model names
 * OpenAI, Gemini and LiteLLM model configurations (with an `apiBase`) for harnesses and an `https://`
 * inference endpoint for gateway targets; the check therefore reads the request generically: any
 * http(s) URL whose host is not an AWS endpoint, and any configuration key that names a provider
 * other than Bedrock.
 */
import { isObject } from './values';

/** Hosts that are AWS's own endpoints (a Bedrock or SageMaker model, not an outside one). */
const AWS_HOST = /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws|on\.aws|aws\.dev)$/i;
/** Configuration keys that name a model provider outside Bedrock. */
const OUTSIDE_PROVIDER_KEY = /(openai|gemini|litellm|anthropicapi|mistralapi|azure|vertex)/i;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>]+/gi;

/**
 * The model endpoints outside Bedrock an agent's request names (URLs, and provider configuration
 * keys as `provider:<key>`), at most 10; empty when there are none.
 */
export function outsideModelEndpoints(record: Record<string, unknown>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, key: string, depth: number): void => {
    if (found.size >= 10 || depth > 12) return;
    if (typeof value === 'string') {
      for (const match of value.matchAll(URL_IN_TEXT)) {
        let host: string;
        try {
          host = new URL(match[0]).hostname;
        } catch {
          host = '';
        }
        if (host && !AWS_HOST.test(host)) found.add(match[0].slice(0, 300));
      }
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) visit(v, key, depth + 1);
      return;
    }
    if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (OUTSIDE_PROVIDER_KEY.test(k) && v !== null && v !== undefined && v !== false) found.add(`provider:${k}`);
        visit(v, k, depth + 1);
      }
    }
  };
  visit(record.requestParameters, 'requestParameters', 0);
  return [...found];
}

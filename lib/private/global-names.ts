/**
 * Names that are global to an account (IAM roles, CloudWatch dashboards, and a multi-region trail,
 * which logs every region of its account) or to an organisation (SCPs): two constructs in one app
 * must not claim one for the same account, or the second deployment fails (or, for a second
 * multi-region trail, pays for every management event twice). Each claim is checked when the app
 * is synthesized, and synth stops with the reason and what to do.
 */
import { Stack, Token } from 'aws-cdk-lib';
import type { Construct, IConstruct } from 'constructs';

export interface GlobalNameClaim {
  /** What is claimed, for the message: "claim the IAM role name 'x'", "create a multi-region trail". */
  readonly what: string;
  /** What must be unique: the name, or for a multi-region trail, a fixed key (one per account). */
  readonly key: string;
  /** Global to the account the stack deploys to, or to the whole organisation. */
  readonly scope: 'account' | 'organization';
  /** What to do instead, for the message. */
  readonly remedy: string;
}

const CLAIMS = new WeakMap<IConstruct, Map<string, { path: string; where: string }[]>>();

/**
 * Claims a global name for `owner`. A name that is not known at synth (it holds a token) cannot be
 * compared and is not claimed; an account that is not known counts as the app's one default account.
 */
export function claimGlobalName(owner: Construct, claim: GlobalNameClaim): void {
  if (Token.isUnresolved(claim.key)) return;
  const stack = Stack.of(owner);
  const account = Token.isUnresolved(stack.account) ? '(the default account)' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '(any region)' : stack.region;
  const key = `${claim.scope === 'account' ? account : ''}\u0000${claim.key}`;
  const root = owner.node.root;
  let claims = CLAIMS.get(root);
  if (!claims) CLAIMS.set(root, (claims = new Map()));
  const list = claims.get(key) ?? [];
  list.push({ path: owner.node.path, where: `${stack.stackName} (${account}, ${region})` });
  claims.set(key, list);
  if (list.length > 1) return; // the first claimant reports the conflict, once
  owner.node.addValidation({
    validate: () => {
      if (list.length < 2) return [];
      const scope = claim.scope === 'account' ? `account ${account}` : 'the organisation';
      return [
        `${list.length} constructs ${claim.what}, which is global to ${scope}: ${list
          .map((c) => `${c.path} in ${c.where}`)
          .join(' and ')}. ${claim.remedy}`,
      ];
    },
  });
}

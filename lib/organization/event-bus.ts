import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, type IConstruct } from 'constructs';

import {
  DEFAULT_NAME_PREFIX,
  checkAccountId,
  checkNamePrefix,
  checkOrganizationId,
  checkRegion,
  detectorNames,
} from '../detection';
import { assertValid, isToken, show } from '../private/validation';

/** The name of the central bus for a name prefix. */
export function organizationEventBusName(namePrefix: string = DEFAULT_NAME_PREFIX): string {
  return detectorNames(namePrefix).organizationBus;
}

/** Props of `OrganizationEventBus`. */
export interface OrganizationEventBusProps {
  /**
   * The organisation (`o-…`) whose accounts may put events on the bus (`aws:PrincipalOrgID`). No
   * principal outside it is admitted, and synth fails if any statement added to the bus policy
   * would admit one.
   */
  readonly organizationId: string;
  /**
   * The detector's name prefix; the bus is named `<namePrefix>-org-bus`, which the forwarders in
   * the member accounts target by name.
   * @default 'bedrock-supply-chain'
   */
  readonly namePrefix?: string;
}

/** Where the central bus is, for the forwarders in other accounts. */
export interface CentralEventBusLocation {
  /** The security (central) account that runs the detector. */
  readonly account: string;
  /** The home region. */
  readonly region: string;
  /**
   * The detector's name prefix, which names the bus.
   * @default 'bedrock-supply-chain'
   */
  readonly namePrefix?: string;
}

/**
 * The organisation's central event bus in the security account's home region: member accounts'
 * forwarders put their events on it, and the detector's rules listen on it. Its resource policy
 * admits `events:PutEvents` from principals of the organisation only.
 */
export class OrganizationEventBus extends Construct {
  /** The central bus's name for a name prefix: `<namePrefix>-org-bus`. */
  public static busName(namePrefix?: string): string {
    return organizationEventBusName(namePrefix);
  }

  /** The central bus of another account, by the name this construct gives it. */
  static fromCentralAccount(scope: Construct, id: string, location: CentralEventBusLocation): events.IEventBus {
    assertValid(checkAccountId(location.account, 'account', isToken));
    if (!isToken(location.region)) assertValid(checkRegion(location.region, 'region'));
    if (location.namePrefix !== undefined && !isToken(location.namePrefix)) {
      assertValid(checkNamePrefix(location.namePrefix));
    }
    return events.EventBus.fromEventBusArn(
      scope,
      id,
      Stack.of(scope).formatArn({
        service: 'events',
        account: location.account,
        region: location.region,
        resource: 'event-bus',
        resourceName: organizationEventBusName(location.namePrefix),
      }),
    );
  }

  /** The bus. */
  readonly eventBus: events.EventBus;
  /** The organisation the bus admits. */
  readonly organizationId: string;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props the organisation and the name prefix
   */
  constructor(scope: Construct, id: string, props: OrganizationEventBusProps) {
    super(scope, id);
    assertValid(checkOrganizationId(props.organizationId, 'organizationId', isToken));
    if (props.namePrefix !== undefined && !isToken(props.namePrefix)) assertValid(checkNamePrefix(props.namePrefix));
    this.organizationId = props.organizationId;
    this.eventBus = new events.EventBus(this, 'Resource', {
      eventBusName: organizationEventBusName(props.namePrefix),
      description: 'Bedrock model supply-chain events forwarded from every account and region of the organisation',
    });
    this.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationPutEvents',
        principals: [new iam.StarPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
    // Statements may be added after construction (addToResourcePolicy, grantPutEventsTo), so the
    // whole policy is checked when the app is synthesized.
    this.node.addValidation({ validate: () => this.checkPolicy() });
  }

  private checkPolicy(): string[] {
    const stack = Stack.of(this);
    const busName = stack.resolve(this.eventBus.eventBusName);
    const statements: { where: string; statement: Record<string, unknown> }[] = [];
    const visit = (c: IConstruct) => {
      if (
        c instanceof events.CfnEventBusPolicy &&
        JSON.stringify(stack.resolve(c.eventBusName)) === JSON.stringify(busName)
      ) {
        if (c.statement !== undefined) {
          statements.push({ where: c.node.path, statement: stack.resolve(c.statement) as Record<string, unknown> });
        } else {
          // The legacy form: one principal and an optional condition.
          const condition = stack.resolve(c.condition) as { key?: string; type?: string; value?: string } | undefined;
          statements.push({
            where: c.node.path,
            statement: {
              Effect: 'Allow',
              Principal: { AWS: stack.resolve(c.principal) },
              Condition:
                condition?.key !== undefined
                  ? { [condition.type ?? 'StringEquals']: { [condition.key]: condition.value } }
                  : undefined,
            },
          });
        }
      }
      if (c instanceof events.CfnEventBus && c.node.scope === this.eventBus && c.policy !== undefined) {
        const document = stack.resolve(c.policy) as { Statement?: unknown };
        for (const s of [document.Statement ?? []].flat() as Record<string, unknown>[]) {
          statements.push({ where: c.node.path, statement: s });
        }
      }
      c.node.children.forEach(visit);
    };
    visit(stack);
    return statements
      .map(({ where, statement }) => admitsOutsiders(statement, this.organizationId, where))
      .filter((p): p is string => p !== undefined);
  }
}

/**
 * Why an Allow statement could admit a principal outside the organisation, or undefined: every
 * Allow statement must require `aws:PrincipalOrgID` to equal the organisation's id.
 */
function admitsOutsiders(
  statement: Record<string, unknown>,
  organizationId: string,
  where: string,
): string | undefined {
  if (statement.Effect !== 'Allow') return undefined;
  const stringEquals = (statement.Condition as Record<string, Record<string, unknown>> | undefined)?.StringEquals;
  const orgIds = [stringEquals?.['aws:PrincipalOrgID'] ?? []].flat();
  if (isToken(organizationId)) return undefined;
  if (orgIds.length === 1 && orgIds[0] === organizationId) return undefined;
  return `the central bus's resource policy (${where}) would admit principals outside the organisation ${show(organizationId)}: every Allow statement must carry the condition StringEquals 'aws:PrincipalOrgID' = ${show(organizationId)}, got ${show({ Sid: statement.Sid, Principal: statement.Principal, Condition: statement.Condition })}`;
}

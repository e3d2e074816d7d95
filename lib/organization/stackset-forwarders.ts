import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { Annotations, App, BootstraplessSynthesizer, CfnParameter, Stack, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

import {
  DEFAULT_HOME_REGION,
  checkAccountId,
  checkDeploymentTargetId,
  checkHomeRegion,
  checkRegionList,
  detectorNames,
  utf8Bytes,
} from '../detection';
import { WATCH_DEFAULTS, type DetectorTrail, type WatchOptions } from '../detector';
import { assertAllValid, assertValid, checkInteger, isToken, show } from '../private/validation';
import { watchSet } from '../private/watched-calls';

import { RegionalForwarder } from './regional-forwarder';
import { declaredTrail } from './trail-declaration';

/** CloudFormation's limit on a template passed inline (`TemplateBody`), in bytes. */
const STACK_SET_TEMPLATE_BODY_MAX_BYTES = 51_200;

/** The member template's parameter that carries the central bus's ARN. */
const CENTRAL_EVENT_BUS_ARN_PARAMETER = 'CentralEventBusArn';

/** Which account the StackSet operations act as. */
export enum StackSetCallAs {
  /** The management account. */
  SELF = 'SELF',
  /** A StackSets delegated administrator account (often the security account). */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/** How a StackSet operation goes through the regions. */
export enum StackSetRegionConcurrency {
  /** All regions at once. */
  PARALLEL = 'PARALLEL',
  /** One region after another. */
  SEQUENTIAL = 'SEQUENTIAL',
}

/** `OrganizationForwardersProps`' defaults, in one place (a test checks the JSDoc against them). */
export const ORGANIZATION_FORWARDERS_DEFAULTS = {
  homeRegion: DEFAULT_HOME_REGION,
  callAs: StackSetCallAs.SELF,
  maxConcurrentPercentage: 100,
  failureTolerancePercentage: 10,
  regionConcurrency: StackSetRegionConcurrency.PARALLEL,
} as const;

/**
 * Props of `OrganizationForwarders`. Give the watch options (profile, additional event names, name
 * prefix) the detector's values: the member rule's pattern is the detector's, and the prefix names
 * the central bus, the StackSet and the members' rule and role.
 */
export interface OrganizationForwardersProps extends WatchOptions {
  /** The security account that runs the `OrganizationDetector` (its central bus). */
  readonly centralAccountId: string;

  /**
   * The region of the central bus (the `OrganizationDetector`'s home region).
   * @default 'us-east-1'
   */
  readonly homeRegion?: string;

  /**
   * Every watched region: each member account gets a forwarder in each of them, the home region
   * included. Known region names of one partition.
   */
  readonly regions: string[];

  /**
   * The organisational units (`ou-…`) or the root (`r-…`) whose accounts get the forwarders.
   * Accounts that join them later get the forwarders automatically; accounts that leave lose them.
   */
  readonly organizationalUnitIds: string[];

  /**
   * The organisation trail that logs the member accounts' management events. No trail is created.
   * @default - none declared: a warning says so
   */
  readonly trail?: DetectorTrail;

  /**
   * The StackSet's name.
   * @default - '<namePrefix>-forwarders'
   */
  readonly stackSetName?: string;

  /**
   * `SELF` in the management account; `DELEGATED_ADMIN` in a StackSets delegated administrator
   * account (often the security account).
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * Largest share of accounts (per region) deployed at once, 1-100.
   * @default 100
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * Share of accounts (per region) that may fail before the operation stops in that region, 0-100.
   * @default 10
   */
  readonly failureTolerancePercentage?: number;

  /**
   * Deploy to the regions in parallel or one after another.
   * @default StackSetRegionConcurrency.PARALLEL
   */
  readonly regionConcurrency?: StackSetRegionConcurrency;
}

/**
 * The member accounts' forwarders, as a service-managed StackSet: in every account of the given OUs
 * and in every watched region, one rule with the detector's pattern (from `lib/detection`) and
 * the role it needs, targeting the organisation's central bus. New accounts get them automatically.
 *
 * The member template is a `RegionalForwarder` synthesized on its own, without assets or
 * bootstrap checks, and passed inline (`TemplateBody`); the central bus's ARN is its one parameter.
 * Service-managed StackSets never deploy to the management account: deploy a `RegionalForwarder`
 * there per region.
 */
export class OrganizationForwarders extends Construct {
  /** CloudFormation's limit on a template passed inline (`TemplateBody`), in bytes. */
  public static readonly TEMPLATE_BODY_MAX_BYTES: number = STACK_SET_TEMPLATE_BODY_MAX_BYTES;
  /** The member template's parameter that carries the central bus's ARN. */
  public static readonly CENTRAL_EVENT_BUS_ARN_PARAMETER: string = CENTRAL_EVENT_BUS_ARN_PARAMETER;

  /** The StackSet. */
  readonly stackSet: cloudformation.CfnStackSet;
  /** The member template, as deployed to every account and region. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON in the jsii API (a dict in Python, a Map in Java), as aws-cdk has it
  readonly memberTemplate: { [key: string]: any };
  /** The member template as submitted (compact JSON). */
  readonly templateBody: string;
  /** The ARN of the central bus the forwarders target. */
  readonly centralEventBusArn: string;

  /**
   * @param scope the construct this one is created in
   * @param id this construct's id: part of every logical id under it, so keep it stable once deployed
   * @param props the central account, the regions and the organisational units
   */
  constructor(scope: Construct, id: string, props: OrganizationForwardersProps) {
    super(scope, id);
    const homeRegion = props.homeRegion ?? ORGANIZATION_FORWARDERS_DEFAULTS.homeRegion;
    validate(props, homeRegion);
    // Checked here, with this construct's props, before the member stack is built from them.
    watchSet(props);
    declaredTrail(this, props.trail, 'The organisation forwarders StackSet');
    const names = detectorNames(props.namePrefix ?? WATCH_DEFAULTS.namePrefix);
    const stack = Stack.of(this);

    this.centralEventBusArn = stack.formatArn({
      service: 'events',
      account: props.centralAccountId,
      region: homeRegion,
      resource: 'event-bus',
      resourceName: names.organizationBus,
    });
    this.memberTemplate = synthesizeMemberTemplate(this, props);
    this.templateBody = JSON.stringify(this.memberTemplate);
    const bytes = utf8Bytes(this.templateBody);
    if (bytes > STACK_SET_TEMPLATE_BODY_MAX_BYTES) {
      assertValid(
        `'additionalEventNames' make the member template ${bytes} bytes, more than the ${STACK_SET_TEMPLATE_BODY_MAX_BYTES} CloudFormation takes inline: watch fewer names`,
      );
    }

    this.stackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName: props.stackSetName ?? names.stackSet,
      description:
        'Forwards successful Bedrock model-import calls from every member account and region to the organisation detector',
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? ORGANIZATION_FORWARDERS_DEFAULTS.callAs,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      managedExecution: { Active: true },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      operationPreferences: {
        regionConcurrencyType: props.regionConcurrency ?? ORGANIZATION_FORWARDERS_DEFAULTS.regionConcurrency,
        maxConcurrentPercentage:
          props.maxConcurrentPercentage ?? ORGANIZATION_FORWARDERS_DEFAULTS.maxConcurrentPercentage,
        failureTolerancePercentage:
          props.failureTolerancePercentage ?? ORGANIZATION_FORWARDERS_DEFAULTS.failureTolerancePercentage,
        concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
      },
      parameters: [{ parameterKey: CENTRAL_EVENT_BUS_ARN_PARAMETER, parameterValue: this.centralEventBusArn }],
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] },
          regions: [...props.regions],
        },
      ],
      templateBody: this.templateBody,
    });
    Annotations.of(this).addInfo(
      'Service-managed StackSets never deploy to the management account: deploy a RegionalForwarder in each watched region there.',
    );
  }
}

function validate(props: OrganizationForwardersProps, homeRegion: string): void {
  assertValid(checkAccountId(props.centralAccountId, 'centralAccountId', isToken));
  assertAllValid(checkRegionList(props.regions, 'regions', Token.isUnresolved));
  assertValid(checkHomeRegion(homeRegion, props.regions, 'regions', Token.isUnresolved));
  if (!isToken(props.organizationalUnitIds)) {
    if (!Array.isArray(props.organizationalUnitIds) || props.organizationalUnitIds.length === 0) {
      assertValid(
        `'organizationalUnitIds' must list at least one OU id or the root id, got ${show(props.organizationalUnitIds)}`,
      );
    }
    for (const ou of props.organizationalUnitIds) {
      assertValid(checkDeploymentTargetId(ou, 'organizationalUnitIds', isToken));
    }
  }
  if (props.maxConcurrentPercentage !== undefined) {
    assertValid(checkInteger(props.maxConcurrentPercentage, 'maxConcurrentPercentage', 1, 100));
  }
  if (props.failureTolerancePercentage !== undefined) {
    assertValid(checkInteger(props.failureTolerancePercentage, 'failureTolerancePercentage', 0, 100));
  }
  if (props.callAs !== undefined && !(Object.values(StackSetCallAs) as string[]).includes(props.callAs)) {
    assertValid(
      `'callAs' must be StackSetCallAs.SELF ('SELF') or StackSetCallAs.DELEGATED_ADMIN ('DELEGATED_ADMIN'), got ${show(props.callAs)}`,
    );
  }
  if (
    props.regionConcurrency !== undefined &&
    !(Object.values(StackSetRegionConcurrency) as string[]).includes(props.regionConcurrency)
  ) {
    assertValid(
      `'regionConcurrency' must be StackSetRegionConcurrency.PARALLEL ('PARALLEL') or StackSetRegionConcurrency.SEQUENTIAL ('SEQUENTIAL'), got ${show(props.regionConcurrency)}`,
    );
  }
  if (
    props.stackSetName !== undefined &&
    !isToken(props.stackSetName) &&
    !/^[a-zA-Z][-a-zA-Z0-9]{0,127}$/.test(props.stackSetName)
  ) {
    assertValid(
      `'stackSetName' must be 1-128 letters, digits or hyphens starting with a letter, got ${show(props.stackSetName)}`,
    );
  }
}

/**
 * The member template: a `RegionalForwarder` in a stack of its own, synthesized in a separate
 * in-memory app (a temporary directory, removed at once), with no bootstrap version check (member
 * accounts are not CDK-bootstrapped), no assets, no CDK metadata and no construct paths.
 */
function synthesizeMemberTemplate(scope: Construct, props: OrganizationForwardersProps): Record<string, unknown> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bedrock-supply-chain-member-'));
  try {
    const app = new App({
      outdir,
      autoSynth: false,
      analyticsReporting: false,
      stackTraces: false,
      treeMetadata: false,
      builtinCloudFormationValidation: false,
      // The same feature flags as the app this construct is in, so the template is what it would
      // synthesize; without construct paths, which mean nothing in a member account.
      context: {
        ...scope.node.getAllContext(),
        'aws:cdk:enable-path-metadata': false,
        'aws:cdk:version-reporting': false,
      },
    });
    const stack = new Stack(app, 'Member', {
      synthesizer: new BootstraplessSynthesizer(),
      analyticsReporting: false,
      description:
        'Bedrock model supply chain: forwards the watched calls, and the changes that would blind the detector or take the account out of reach, of this account and region to the organisation detector',
    });
    const busArn = new CfnParameter(stack, CENTRAL_EVENT_BUS_ARN_PARAMETER, {
      type: 'String',
      description: "ARN of the organisation detector's central event bus",
      allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[A-Za-z0-9._-]+$',
    });
    new RegionalForwarder(stack, 'Forwarder', {
      targetEventBus: events.EventBus.fromEventBusArn(stack, 'CentralBus', busArn.valueAsString),
      profile: props.profile,
      sourceProfiles: props.sourceProfiles,
      additionalEventNames: props.additionalEventNames,
      additionalEvents: props.additionalEvents,
      probingAlerts: props.probingAlerts,
      createThenDeleteAlerts: props.createThenDeleteAlerts,
      namePrefix: props.namePrefix,
      trail: props.trail,
      // A member can blind itself (its forwarder rules) or leave the organisation (LeaveOrganization
      // and its own EnableRegion are logged in the member account, in us-east-1): forward those too.
      forwardTamperEvents: true,
    });
    return app.synth().getStackByName(stack.stackName).template as Record<string, unknown>;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

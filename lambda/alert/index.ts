// Lambda entry point: read the configuration once per cold start, then delegate to the handler.
import { SNSClient } from '@aws-sdk/client-sns';

import { ALERT_CONFIG_ENV, ALERT_TOPIC_ENV, parseAlertFunctionConfig } from '../../lib/detection';

import { createHandler } from './handler';

const topicArn = process.env[ALERT_TOPIC_ENV];
if (!topicArn) throw new Error(`${ALERT_TOPIC_ENV} is not set: the alerting function has nowhere to publish`);

export const handler = createHandler({
  // The endpoint comes from the SDK's own settings (AWS_ENDPOINT_URL_SNS / AWS_ENDPOINT_URL).
  sns: new SNSClient({}),
  topicArn,
  config: parseAlertFunctionConfig(process.env[ALERT_CONFIG_ENV]),
});

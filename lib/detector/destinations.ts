/**
 * Where alerts go: the dead-letter queue (of the rule targets, the function and undeliverable
 * e-mail), the alert topic with its e-mail subscriptions, and the chat topic AWS Chatbot channels
 * subscribe to. Their construct ids are the detector's children's, as they have always been.
 */
import { Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

import type { DetectorNames } from '../detection';

import { DETECTOR_DEFAULTS, type SupplyChainDetectorProps } from './props';

export interface Destinations {
  readonly deadLetterQueue: sqs.Queue;
  readonly alertTopic: sns.ITopic;
  readonly chatTopic?: sns.Topic;
}

/** Creates the dead-letter queue and the topics in `scope` (the detector). */
export function createDestinations(
  scope: Construct,
  props: SupplyChainDetectorProps,
  names: DetectorNames,
  encryptionKey: kms.IKey,
): Destinations {
  const ownTopic = props.alertTopic === undefined;
  const deadLetterQueue = new sqs.Queue(scope, 'DeadLetterQueue', {
    queueName: names.queue,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: encryptionKey,
    retentionPeriod: props.deadLetterRetention ?? DETECTOR_DEFAULTS.deadLetterRetention,
    enforceSSL: true,
  });
  Validations.of(deadLetterQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the dead-letter queue of the rule target and of the alerting function.',
  });
  const alertTopic =
    props.alertTopic ??
    new sns.Topic(scope, 'AlertTopic', {
      topicName: names.topic,
      displayName: 'Bedrock model supply-chain alerts',
      masterKey: encryptionKey,
      enforceSSL: true,
    });
  // Mail SNS cannot deliver goes to the dead-letter queue too; an SNS dead-letter queue must be in
  // the topic's account and region, which only the detector's own topic is known to share.
  for (const email of props.alertEmails ?? []) {
    alertTopic.addSubscription(
      new subscriptions.EmailSubscription(email, ownTopic ? { deadLetterQueue: deadLetterQueue } : {}),
    );
  }
  let chatTopic: sns.Topic | undefined;
  if (props.slackChannels?.length || props.teamsChannels?.length || props.chatNotifications) {
    chatTopic = new sns.Topic(scope, 'ChatTopic', {
      topicName: names.chatTopic,
      displayName: 'Bedrock model supply-chain alerts (chat)',
      masterKey: encryptionKey,
      enforceSSL: true,
    });
    for (const channel of props.slackChannels ?? []) channel.addNotificationTopic(chatTopic);
    for (const channel of props.teamsChannels ?? []) {
      channel.snsTopicArns = [...(channel.snsTopicArns ?? []), chatTopic.topicArn];
    }
  }
  return { deadLetterQueue, alertTopic, chatTopic };
}

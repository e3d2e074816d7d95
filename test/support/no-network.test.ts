import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

describe('the no-network guard (installed for every test file)', () => {
  test('a real SDK client aimed at AWS fails at once, without a request leaving the machine', async () => {
    const sns = new SNSClient({
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    await expect(
      sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:t', Message: 'm' })),
    ).rejects.toThrow('network access blocked in tests: sns.us-east-1.amazonaws.com');
  });
});

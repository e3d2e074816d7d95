import { Template } from 'aws-cdk-lib/assertions';

import { SupplyChainDetector, DetectorTrail, DetectionProfile, Severity } from '../../lib';
import { testStack } from '../support/app';

// Snapshots say that the template changed; the construct tests say what must be true of it.
describe('snapshots (asset hashes scrubbed)', () => {
  test('defaults', () => {
    const { stack } = testStack();
    new SupplyChainDetector(stack, 'Detector');
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });

  test('extended profile on an organisation trail with e-mail alerts', () => {
    const { stack } = testStack();
    new SupplyChainDetector(stack, 'Detector', {
      profile: DetectionProfile.EXTENDED,
      trail: DetectorTrail.organizationTrail('aws-controltower-BaselineCloudTrail'),
      alertEmails: ['secops@example.com'],
      severity: Severity.HIGH,
    });
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

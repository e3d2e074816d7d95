// Organisation and multi-region topologies: forwarders, the central bus, the organisation detector,
// the members' StackSet and the forwarders of one account in every region.
export * from './watched-regions';
export * from './trail-declaration';
export * from './regional-forwarder';
export * from './event-bus';
export * from './organization-detector';
export * from './stackset-forwarders';
export * from './account-forwarders';
export * from './hunt-table';
export * from './hunt-props';
export * from './hunt';

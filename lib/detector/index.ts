// The detector: the construct (detector.ts) composed of its parts, each in its own file.
export * from './props';
export * from './containment-props';
export * from './validate-props';
export * from './trail';
export * from './key';
export * from './monitoring';
export * from './detector';

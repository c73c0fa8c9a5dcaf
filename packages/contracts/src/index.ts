export * from './catalog.ts';
export * from './errors.ts';
export * from './field-rules.ts';
export * from './identity.ts';
export * from './inbox.ts';
export * from './requests.ts';
export * from './settings.ts';

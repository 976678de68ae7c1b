/** The widget side of live objects: reusable by every medflow MIME renderer. */
export * from './protocol';
export * from './live-model';
export * from './connector';
export * from './useLiveModel';
export * from './LiveStatusBadge';
export * from './LiveMimeRenderer';

/** The live layer of the engine: channels, live objects and the display hook. */
export * from './channel';
export * from './objects';
export * from './display';

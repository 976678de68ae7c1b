/** Image-processing modules: the registry and the built-in modules. */
export {
  applyModule,
  applyModuleAsync,
  getModule,
  listModules,
  moduleInfo,
  register,
  unregister,
  validateParams,
  ModuleParamsError
} from './registry';
export type {
  ModuleCategory,
  ModuleContext,
  ModuleDefinition,
  ModuleDimension,
  ModuleInfo,
  ModuleOrigin,
  ModuleResult,
  ParamSchema
} from './types';

/** Image-processing modules: the registry and the built-in modules. */
export { getModule, listModules, register, validateParams, ModuleParamsError } from './registry';
export type { ModuleDefinition, ModuleInfo, ModuleCategory, ParamSchema } from './types';

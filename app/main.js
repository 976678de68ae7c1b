// The embedded JupyterLab application: collects the core plugins bundled here and the plugins
// of the prebuilt extensions loaded by index.js, honours the page config's disabled and
// deferred lists, and starts the app. Imported by index.js once module sharing is ready.
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { IServiceManager } from '@jupyterlab/services';
import { PluginRegistry } from '@lumino/coreutils';

import './build/style.js';
import { extensions, mimeExtensions } from './build/extensions.js';

/**
 * Plugins never registered. `announcements` polls /lab/api/news, which only the JupyterLab
 * Python package serves (our server is jupyterlab_server, which does not).
 */
const EXCLUDED_PLUGINS = new Set(['@jupyterlab/apputils-extension:announcements']);

/** The plugins exported by a plugin module (ES module or CommonJS). */
function pluginsOf(mod) {
  const exported =
    mod && Object.prototype.hasOwnProperty.call(mod, '__esModule') ? mod.default : mod;
  return Array.isArray(exported) ? exported : [exported];
}

/** Instantiates an exposed module (`./extension`, `./mimeExtension`, `./style`) of a container. */
async function federatedModule(name, module) {
  const factory = await window._JUPYTERLAB[name].get(module);
  return factory();
}

function tokenInfo(token) {
  return { name: token.name, description: token.description };
}

/**
 * Sorts plugins into those to register and records what the plugin manager and
 * `app.info` report about every plugin, enabled or not.
 */
class PluginCollector {
  constructor() {
    this.plugins = [];
    this.mimeModules = [];
    this.available = [];
    this.disabled = [];
    this.deferred = [];
  }

  /** Keeps the enabled plugins of one module; returns them. */
  filter(mod, extension) {
    const kept = [];
    for (const plugin of pluginsOf(mod)) {
      if (!plugin || EXCLUDED_PLUGINS.has(plugin.id)) {
        continue;
      }
      const enabled = !PageConfig.Extension.isDisabled(plugin.id);
      this.available.push({
        id: plugin.id,
        description: plugin.description,
        autoStart: plugin.autoStart,
        requires: (plugin.requires || []).map(tokenInfo),
        optional: (plugin.optional || []).map(tokenInfo),
        provides: plugin.provides ? tokenInfo(plugin.provides) : null,
        extension,
        enabled
      });
      if (!enabled) {
        this.disabled.push(plugin.id);
        continue;
      }
      // Deferred plugins are registered but only activated once the shell is restored.
      if (PageConfig.Extension.isDeferred(plugin.id)) {
        this.deferred.push(plugin.id);
      }
      kept.push(plugin);
    }
    return kept;
  }

  addExtension(mod, extension) {
    this.plugins.push(...this.filter(mod, extension));
  }

  addMimeExtension(mod, extension) {
    // JupyterLab wraps these into plugins itself; it reads `default` of an ES module.
    this.mimeModules.push({ __esModule: true, default: this.filter(mod, extension) });
  }
}

/** Loads the plugins (and styles) of the prebuilt extensions; a failing one is left out. */
async function collectFederated(federated, collector) {
  const results = await Promise.allSettled(
    federated.map(async ext => {
      const [extension, mimeExtension] = await Promise.all([
        ext.extension ? federatedModule(ext.name, ext.extension) : null,
        ext.mimeExtension ? federatedModule(ext.name, ext.mimeExtension) : null,
        ext.style && !PageConfig.Extension.isDisabled(ext.name)
          ? federatedModule(ext.name, ext.style)
          : null
      ]);
      return { ext, extension, mimeExtension };
    })
  );
  const loaded = [];
  for (const [index, result] of results.entries()) {
    if (result.status === 'rejected') {
      console.error(`Prebuilt extension ${federated[index].name} failed:`, result.reason);
      continue;
    }
    const { ext, extension, mimeExtension } = result.value;
    if (extension) {
      collector.addExtension(extension, ext.name);
    }
    if (mimeExtension) {
      collector.addMimeExtension(mimeExtension, ext.name);
    }
    loaded.push(ext.name);
  }
  return loaded;
}

/**
 * Starts JupyterLab with the core plugins and those of `federated`, the prebuilt extensions
 * (page config `federated_extensions` entries) whose containers index.js initialised.
 */
export async function main(federated) {
  const collector = new PluginCollector();
  const loaded = await collectFederated(federated, collector);

  // A prebuilt extension replaces the core package of the same name.
  const replaced = new Set(loaded);
  for (const { name, load } of extensions) {
    if (!replaced.has(name)) {
      collector.addExtension(load(), name);
    }
  }
  for (const { name, load } of mimeExtensions) {
    if (!replaced.has(name)) {
      collector.addMimeExtension(load(), name);
    }
  }

  // Plugins are registered before the app exists, so that a plugin-provided service manager
  // (@jupyterlab/services-extension, or an extension replacing one of its parts) can be
  // resolved first; without one, JupyterLab builds its default ServiceManager.
  const pluginRegistry = new PluginRegistry();
  pluginRegistry.registerPlugins(collector.plugins);
  const providesServices = collector.plugins.some(plugin => plugin.provides === IServiceManager);
  const serviceManager = providesServices
    ? await pluginRegistry.resolveRequiredService(IServiceManager)
    : undefined;

  const lab = new JupyterLab({
    pluginRegistry,
    serviceManager,
    mimeExtensions: collector.mimeModules,
    disabled: { patterns: PageConfig.Extension.disabled, matches: collector.disabled },
    deferred: { patterns: PageConfig.Extension.deferred, matches: collector.deferred },
    availablePlugins: collector.available
  });

  // Tests (and extension developers) reach the app as `window.jupyterapp`.
  const expose = PageConfig.getOption('exposeAppInBrowser').toLowerCase() === 'true';
  if (expose || PageConfig.getOption('devMode').toLowerCase() === 'true') {
    window.jupyterapp = lab;
  }
  console.info(`Prebuilt extensions loaded: ${loaded.length ? loaded.join(', ') : '(none)'}`);

  await lab.start({ ignorePlugins: collector.deferred, bubblingKeydown: true });
  await lab.restored;
}

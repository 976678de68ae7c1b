// Builds the embedded JupyterLab 4 frontend that serves medflow (run from the repo root:
// `npm run build:app`; NODE_ENV=production for a minified build).
//
// The bundle is a Module Federation *host*: every core package is shared, so that prebuilt
// (federated) extensions such as medflow's own `labextension/medflow/` load into it at runtime
// instead of being bundled here.
const fs = require('fs');
const path = require('path');
const webpack = require('webpack');
const { merge } = require('webpack-merge');
const { Build } = require('@jupyterlab/builder');
const baseConfig = require('@jupyterlab/builder/lib/webpack.config.base');
const { generateExtensionsModule } = require('./build-extensions');

const appDir = __dirname;
const buildDir = path.join(appDir, 'build');
const appData = require('./package.json');
const mode = process.env.NODE_ENV === 'production' ? 'production' : 'development';

// Packages needed only by the build: never part of the browser bundle.
const BUILD_ONLY = new Set(['@jupyterlab/builder']);

// Generated here (not emitted by webpack), kept by RemoveStaleFilesPlugin.
const GENERATED = new Set(['style.js', 'extensions.js']);

/**
 * Chunk names carry content hashes, so every rebuild would leave the previous chunks behind.
 * This removes files of build/ that the finished compilation did not emit. Done after the
 * build rather than emptying build/ first, so a running server keeps working meanwhile.
 */
class RemoveStaleFilesPlugin {
  apply(compiler) {
    compiler.hooks.done.tap('RemoveStaleFilesPlugin', stats => {
      if (stats.hasErrors()) {
        return;
      }
      const emitted = new Set(Object.keys(stats.compilation.assets));
      for (const entry of fs.readdirSync(buildDir)) {
        if (!emitted.has(entry) && !GENERATED.has(entry)) {
          fs.rmSync(path.join(buildDir, entry), { recursive: true, force: true });
        }
      }
    });
  }
}

// Copies every extension's settings schemas to app/schemas/ and returns one small webpack
// config per theme (CSS extracted to app/themes/); also writes build/style.js, which imports
// each extension's stylesheet.
// Packages are located from app/ (as webpack will), not from @jupyterlab/builder's folder.
const themeConfigs = Build.ensureAssets({
  packageNames: [],
  packagePaths: appData.jupyterlab.extensions.map(name =>
    path.dirname(require.resolve(`${name}/package.json`, { paths: [appDir] }))
  ),
  output: buildDir,
  schemaOutput: appDir,
  themeOutput: appDir
});

// build/extensions.js: the list of core plugin modules the app registers.
generateExtensionsModule(appData.jupyterlab.extensions, path.join(buildDir, 'extensions.js'));

/**
 * The shared-module map of the host: all core dependencies and resolutions, at the versions
 * installed, with the core metadata's singletons marked. A prebuilt extension built with
 * `--core-path app` expects exactly these to be provided (it bundles none of them).
 */
function createShared() {
  const singletons = new Set(appData.jupyterlab.singletonPackages);
  const ranges = { ...appData.dependencies, ...appData.resolutions };
  const shared = {};
  for (const [name, requiredVersion] of Object.entries(ranges)) {
    if (BUILD_ONLY.has(name)) {
      continue;
    }
    shared[name] = { requiredVersion, singleton: singletons.has(name) };
  }
  for (const name of singletons) {
    if (!shared[name]) {
      throw new Error(`singleton package ${name} has no version in app/package.json`);
    }
  }
  return shared;
}

const appConfig = merge(baseConfig, {
  mode,
  // Source maps cost ~2x build time and size; worth it in development only.
  devtool: mode === 'development' ? 'source-map' : false,
  entry: { main: path.join(appDir, 'index.js') },
  output: {
    path: buildDir,
    // The page template adds a `?v=<hash>` to bundle.js; every other file is content-hashed.
    filename: 'bundle.js',
    chunkFilename: '[name].[contenthash].js',
    // Overridden at runtime from the page config (index.js), so a base_url works.
    publicPath: 'auto',
    // Its own chunk-loading global: by default webpack names it after the root package.json
    // ("medflow"), the same as the medflow prebuilt extension's, and chunks with equal names
    // (e.g. of @rjsf/*) then clash between the two bundles.
    uniqueName: 'medflow-lab-app'
  },
  plugins: [
    new webpack.container.ModuleFederationPlugin({
      name: 'CORE_FEDERATION',
      library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_LIBRARY_FEDERATION'] },
      shared: createShared()
    }),
    new RemoveStaleFilesPlugin()
  ],
  performance: { hints: false },
  stats: mode === 'production' ? 'normal' : 'minimal'
});

module.exports = [
  appConfig,
  ...themeConfigs.map(config => ({ ...config, stats: 'errors-warnings' }))
];

// Entry of the embedded JupyterLab: the async boundary of the Module Federation host.
// Nothing here may import a shared package (such as @jupyterlab/coreutils) statically: the
// share scope must first be initialised and every prebuilt extension's container must have
// registered its own shared modules in it. Only then is main.js (the app itself) imported.
/* global __webpack_init_sharing__, __webpack_share_scopes__ */

/** The page config the server injected into the page (see the index.html template). */
function readPageConfig() {
  const element = document.getElementById('jupyter-config-data');
  return element ? JSON.parse(element.textContent || '{}') : {};
}

const pageConfig = readPageConfig();

// Chunks are served from the server's static URL for this app (which includes any base_url).
if (pageConfig.fullStaticUrl) {
  // eslint-disable-next-line no-undef -- webpack's runtime variable for the chunk base URL
  __webpack_public_path__ = `${pageConfig.fullStaticUrl.replace(/\/$/, '')}/`;
}

/** Adds a classic <script> to the page; resolves once it has run. */
function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}

/**
 * Loads the remote entry of every prebuilt extension listed in the page config and joins its
 * container to the default share scope. Returns the extensions that are ready to use; one that
 * fails is reported and left out, so a broken extension cannot keep the app from starting.
 */
async function loadFederatedExtensions() {
  const listed = pageConfig.federated_extensions || [];
  const base = String(pageConfig.fullLabextensionsUrl || '/lab/extensions').replace(/\/$/, '');
  const loaded = await Promise.allSettled(
    listed.map(ext => loadScript(`${base}/${ext.name}/${ext.load}`).then(() => ext))
  );
  await __webpack_init_sharing__('default');
  const ready = [];
  for (const [index, result] of loaded.entries()) {
    const name = listed[index].name;
    if (result.status === 'rejected') {
      console.error(`Prebuilt extension ${name} failed to load:`, result.reason);
      continue;
    }
    const container = window._JUPYTERLAB && window._JUPYTERLAB[name];
    if (!container) {
      console.error(`Prebuilt extension ${name} defines no module container.`);
      continue;
    }
    try {
      await container.init(__webpack_share_scopes__.default);
      ready.push(result.value);
    } catch (error) {
      console.error(`Prebuilt extension ${name} failed to initialise:`, error);
    }
  }
  return ready;
}

async function bootstrap() {
  const federated = await loadFederatedExtensions();
  const { main } = await import('./main');
  await main(federated);
}

bootstrap().catch(error => {
  console.error('JupyterLab failed to start:', error);
});

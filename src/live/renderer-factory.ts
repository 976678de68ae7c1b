/**
 * The MIME renderer factory of a live view. Safe: views draw kernel data as React text only,
 * and a live connection needs a kernel the user started. Ranked 20, below text/html (50) and
 * text/plain (120), so the view wins whenever a bundle offers it. Each renderer gets the
 * 'medflow' strings of its output's translator (the plugin's own bundle when there is none).
 */
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';

export function liveRendererFactory(
  mimeType: string,
  fallbackTrans: IRenderMime.TranslationBundle,
  create: (
    options: IRenderMime.IRendererOptions,
    trans: IRenderMime.TranslationBundle
  ) => IRenderMime.IRenderer
): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [mimeType],
    defaultRank: 20,
    createRenderer: options => create(options, options.translator?.load('medflow') ?? fallbackTrans)
  };
}

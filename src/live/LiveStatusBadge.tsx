/**
 * Says whether a widget is live (edits reach the kernel) or shows saved data, and why.
 * Text only (never HTML) — the kernel's reason is data.
 */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { LiveSnapshot } from './live-model';

export function liveStatusText(
  snapshot: LiveSnapshot<unknown>,
  trans: IRenderMime.TranslationBundle
): string {
  switch (snapshot.status) {
    case 'live':
      return trans.__('Live: connected to the kernel');
    case 'connecting':
      return trans.__('Connecting to the kernel…');
    default:
      switch (snapshot.staticReason) {
        case 'gone':
          return trans.__('Static: the kernel no longer has this object (run the cell again)');
        case 'closed':
          return trans.__('Static: the kernel closed the connection');
        case 'no-reference':
          return trans.__('Static: saved data');
        default:
          return trans.__('Static: no kernel (run the cell to edit)');
      }
  }
}

export function LiveStatusBadge(props: {
  snapshot: LiveSnapshot<unknown>;
  trans: IRenderMime.TranslationBundle;
}): React.ReactElement {
  const { snapshot, trans } = props;
  return (
    <span
      className={`medflow-LiveStatus medflow-LiveStatus-${snapshot.status}`}
      role="status"
      data-status={snapshot.status}
      title={snapshot.detail ?? undefined}
    >
      {liveStatusText(snapshot, trans)}
    </span>
  );
}

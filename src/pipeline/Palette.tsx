/**
 * The palette: the user's own modules ("My") and the built-in ones by category, then the
 * networks (the user's saved ones first), with one search box. An entry is dragged onto the
 * graph (a module onto the canvas or an edge; a network anywhere: it becomes the pipeline's),
 * or added with Enter / a double-click (a module after the selected step, else at the end), so
 * it works without a mouse.
 */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import {
  groupModules,
  listPaletteNetworks,
  type ModuleInfo,
  type NetworkInfo
} from './editor-model';
import { MODULE_DRAG_TYPE, NETWORK_DRAG_TYPE } from './PipelineGraph';

export interface PaletteProps {
  modules: readonly ModuleInfo[];
  networks: readonly NetworkInfo[];
  trans: IRenderMime.TranslationBundle;
  disabled: boolean;
  onAdd(module: string): void;
  onSetNetwork(network: NetworkInfo): void;
}

export function Palette(props: PaletteProps): React.ReactElement {
  const { modules, networks, trans } = props;
  const [query, setQuery] = React.useState('');
  const groups = React.useMemo(() => groupModules(modules, query), [modules, query]);
  const shownNetworks = React.useMemo(
    () => listPaletteNetworks(networks, query),
    [networks, query]
  );
  return (
    <div className="medflow-Palette" role="region" aria-label={trans.__('Module palette')}>
      <input
        className="medflow-Palette-search jp-mod-styled"
        type="search"
        placeholder={trans.__('Search')}
        aria-label={trans.__('Search modules and networks')}
        value={query}
        onChange={event => setQuery(event.target.value)}
      />
      <div className="medflow-Palette-groups">
        {groups.length === 0 && shownNetworks.length === 0 && (
          <div className="medflow-Palette-empty">
            {modules.length === 0 ? trans.__('Loading modules…') : trans.__('No module matches')}
          </div>
        )}
        {groups.map(group => (
          <PaletteSection
            key={group.category ?? '*my'}
            title={group.category === null ? trans.__('My modules') : trans.__(group.category)}
          >
            {group.modules.map(m => (
              <PaletteEntry
                key={m.name}
                {...props}
                kind="module"
                testId={`medflow-palette-${m.name}`}
                name={m.name}
                description={m.description}
                mine={m.origin === 'user'}
                label={trans.__(
                  '%1: %2. Drag onto the graph or press Enter to add.',
                  m.name,
                  m.description
                )}
                drag={transfer => transfer.setData(MODULE_DRAG_TYPE, m.name)}
                onChoose={() => props.onAdd(m.name)}
              />
            ))}
          </PaletteSection>
        ))}
        {shownNetworks.length > 0 && (
          <PaletteSection title={trans.__('Networks')}>
            {shownNetworks.map(n => (
              <PaletteEntry
                key={`${n.source}:${n.name}`}
                {...props}
                kind="network"
                testId={`medflow-palette-network-${n.source}-${n.name}`}
                name={n.name}
                description={n.description}
                mine={n.source === 'my'}
                label={trans.__(
                  '%1: %2. Drag onto the graph or press Enter to make it the pipeline’s network.',
                  n.name,
                  n.description
                )}
                drag={transfer => transfer.setData(NETWORK_DRAG_TYPE, JSON.stringify(n))}
                onChoose={() => props.onSetNetwork(n)}
              />
            ))}
          </PaletteSection>
        )}
      </div>
    </div>
  );
}

function PaletteSection(props: { title: string; children: React.ReactNode }) {
  return (
    <section className="medflow-Palette-group">
      <h4 className="medflow-Palette-category">{props.title}</h4>
      <ul role="list">{props.children}</ul>
    </section>
  );
}

interface PaletteEntryProps {
  kind: 'module' | 'network';
  testId: string;
  name: string;
  description: string;
  /** The user's own: marked "My". */
  mine: boolean;
  label: string;
  disabled: boolean;
  trans: IRenderMime.TranslationBundle;
  drag(transfer: DataTransfer): void;
  onChoose(): void;
}

function PaletteEntry(props: PaletteEntryProps) {
  const { disabled } = props;
  return (
    <li
      className={`medflow-Palette-entry medflow-Palette-${props.kind}`}
      data-testid={props.testId}
      draggable={!disabled}
      tabIndex={0}
      title={props.description}
      aria-label={props.label}
      aria-disabled={disabled}
      onDragStart={event => {
        props.drag(event.dataTransfer);
        event.dataTransfer.setData('text/plain', props.name);
        event.dataTransfer.effectAllowed = 'copy';
      }}
      onKeyDown={event => {
        if (event.key === 'Enter' && !disabled) {
          event.preventDefault();
          props.onChoose();
        }
      }}
      onDoubleClick={() => !disabled && props.onChoose()}
    >
      {props.mine && <span className="medflow-Palette-my">{props.trans.__('My')}</span>}
      <span className="medflow-Palette-name">{props.name}</span>
    </li>
  );
}

/**
 * The module palette: the user's own modules ("My") and the built-in ones by category, with a
 * search box. A module is dragged onto the graph (canvas or edge), or added with Enter / the
 * "Add" button (after the selected step, else at the end), so it works without a mouse.
 */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { groupModules, type ModuleInfo } from './editor-model';
import { MODULE_DRAG_TYPE } from './PipelineGraph';

export interface PaletteProps {
  modules: readonly ModuleInfo[];
  trans: IRenderMime.TranslationBundle;
  disabled: boolean;
  onAdd(module: string): void;
}

export function Palette({ modules, trans, disabled, onAdd }: PaletteProps): React.ReactElement {
  const [query, setQuery] = React.useState('');
  const groups = React.useMemo(() => groupModules(modules, query), [modules, query]);
  return (
    <div className="medflow-Palette" role="region" aria-label={trans.__('Module palette')}>
      <input
        className="medflow-Palette-search jp-mod-styled"
        type="search"
        placeholder={trans.__('Search modules')}
        aria-label={trans.__('Search modules')}
        value={query}
        onChange={event => setQuery(event.target.value)}
      />
      <div className="medflow-Palette-groups">
        {groups.length === 0 && (
          <div className="medflow-Palette-empty">
            {modules.length === 0 ? trans.__('Loading modules…') : trans.__('No module matches')}
          </div>
        )}
        {groups.map(group => (
          <section key={group.category ?? '*my'} className="medflow-Palette-group">
            <h4 className="medflow-Palette-category">
              {group.category === null ? trans.__('My modules') : trans.__(group.category)}
            </h4>
            <ul role="list">
              {group.modules.map(m => (
                <li
                  key={m.name}
                  className="medflow-Palette-module"
                  data-testid={`medflow-palette-${m.name}`}
                  draggable={!disabled}
                  tabIndex={0}
                  title={m.description}
                  aria-label={trans.__(
                    '%1: %2. Drag onto the graph or press Enter to add.',
                    m.name,
                    m.description
                  )}
                  aria-disabled={disabled}
                  onDragStart={event => {
                    event.dataTransfer.setData(MODULE_DRAG_TYPE, m.name);
                    event.dataTransfer.setData('text/plain', m.name);
                    event.dataTransfer.effectAllowed = 'copy';
                  }}
                  onKeyDown={event => {
                    if (event.key === 'Enter' && !disabled) {
                      event.preventDefault();
                      onAdd(m.name);
                    }
                  }}
                  onDoubleClick={() => !disabled && onAdd(m.name)}
                >
                  {m.origin === 'user' && (
                    <span className="medflow-Palette-my">{trans.__('My')}</span>
                  )}
                  <span className="medflow-Palette-name">{m.name}</span>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}

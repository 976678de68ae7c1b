/**
 * The layer builder: a palette of layers by category (drag onto the canvas, or press Enter on
 * one), a React Flow canvas (connect handles; Add/Concatenate take several inputs; Delete
 * removes the selection), the output shape on every edge, invalid layers in red with the
 * reason, the weight count, undo/redo, and the parameter panel of the selected layer.
 *
 * Edits apply here at once and go to the kernel as the whole document (`replace`); the kernel
 * checks shapes and sends the state back, which also brings edits made from a cell. Without a
 * kernel (a saved notebook) the network is shown read-only. Kernel strings are React text only.
 */
import * as React from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type Node,
  type NodeProps,
  type NodeTypes
} from '@xyflow/react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { RemeasureLostHandles } from '../flow/RemeasureLostHandles';
import type { NetworkDocument } from '../../schema/documents';
import type { NetworkViewState } from '../../schema/views';
import type { LiveModel } from '../live/live-model';
import { LiveStatusBadge } from '../live/LiveStatusBadge';
import { useLiveModel } from '../live/useLiveModel';
import {
  addLayer,
  connect,
  disconnect,
  formatCount,
  formatShape,
  layout,
  paletteGroups,
  removeLayers,
  setLayerParams,
  UndoStack,
  type CatalogLayer
} from './model';
import { ParamForm } from './ParamForm';

type Trans = IRenderMime.TranslationBundle;
const DRAG_TYPE = 'application/x-medflow-layer';

interface LayerNodeData extends Record<string, unknown> {
  type: string;
  id: string;
  output: string;
  params?: number;
  problems: string[];
  trans: Trans;
}

function LayerNodeView(props: NodeProps<Node<LayerNodeData>>): React.ReactElement {
  const { data, selected } = props;
  const bad = data.problems.length > 0;
  return (
    <div
      className={`medflow-LayerNode${bad ? ' medflow-mod-invalid' : ''}${selected ? ' medflow-mod-selected' : ''}`}
      data-layer={data.id}
      title={bad ? data.problems.join('\n') : undefined}
    >
      {data.type !== 'Input' && <Handle type="target" position={Position.Top} />}
      <div className="medflow-LayerNode-type">{data.type}</div>
      <div className="medflow-LayerNode-meta">
        <span>{data.id}</span>
        <span>{data.output}</span>
        {data.params !== undefined && data.params > 0 && (
          <span>{data.trans.__('%1 weights', formatCount(data.params))}</span>
        )}
      </div>
      {bad && (
        <div className="medflow-LayerNode-problem" role="note">
          {data.problems[0]}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} />
    </div>
  );
}

const nodeTypes: NodeTypes = { layer: LayerNodeView as never };

export interface NetworkBuilderViewProps {
  model: LiveModel<NetworkViewState | null>;
  trans: Trans;
  reason?: string;
}

export function NetworkBuilderView(props: NetworkBuilderViewProps): React.ReactElement {
  return (
    <ReactFlowProvider>
      <BuilderCanvas {...props} />
    </ReactFlowProvider>
  );
}

function BuilderCanvas(props: NetworkBuilderViewProps): React.ReactElement {
  const { model, trans } = props;
  const snapshot = useLiveModel(model);
  const state = snapshot.state;
  const flow = useReactFlow();
  const [doc, setDoc] = React.useState<NetworkDocument | null>(state?.network ?? null);
  const [selected, setSelected] = React.useState<string | null>(null);
  const [notice, setNotice] = React.useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [dupName, setDupName] = React.useState('');
  const [catalog, setCatalog] = React.useState<CatalogLayer[]>([]);
  const undo = React.useRef(new UndoStack<NetworkDocument>());
  const placed = React.useRef(new Map<string, { x: number; y: number }>());
  const [, rerender] = React.useReducer((n: number) => n + 1, 0);

  // The kernel's state wins: it carries edits from cells and the shapes of our own edits.
  React.useEffect(() => setDoc(state?.network ?? null), [state]);
  React.useEffect(
    () =>
      model.onMessage(message => {
        if (message.type === 'saved') {
          setNotice({ kind: 'info', text: trans.__('Saved to %1', String(message.path)) });
        } else if (message.type === 'error') {
          setNotice({ kind: 'error', text: String(message.message) });
        } else if (message.type === 'catalog' && Array.isArray(message.layers)) {
          setCatalog(message.layers as CatalogLayer[]);
        }
      }),
    [model]
  );
  // The layer catalog comes from the kernel (its engine's layers), once connected.
  React.useEffect(() => {
    if (snapshot.status === 'live' && catalog.length === 0) model.send({ type: 'catalog' });
  }, [snapshot.status]);

  const live = snapshot.status === 'live';
  const editable = live && !!state && !state.readonly;

  const edit = (next: NetworkDocument | null) => {
    if (!doc || !next || !editable) return;
    undo.current.push(doc);
    setDoc(next);
    setNotice(null);
    model.send({ type: 'replace', network: next });
  };
  const travel = (direction: 'undo' | 'redo') => {
    if (!doc || !editable) return;
    const next = direction === 'undo' ? undo.current.undo(doc) : undo.current.redo(doc);
    if (!next) return;
    setDoc(next);
    model.send({ type: 'replace', network: next });
    rerender();
  };
  const drop = (type: string, position?: { x: number; y: number }) => {
    const layer = catalog.find(l => l.type === type);
    if (!layer || !doc) return;
    const added = addLayer(doc, layer);
    if (position) placed.current.set(added.id, position);
    edit(added.doc);
    setSelected(added.id);
  };

  const check = state?.check;
  const layerNodes: Node<LayerNodeData>[] = React.useMemo(() => {
    if (!doc) return [];
    const positions = layout(doc, placed.current);
    return doc.layers.map(l => ({
      id: l.id,
      type: 'layer',
      position: positions.get(l.id) ?? { x: 0, y: 0 },
      deletable: editable,
      data: {
        id: l.id,
        type: l.type,
        output: formatShape(check?.layers[l.id]?.output),
        params: check?.layers[l.id]?.params,
        problems: check?.layers[l.id]?.problems ?? [],
        trans
      }
    }));
  }, [doc, check, selected, editable]);
  const layerEdges: Edge[] = React.useMemo(
    () =>
      (doc?.layers ?? []).flatMap(l =>
        l.inputs.map(from => ({
          id: `${from}->${l.id}`,
          source: from,
          target: l.id,
          label: formatShape(check?.layers[from]?.output),
          deletable: editable,
          className: 'medflow-LayerEdge'
        }))
      ),
    [doc, check, editable]
  );

  // React Flow measures nodes and tracks selection through change events: keep its view state
  // (measured sizes, selection) while the document decides which nodes and edges exist.
  const [nodes, setNodes] = React.useState<Node<LayerNodeData>[]>([]);
  const [edges, setEdges] = React.useState<Edge[]>([]);
  React.useEffect(() => {
    setNodes(previous => {
      const byId = new Map(previous.map(n => [n.id, n]));
      return layerNodes.map(n => {
        const prev = byId.get(n.id);
        return prev ? { ...n, measured: prev.measured, selected: prev.selected } : n;
      });
    });
  }, [layerNodes]);
  React.useEffect(() => {
    setEdges(previous => {
      const selectedIds = new Set(previous.filter(e => e.selected).map(e => e.id));
      return layerEdges.map(e => ({ ...e, selected: selectedIds.has(e.id) }));
    });
  }, [layerEdges]);

  if (!state || !doc) {
    return (
      <div className="medflow-NetworkBuilder-error" role="alert">
        {trans.__('This network cannot be shown: %1', props.reason ?? '')}
      </div>
    );
  }
  const selectedLayer = doc.layers.find(l => l.id === selected);
  const selectedInfo = selectedLayer && catalog.find(c => c.type === selectedLayer.type);
  const problems = Object.values(check?.layers ?? {}).reduce(
    (n, l) => n + l.problems.length,
    check?.problems.length ?? 0
  );

  return (
    <div
      className="medflow-NetworkBuilder"
      onKeyDown={e => {
        if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
          e.preventDefault();
          e.stopPropagation();
          travel(e.shiftKey ? 'redo' : 'undo');
        }
      }}
    >
      <div className="medflow-NetworkBuilder-toolbar">
        <strong className="medflow-NetworkBuilder-name">{doc.name}</strong>
        {state.readonly && (
          <span className="medflow-NetworkBuilder-badge">{trans.__('built-in, read-only')}</span>
        )}
        <span className="medflow-NetworkBuilder-count" data-weights={check?.params.total ?? 0}>
          {trans.__('%1 weights', formatCount(check?.params.total ?? 0))}
        </span>
        <span
          className={`medflow-NetworkBuilder-check${problems ? ' medflow-mod-invalid' : ''}`}
          role="status"
        >
          {problems ? trans._n('%1 problem', '%1 problems', problems) : trans.__('valid')}
        </span>
        <button
          className="jp-mod-styled"
          disabled={!editable || !undo.current.canUndo}
          onClick={() => travel('undo')}
          title={trans.__('Undo (Ctrl+Z)')}
        >
          {trans.__('Undo')}
        </button>
        <button
          className="jp-mod-styled"
          disabled={!editable || !undo.current.canRedo}
          onClick={() => travel('redo')}
          title={trans.__('Redo (Ctrl+Shift+Z)')}
        >
          {trans.__('Redo')}
        </button>
        <button
          className="jp-mod-styled jp-mod-accept"
          disabled={!editable}
          onClick={() => model.send({ type: 'save' })}
          title={trans.__('Save as one of My networks')}
        >
          {trans.__('Save')}
        </button>
        <button
          className="jp-mod-styled"
          title={trans.__('Lay the layers out again, inputs at the top')}
          onClick={() => {
            placed.current.clear();
            setNodes(ns =>
              ns.map(n => ({ ...n, position: layout(doc, placed.current).get(n.id) ?? n.position }))
            );
            window.requestAnimationFrame(() => void flow.fitView());
          }}
        >
          {trans.__('Arrange')}
        </button>
        <button className="jp-mod-styled" onClick={() => void flow.fitView()}>
          {trans.__('Fit')}
        </button>
        {state.readonly && (
          <form
            className="medflow-NetworkBuilder-duplicate"
            onSubmit={e => {
              e.preventDefault();
              if (dupName) model.send({ type: 'duplicate', name: dupName });
            }}
          >
            <input
              className="jp-mod-styled"
              placeholder={trans.__('name of your copy')}
              aria-label={trans.__('Name of your copy')}
              value={dupName}
              onChange={e => setDupName(e.target.value)}
            />
            <button className="jp-mod-styled jp-mod-accept" disabled={!live || !dupName}>
              {trans.__('Duplicate to edit')}
            </button>
          </form>
        )}
        <LiveStatusBadge snapshot={snapshot} trans={trans} />
      </div>
      {notice && (
        <div className={`medflow-NetworkBuilder-notice medflow-mod-${notice.kind}`} role="status">
          {notice.text}
        </div>
      )}
      {check && check.problems.length > 0 && (
        <div className="medflow-NetworkBuilder-notice medflow-mod-error" role="status">
          {check.problems.join('\n')}
        </div>
      )}
      <div className="medflow-NetworkBuilder-body">
        <div className="medflow-NetworkBuilder-palette" aria-label={trans.__('Layers')}>
          {paletteGroups(catalog).map(group => (
            <details key={group.category} open>
              <summary>{group.category}</summary>
              {group.layers.map(l => (
                <div
                  key={l.type}
                  className="medflow-PaletteItem"
                  data-layer-type={l.type}
                  draggable={editable}
                  tabIndex={editable ? 0 : -1}
                  title={l.description}
                  onDragStart={e => {
                    e.dataTransfer.setData(DRAG_TYPE, l.type);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onKeyDown={e => {
                    if (e.key === 'Enter') drop(l.type);
                  }}
                >
                  {l.type}
                </div>
              ))}
            </details>
          ))}
        </div>
        <div
          className="medflow-NetworkBuilder-canvas"
          onDragOver={e => {
            if (editable && e.dataTransfer.types.includes(DRAG_TYPE)) {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'copy';
            }
          }}
          onDrop={e => {
            const type = e.dataTransfer.getData(DRAG_TYPE);
            if (!type) return;
            e.preventDefault();
            drop(type, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
          }}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            nodesConnectable={editable}
            nodesDraggable
            elementsSelectable
            fitView
            // A new network has one layer: do not blow it up to fill the canvas.
            fitViewOptions={{ maxZoom: 1 }}
            minZoom={0.2}
            proOptions={{ hideAttribution: true }}
            deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
            onNodeClick={(_, node) => setSelected(node.id)}
            onPaneClick={() => setSelected(null)}
            onNodeDragStop={(_, node) => {
              placed.current.set(node.id, node.position);
              rerender();
            }}
            onNodesChange={changes => {
              for (const c of changes) {
                if (c.type === 'position' && c.position) placed.current.set(c.id, c.position);
              }
              setNodes(ns => applyNodeChanges(changes, ns) as Node<LayerNodeData>[]);
            }}
            onEdgesChange={changes => setEdges(es => applyEdgeChanges(changes, es))}
            onConnect={(c: Connection) => {
              const result = connect(doc, c.source, c.target, catalog);
              if ('refused' in result) setNotice({ kind: 'error', text: result.refused });
              else edit(result.doc);
            }}
            onDelete={({ nodes: gone, edges: cut }) => {
              let next = doc;
              for (const e of cut) next = disconnect(next, e.source, e.target);
              if (gone.length)
                next = removeLayers(
                  next,
                  gone.map(n => n.id)
                );
              edit(next);
              if (gone.some(n => n.id === selected)) setSelected(null);
            }}
          >
            <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
            <Controls showInteractive={false} />
            <RemeasureLostHandles />
          </ReactFlow>
        </div>
        <div className="medflow-NetworkBuilder-params" aria-label={trans.__('Layer parameters')}>
          {selectedLayer && !selectedInfo ? (
            <table className="medflow-NetworkBuilder-staticParams">
              <caption>
                {selectedLayer.type} {selectedLayer.id}
              </caption>
              <tbody>
                {Object.entries(selectedLayer.params).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td>{JSON.stringify(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : selectedLayer && selectedInfo ? (
            <>
              <div className="medflow-NetworkBuilder-paramsTitle">
                <strong>{selectedLayer.type}</strong> <span>{selectedLayer.id}</span>
              </div>
              <div className="medflow-NetworkBuilder-paramsInfo">{selectedInfo.description}</div>
              {(check?.layers[selectedLayer.id]?.problems ?? []).map((p, i) => (
                <div key={i} className="medflow-NetworkBuilder-problem" role="note">
                  {p}
                </div>
              ))}
              <div className="medflow-ParamHeader">
                <span>{trans.__('name')}</span>
                <span>{trans.__('value')}</span>
                <span>{trans.__('information')}</span>
              </div>
              <ParamForm
                key={selectedLayer.id}
                layer={selectedInfo}
                params={selectedLayer.params}
                disabled={!editable}
                onChange={params => {
                  if (JSON.stringify(params) !== JSON.stringify(selectedLayer.params)) {
                    edit(setLayerParams(doc, selectedLayer.id, params));
                  }
                }}
              />
            </>
          ) : (
            <div className="medflow-NetworkBuilder-hint">
              {editable
                ? trans.__('Drag layers from the palette, connect them, select one to edit it.')
                : trans.__('Select a layer to see its parameters.')}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}

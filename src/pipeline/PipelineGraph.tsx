/**
 * The read-only pipeline graph: a React Flow view of the model built by graph-model.ts.
 *
 * Every string reaches the DOM as React text (never as HTML), so a pipeline from an
 * untrusted notebook cannot inject markup. Words are translated through the bundle passed in.
 */
import * as React from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  Handle,
  MarkerType,
  Position,
  ReactFlow,
  useNodesState,
  type Edge,
  type Node,
  type NodeProps,
  type NodeTypes,
  type ReactFlowInstance,
  type Connection
} from '@xyflow/react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { PipelineDocument } from '../../schema/documents';
import {
  pipelineToGraph,
  type GraphDirection,
  type GraphNodeField,
  type PipelineGraphNode,
  type PipelineNodeKind
} from './graph-model';
import { formatShape } from './graph-model';
import type { NetworkInfo, NodeRunStatus } from './editor-model';
import { RemeasureLostHandles } from '../flow/RemeasureLostHandles';

type TranslationBundle = IRenderMime.TranslationBundle;

/** Translated words of the graph, computed once per bundle. */
interface GraphLabels {
  kinds: Record<PipelineNodeKind, string>;
  fields: Record<string, string>;
  notSet: string;
  defaults: string;
  more: (count: number) => string;
  runStates: Record<NodeRunStatus['state'], string>;
}

function graphLabels(trans: TranslationBundle): GraphLabels {
  return {
    kinds: {
      dataset: trans.__('Dataset'),
      step: trans.__('Step'),
      network: trans.__('Network'),
      training: trans.__('Training')
    },
    fields: {
      source: trans.__('source'),
      shape: trans.__('shape'),
      classes: trans.__('classes'),
      splits: trans.__('splits'),
      layers: trans.__('layers'),
      input: trans.__('input'),
      epochs: trans.__('epochs'),
      batchSize: trans.__('batch size'),
      optimizer: trans.__('optimizer'),
      learningRate: trans.__('learning rate'),
      learningRateDecay: trans.__('learning rate decay'),
      inputFromData: trans.__('input shape from the data')
    },
    notSet: trans.__('not set'),
    defaults: trans.__('engine defaults'),
    more: count => trans._n('%1 more parameter', '%1 more parameters', count),
    runStates: {
      queued: trans.__('queued'),
      running: trans.__('running'),
      done: trans.__('done'),
      failed: trans.__('failed')
    }
  };
}

/** What the live editor adds to a node: the kernel's issues, output shape and run state. */
export interface NodeDecoration {
  issues?: string[];
  shape?: number[];
  run?: NodeRunStatus;
}

interface PipelineNodeData extends Record<string, unknown> {
  node: PipelineGraphNode;
  labels: GraphLabels;
  decoration?: NodeDecoration;
  connectable: boolean;
}

type PipelineFlowNode = Node<PipelineNodeData, 'medflowPipeline'>;

function fieldLabel(field: GraphNodeField, labels: GraphLabels): string {
  return field.kind === 'param' ? field.key : (labels.fields[field.key] ?? field.key);
}

/** One line per field, as spoken by a screen reader and shown in the node. */
function fieldLines(node: PipelineGraphNode, labels: GraphLabels): [string, string][] {
  return node.fields.map(field =>
    field.kind === 'property' && field.key === 'more'
      ? [labels.more(Number(field.value)), '']
      : [fieldLabel(field, labels), field.value]
  );
}

function nodeAriaLabel(node: PipelineGraphNode, labels: GraphLabels): string {
  const head = [labels.kinds[node.kind], node.missing ? labels.notSet : node.title]
    .filter(Boolean)
    .join(' ');
  const body = fieldLines(node, labels).map(([label, value]) =>
    value ? `${label} ${value}` : label
  );
  return [head, ...body].join(', ');
}

function PipelineNodeView({
  data,
  targetPosition,
  sourcePosition
}: NodeProps<PipelineFlowNode>): React.ReactElement {
  const { node, labels, decoration, connectable } = data;
  const issues = decoration?.issues ?? [];
  const run = decoration?.run;
  const classes = [
    'medflow-PipelineNode',
    `medflow-PipelineNode-${node.kind}`,
    node.missing ? 'medflow-mod-missing' : '',
    issues.length > 0 ? 'medflow-mod-invalid' : '',
    run ? `medflow-mod-run-${run.state}` : ''
  ].filter(Boolean);
  const lines = fieldLines(node, labels);
  return (
    <div
      className={classes.join(' ')}
      data-testid={`medflow-node-${node.id}`}
      data-run-state={run?.state}
      data-invalid={issues.length > 0 ? 'true' : undefined}
    >
      {node.kind !== 'dataset' && (
        <Handle
          type="target"
          position={targetPosition ?? Position.Left}
          isConnectable={connectable}
        />
      )}
      <div className="medflow-PipelineNode-header">
        <span className="medflow-PipelineNode-kind">{labels.kinds[node.kind]}</span>
        {node.title && <span className="medflow-PipelineNode-title">{node.title}</span>}
      </div>
      {node.missing ? (
        <div className="medflow-PipelineNode-note">{labels.notSet}</div>
      ) : lines.length === 0 ? (
        <div className="medflow-PipelineNode-note">{labels.defaults}</div>
      ) : (
        <dl className="medflow-PipelineNode-fields">
          {lines.map(([label, value], i) => (
            <div className="medflow-PipelineNode-field" key={i}>
              <dt className={value ? undefined : 'medflow-mod-note'}>{label}</dt>
              {value && <dd>{value}</dd>}
            </div>
          ))}
        </dl>
      )}
      {(decoration?.shape || run) && (
        <div className="medflow-PipelineNode-status">
          {run && (
            <span className="medflow-PipelineNode-runState" data-testid="medflow-run-state">
              {labels.runStates[run.state]}
            </span>
          )}
          {(run?.shape ?? decoration?.shape) && (
            <span className="medflow-PipelineNode-shape" data-testid="medflow-node-shape">
              {formatShape((run?.shape ?? decoration?.shape)!)}
            </span>
          )}
        </div>
      )}
      {run?.state === 'failed' && run.message && (
        <div className="medflow-PipelineNode-issue" role="alert">
          {run.message}
        </div>
      )}
      {issues.map((issue, i) => (
        <div
          className="medflow-PipelineNode-issue"
          key={i}
          role="alert"
          data-testid="medflow-node-issue"
        >
          {issue}
        </div>
      ))}
      {node.kind !== 'training' && (
        <Handle
          type="source"
          position={sourcePosition ?? Position.Right}
          isConnectable={connectable}
        />
      )}
    </div>
  );
}

// Defined once, outside any component: React Flow re-creates nodes when this object changes.
const NODE_TYPES: NodeTypes = { medflowPipeline: PipelineNodeView };

const FIT_VIEW_OPTIONS = { padding: 0.12, maxZoom: 1.2 };

function toFlowNodes(
  doc: PipelineDocument,
  direction: GraphDirection,
  labels: GraphLabels,
  editable: boolean,
  decorations: ReadonlyMap<string, NodeDecoration> | undefined
): { nodes: PipelineFlowNode[]; edges: Edge[] } {
  const model = pipelineToGraph(doc, { direction });
  const horizontal = direction === 'LR';
  const nodes = model.nodes.map(node => {
    const decoration = decorations?.get(node.id);
    // Issues and run lines make a node taller than the layout's estimate: the layout centres
    // nodes on the axis, so the edges stay straight enough.
    const issueLines =
      (decoration?.issues?.length ?? 0) + (decoration?.shape || decoration?.run ? 1 : 0);
    const aria = [nodeAriaLabel(node, labels), ...(decoration?.issues ?? [])].join(', ');
    return {
      id: node.id,
      type: 'medflowPipeline' as const,
      position: {
        x: node.position.x,
        y: horizontal ? node.position.y - (issueLines * 18) / 2 : node.position.y
      },
      data: { node, labels, decoration, connectable: editable },
      ariaLabel: aria,
      sourcePosition: horizontal ? Position.Right : Position.Bottom,
      targetPosition: horizontal ? Position.Left : Position.Top,
      draggable: editable && node.kind === 'step',
      connectable: editable,
      deletable: false,
      style: { width: node.width }
    };
  });
  const edges = model.edges.map(edge => ({
    id: edge.id,
    source: edge.source,
    target: edge.target,
    className: 'medflow-PipelineEdge',
    markerEnd: { type: MarkerType.ArrowClosed },
    deletable: false,
    focusable: false,
    selectable: false,
    // Wider invisible stroke: a module dropped near an edge lands on it.
    interactionWidth: editable ? 36 : 20
  }));
  return { nodes, edges };
}

/** Editing callbacks of the live graph; without them the graph is read-only. */
export interface GraphEditing {
  /** A module of the palette dropped on an edge (`edgeTarget`: the node after it) or on the canvas (`point` along the main axis). */
  onDropModule(
    module: string,
    where: { edgeTarget?: string; point: number; centers: number[] }
  ): void;
  /** An edge drawn by the user from one handle to another. */
  onConnect(source: string, target: string): void;
  /** A step node dragged along the axis and let go at `point`. */
  onMoveStep(nodeId: string, point: number, centers: number[]): void;
  onSelect(nodeId: string | null): void;
  /** A network of the palette dropped anywhere on the graph: it becomes the pipeline's. */
  onDropNetwork(network: NetworkInfo): void;
}

/** The drag-and-drop type of a palette module. */
export const MODULE_DRAG_TYPE = 'application/x-medflow-module';
/** The drag-and-drop type of a palette network (data: its NetworkInfo as JSON). */
export const NETWORK_DRAG_TYPE = 'application/x-medflow-network';

export interface PipelineGraphProps {
  doc: PipelineDocument;
  direction: GraphDirection;
  trans: TranslationBundle;
  /** Receives the function that fits the graph to the view, once React Flow is ready. */
  onFitReady?: (fit: () => void) => void;
  editing?: GraphEditing;
  decorations?: ReadonlyMap<string, NodeDecoration>;
  /** The selected node's id (the live editor owns the selection). */
  selected?: string | null;
  /** Changes when the user asks for a fresh layout (auto-layout). */
  layoutKey?: number;
}

/**
 * The rebuilt `nodes` with the measurements React Flow took of the `previous` ones, and the
 * selection (`undefined`: as the nodes have it). A node without measurements is hidden until
 * its ResizeObserver reports again, which it does not when its size did not change: two
 * rebuilds between a measure and a render left nodes hidden for good.
 */
function keepMeasurements(
  previous: PipelineFlowNode[],
  nodes: PipelineFlowNode[],
  selected: string | null | undefined
): PipelineFlowNode[] {
  const measured = new Map(previous.map(node => [node.id, node.measured]));
  return nodes.map(node => ({
    ...node,
    measured: measured.get(node.id),
    selected: selected === undefined ? node.selected : node.id === selected
  }));
}

export function PipelineGraph({
  doc,
  direction,
  trans,
  onFitReady,
  editing,
  decorations,
  selected,
  layoutKey
}: PipelineGraphProps): React.ReactElement {
  const labels = React.useMemo(() => graphLabels(trans), [trans]);
  const editable = editing !== undefined;
  const flow = React.useMemo(
    () => toFlowNodes(doc, direction, labels, editable, decorations),
    // layoutKey: a new layout puts dragged nodes back in place.
    [doc, direction, labels, editable, decorations, layoutKey]
  );
  // Nodes live in state so that selection (allowed, read-only view) is kept between renders.
  const [nodes, setNodes, onNodesChange] = useNodesState<PipelineFlowNode>(flow.nodes);
  const instance = React.useRef<ReactFlowInstance<PipelineFlowNode, Edge> | null>(null);
  // Once the user pans or zooms, resizing the output must not undo it.
  const userMoved = React.useRef(false);
  const container = React.useRef<HTMLDivElement>(null);

  const fit = React.useCallback(() => {
    userMoved.current = false;
    void instance.current?.fitView(FIT_VIEW_OPTIONS);
  }, []);

  React.useEffect(() => {
    setNodes(previous => keepMeasurements(previous, flow.nodes, selected));
  }, [flow, setNodes, selected]);

  // A new document, direction or layout: show all of it again (not on decorations only).
  React.useEffect(() => {
    fit();
  }, [doc, direction, layoutKey, fit]);

  /** Centres of the step nodes along the main axis, in step order. */
  const stepCenters = React.useCallback(
    (): number[] =>
      flow.nodes
        .filter(n => n.data.node.kind === 'step')
        .map(n =>
          direction === 'LR'
            ? n.position.x + n.data.node.width / 2
            : n.position.y + n.data.node.height / 2
        ),
    [flow, direction]
  );

  const onDragOver = React.useCallback((event: React.DragEvent) => {
    const types = event.dataTransfer.types;
    if (!types.includes(MODULE_DRAG_TYPE) && !types.includes(NETWORK_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = React.useCallback(
    (event: React.DragEvent) => {
      const network = event.dataTransfer.getData(NETWORK_DRAG_TYPE);
      if (editing && network) {
        event.preventDefault();
        editing.onDropNetwork(JSON.parse(network) as NetworkInfo);
        return;
      }
      const module = event.dataTransfer.getData(MODULE_DRAG_TYPE);
      if (!editing || !module || !instance.current) return;
      event.preventDefault();
      const position = instance.current.screenToFlowPosition({
        x: event.clientX,
        y: event.clientY
      });
      const edgeElement = (event.target as Element).closest?.('.react-flow__edge');
      const edgeId = edgeElement?.getAttribute('data-id') ?? undefined;
      const edgeTarget = flow.edges.find(e => e.id === edgeId)?.target;
      editing.onDropModule(module, {
        edgeTarget,
        point: direction === 'LR' ? position.x : position.y,
        centers: stepCenters()
      });
    },
    [editing, flow, direction, stepCenters]
  );

  // Keep the graph fitted while the notebook (and so the output) changes width.
  React.useEffect(() => {
    const element = container.current;
    if (!element || typeof ResizeObserver === 'undefined') {
      return;
    }
    let last = { width: 0, height: 0 };
    const observer = new ResizeObserver(entries => {
      const { width, height } = entries[entries.length - 1].contentRect;
      const changed = width !== last.width || height !== last.height;
      last = { width, height };
      if (changed && width > 0 && height > 0 && !userMoved.current) {
        void instance.current?.fitView(FIT_VIEW_OPTIONS);
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const ariaLabelConfig = React.useMemo(
    () => ({
      'controls.ariaLabel': trans.__('Pipeline graph controls'),
      'controls.zoomIn.ariaLabel': trans.__('Zoom in'),
      'controls.zoomOut.ariaLabel': trans.__('Zoom out'),
      'controls.fitView.ariaLabel': trans.__('Fit pipeline graph to view'),
      'node.a11yDescription.default': trans.__(
        'Press Enter or Space to select a step of the pipeline.'
      ),
      'edge.a11yDescription.default': trans.__('Connection between two pipeline steps.')
    }),
    [trans]
  );

  return (
    <div
      ref={container}
      className="medflow-PipelineGraph"
      data-testid="medflow-pipeline-graph"
      data-direction={direction}
      role="figure"
      aria-label={trans.__('Pipeline %1', doc.name)}
    >
      <ReactFlow<PipelineFlowNode, Edge>
        nodes={nodes}
        edges={flow.edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onInit={rf => {
          instance.current = rf;
          onFitReady?.(fit);
        }}
        onMoveStart={event => {
          // Programmatic moves (fitView) come without an event.
          if (event) {
            userMoved.current = true;
          }
        }}
        nodesDraggable={editable}
        nodesConnectable={editable}
        onConnect={(connection: Connection) =>
          editing?.onConnect(connection.source, connection.target)
        }
        onNodeDragStop={(_event, node) => {
          const center =
            direction === 'LR'
              ? node.position.x + (node.measured?.width ?? 220) / 2
              : node.position.y + (node.measured?.height ?? 60) / 2;
          const others = stepCenters();
          editing?.onMoveStep(node.id, center, others);
          // The kernel's new state lays the chain out again; until then, snap back.
          setNodes(previous => keepMeasurements(previous, flow.nodes, node.id));
        }}
        onNodeClick={(_event, node) => editing?.onSelect(node.id)}
        onPaneClick={() => editing?.onSelect(null)}
        onDragOver={onDragOver}
        onDrop={onDrop}
        elementsSelectable={true}
        edgesFocusable={false}
        deleteKeyCode={null}
        // Wheel events scroll the notebook; zoom with the controls, a pinch or a double-click.
        zoomOnScroll={false}
        preventScrolling={false}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        minZoom={0.1}
        maxZoom={2}
        ariaLabelConfig={ariaLabelConfig}
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} />
        <Controls showInteractive={false} fitViewOptions={FIT_VIEW_OPTIONS} />
        <RemeasureLostHandles />
      </ReactFlow>
    </div>
  );
}

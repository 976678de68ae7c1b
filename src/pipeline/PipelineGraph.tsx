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
  type ReactFlowInstance
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

type TranslationBundle = IRenderMime.TranslationBundle;

/** Translated words of the graph, computed once per bundle. */
interface GraphLabels {
  kinds: Record<PipelineNodeKind, string>;
  fields: Record<string, string>;
  notSet: string;
  defaults: string;
  more: (count: number) => string;
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
    more: count => trans._n('%1 more parameter', '%1 more parameters', count)
  };
}

interface PipelineNodeData extends Record<string, unknown> {
  node: PipelineGraphNode;
  labels: GraphLabels;
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
  const { node, labels } = data;
  const classes = [
    'medflow-PipelineNode',
    `medflow-PipelineNode-${node.kind}`,
    node.missing ? 'medflow-mod-missing' : ''
  ].filter(Boolean);
  const lines = fieldLines(node, labels);
  return (
    <div className={classes.join(' ')} data-testid={`medflow-node-${node.id}`}>
      {node.kind !== 'dataset' && (
        <Handle type="target" position={targetPosition ?? Position.Left} isConnectable={false} />
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
      {node.kind !== 'training' && (
        <Handle type="source" position={sourcePosition ?? Position.Right} isConnectable={false} />
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
  labels: GraphLabels
): { nodes: PipelineFlowNode[]; edges: Edge[] } {
  const model = pipelineToGraph(doc, { direction });
  const horizontal = direction === 'LR';
  const nodes = model.nodes.map(node => ({
    id: node.id,
    type: 'medflowPipeline' as const,
    position: node.position,
    data: { node, labels },
    ariaLabel: nodeAriaLabel(node, labels),
    sourcePosition: horizontal ? Position.Right : Position.Bottom,
    targetPosition: horizontal ? Position.Left : Position.Top,
    draggable: false,
    connectable: false,
    deletable: false,
    style: { width: node.width }
  }));
  const edges = model.edges.map(edge => ({
    id: edge.id,
    source: edge.source,
    target: edge.target,
    className: 'medflow-PipelineEdge',
    markerEnd: { type: MarkerType.ArrowClosed },
    deletable: false,
    focusable: false,
    selectable: false
  }));
  return { nodes, edges };
}

export interface PipelineGraphProps {
  doc: PipelineDocument;
  direction: GraphDirection;
  trans: TranslationBundle;
  /** Receives the function that fits the graph to the view, once React Flow is ready. */
  onFitReady?: (fit: () => void) => void;
}

export function PipelineGraph({
  doc,
  direction,
  trans,
  onFitReady
}: PipelineGraphProps): React.ReactElement {
  const labels = React.useMemo(() => graphLabels(trans), [trans]);
  const flow = React.useMemo(() => toFlowNodes(doc, direction, labels), [doc, direction, labels]);
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
    setNodes(flow.nodes);
    // A new document or direction: show all of it again.
    fit();
  }, [flow, setNodes, fit]);

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
        nodesDraggable={false}
        nodesConnectable={false}
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
      </ReactFlow>
    </div>
  );
}

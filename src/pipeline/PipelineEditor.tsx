/**
 * The live pipeline graph: palette | graph | parameter panel, a toolbar (undo, redo,
 * duplicate, delete, auto-layout, run), and the processing result below. Thin: state lives in
 * the LiveModel (document), the PipelineSession (catalog, analysis, runs) and editor-model.ts
 * (commands, undo/redo); this component wires them to the views and the keyboard.
 */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { LiveModel } from '../live/live-model';
import { LiveStatusBadge } from '../live/LiveStatusBadge';
import { useLiveModel } from '../live/useLiveModel';
import type { IPipelineGraphSettings } from '../tokens';
import {
  connectAsMove,
  EditHistory,
  insertIndexForEdge,
  insertIndexForPoint,
  issuesByNode,
  moveIndexForPoint,
  stepIdOfNode,
  stepNodeId,
  type ConnectRefusal,
  type EditCommand,
  type PipelineLiveState
} from './editor-model';
import { Palette } from './Palette';
import { ParameterPanel } from './ParameterPanel';
import { PipelineGraph, type GraphEditing, type NodeDecoration } from './PipelineGraph';
import { ProcessingResult } from './ProcessingResult';
import type { PipelineSession, SessionState } from './session';

export interface PipelineEditorProps {
  model: LiveModel<PipelineLiveState | null>;
  session: PipelineSession;
  settings: IPipelineGraphSettings;
  trans: IRenderMime.TranslationBundle;
  onFitReady?: (fit: () => void) => void;
  /** Lets commands (palette, keyboard) act on this editor. */
  onActionsReady?: (actions: EditorActions) => void;
  onViewLayers?: () => void;
}

/** What the application's commands can ask of an editor. */
export interface EditorActions {
  undo(): void;
  redo(): void;
  deleteSelected(): void;
  duplicateSelected(): void;
  autoLayout(): void;
  run(mode: 'all' | 'upto' | 'sample'): void;
}

function useSession(session: PipelineSession): SessionState {
  return React.useSyncExternalStore(session.subscribe, () => session.state);
}

function refusalText(reason: ConnectRefusal, trans: IRenderMime.TranslationBundle): string {
  switch (reason) {
    case 'self':
      return trans.__('A step cannot follow itself: that would be a cycle.');
    case 'into-dataset':
      return trans.__('Nothing can lead into the dataset: it comes first.');
    case 'from-end':
      return trans.__('Nothing follows the network and its training.');
    default:
      return trans.__('Training follows the network only.');
  }
}

export function PipelineEditor(props: PipelineEditorProps): React.ReactElement {
  const { model, session, settings, trans } = props;
  const snapshot = useLiveModel(model);
  const state = useSession(session);
  const doc = snapshot.state?.doc ?? null;
  const live = snapshot.status === 'live';
  const [selected, setSelected] = React.useState<string | null>(null);
  const [layoutKey, setLayoutKey] = React.useState(0);
  const [notice, setNotice] = React.useState<string | null>(null);
  const history = React.useRef(new EditHistory()).current;
  // Re-render when the history changes (its buttons' enabled state).
  const [, setHistoryTick] = React.useState(0);
  const docRef = React.useRef(doc);
  docRef.current = doc;

  const send = React.useCallback(
    (command: EditCommand, undoable = true) => {
      const current = docRef.current;
      if (!current || !live) return;
      if (undoable) history.record(current.steps);
      setNotice(null);
      void session.request(command).then(answer => {
        if (!answer.ok && undoable) {
          // Nothing changed in the kernel: forget the undo entry.
          history.undo(current.steps);
        }
        setHistoryTick(t => t + 1);
        if (answer.ok && command.type === 'duplicate') {
          const step = (answer.message as { step?: string }).step;
          if (step) setSelected(stepNodeId(step));
        }
      });
    },
    [live, session, history]
  );

  const selectedStep = doc && selected ? stepIdOfNode(doc, selected) : null;

  const actions: EditorActions = React.useMemo(
    () => ({
      undo: () => {
        const current = docRef.current;
        const command = current && history.undo(current.steps);
        if (command) void session.request(command).then(() => setHistoryTick(t => t + 1));
      },
      redo: () => {
        const current = docRef.current;
        const command = current && history.redo(current.steps);
        if (command) void session.request(command).then(() => setHistoryTick(t => t + 1));
      },
      deleteSelected: () => {
        if (selectedStep) {
          send({ type: 'remove', step: selectedStep });
          setSelected(null);
        }
      },
      duplicateSelected: () => selectedStep && send({ type: 'duplicate', step: selectedStep }),
      autoLayout: () => setLayoutKey(k => k + 1),
      run: mode => {
        if (mode === 'upto' && !selectedStep) {
          setNotice(trans.__('Select a step to run the pipeline up to it.'));
          return;
        }
        void session.request({
          type: 'run',
          mode,
          step: mode === 'upto' ? (selectedStep ?? undefined) : undefined,
          samples: mode === 'sample' ? settings.sampleCount : undefined
        });
      }
    }),
    [history, session, send, selectedStep, settings.sampleCount, trans]
  );

  React.useEffect(() => props.onActionsReady?.(actions), [actions, props.onActionsReady]);

  const editing: GraphEditing | undefined = React.useMemo(() => {
    if (!live || !doc) return undefined;
    return {
      onDropModule: (module, where) =>
        send({
          type: 'add',
          module,
          at:
            where.edgeTarget !== undefined
              ? insertIndexForEdge(doc, where.edgeTarget)
              : insertIndexForPoint(where.centers, where.point)
        }),
      onConnect: (source, target) => {
        const result = connectAsMove(doc, source, target);
        if (!result.ok) setNotice(refusalText(result.reason, trans));
        else if (result.command) send(result.command);
      },
      onMoveStep: (nodeId, point, centers) => {
        const step = stepIdOfNode(doc, nodeId);
        if (!step) return;
        const to = moveIndexForPoint(doc, step, centers, point);
        if (doc.steps[to]?.id !== step) send({ type: 'move', step, to });
      },
      onSelect: setSelected
    };
  }, [live, doc, send, trans]);

  const decorations = React.useMemo(() => {
    const map = new Map<string, NodeDecoration>();
    const issues = issuesByNode(state.issues);
    const nodeOf = (key: string) =>
      ['dataset', 'network', 'training'].includes(key) ? key : stepNodeId(key);
    for (const [node, list] of issues) map.set(node, { issues: list });
    for (const [key, shape] of Object.entries(state.shapes)) {
      const node = nodeOf(key);
      map.set(node, { ...map.get(node), shape });
    }
    for (const [key, run] of Object.entries(state.run?.nodes ?? {})) {
      const node = nodeOf(key);
      map.set(node, { ...map.get(node), run });
    }
    return map;
  }, [state.issues, state.shapes, state.run]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    if ((event.target as HTMLElement).closest('input, textarea, select, .medflow-Panel')) return;
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    let handled = true;
    if (mod && key === 'z' && !event.shiftKey) actions.undo();
    else if (mod && (key === 'y' || (key === 'z' && event.shiftKey))) actions.redo();
    else if (mod && key === 'd') actions.duplicateSelected();
    else if (key === 'delete' || key === 'backspace') actions.deleteSelected();
    else if (event.altKey && selectedStep && doc && (key === 'arrowleft' || key === 'arrowup')) {
      const at = doc.steps.findIndex(s => s.id === selectedStep);
      if (at > 0) send({ type: 'move', step: selectedStep, to: at - 1 });
    } else if (
      event.altKey &&
      selectedStep &&
      doc &&
      (key === 'arrowright' || key === 'arrowdown')
    ) {
      const at = doc.steps.findIndex(s => s.id === selectedStep);
      if (at < doc.steps.length - 1) send({ type: 'move', step: selectedStep, to: at + 1 });
    } else handled = false;
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  };

  if (!doc) {
    return (
      <div className="medflow-PipelineGraph-error" role="alert">
        {trans.__('This pipeline cannot be shown: %1', trans.__('not a pipeline document'))}
      </div>
    );
  }
  const runBusy = state.run !== null && !state.run.done;
  const addFromPalette = (module: string) => {
    const at = selectedStep
      ? doc.steps.findIndex(s => s.id === selectedStep) + 1
      : doc.steps.length;
    send({ type: 'add', module, at });
  };

  return (
    <div
      className="medflow-PipelineEditor"
      data-testid="medflow-pipeline-editor"
      data-status={snapshot.status}
      // The graph's keys (Delete, Ctrl+Z, Ctrl+D …) must not also run notebook shortcuts.
      data-lm-suppress-shortcuts="true"
      onKeyDown={onKeyDown}
    >
      <div className="medflow-Toolbar" role="toolbar" aria-label={trans.__('Pipeline tools')}>
        <LiveStatusBadge snapshot={snapshot} trans={trans} />
        <span className="medflow-Toolbar-spacer" />
        <ToolButton
          label={trans.__('Undo')}
          shortcut="Ctrl+Z"
          disabled={!live || !history.canUndo}
          onClick={actions.undo}
        />
        <ToolButton
          label={trans.__('Redo')}
          shortcut="Ctrl+Shift+Z"
          disabled={!live || !history.canRedo}
          onClick={actions.redo}
        />
        <ToolButton
          label={trans.__('Duplicate')}
          shortcut="Ctrl+D"
          disabled={!live || !selectedStep}
          onClick={actions.duplicateSelected}
        />
        <ToolButton
          label={trans.__('Delete')}
          shortcut="Delete"
          disabled={!live || !selectedStep}
          onClick={actions.deleteSelected}
        />
        <ToolButton label={trans.__('Auto-layout')} onClick={actions.autoLayout} />
        <span className="medflow-Toolbar-separator" />
        <ToolButton
          label={trans.__('Sample run')}
          disabled={!live || runBusy}
          onClick={() => actions.run('sample')}
        />
        <ToolButton
          label={trans.__('Run up to selected')}
          disabled={!live || runBusy || !selectedStep}
          onClick={() => actions.run('upto')}
        />
        <ToolButton
          label={trans.__('Run all')}
          disabled={!live || runBusy || !doc.network}
          onClick={() => actions.run('all')}
        />
      </div>
      {(notice || state.error) && (
        <div className="medflow-Editor-message" role="alert" data-testid="medflow-editor-error">
          <span>{notice ?? state.error}</span>
          <button
            className="medflow-Editor-dismiss"
            aria-label={trans.__('Dismiss')}
            onClick={() => {
              setNotice(null);
              session.clearError();
            }}
          >
            ×
          </button>
        </div>
      )}
      <div className="medflow-Editor-main" style={{ height: settings.height }}>
        {live && (
          <Palette modules={state.modules} trans={trans} disabled={!live} onAdd={addFromPalette} />
        )}
        <div className="medflow-Editor-graph">
          <PipelineGraph
            doc={doc}
            direction={settings.direction}
            trans={trans}
            onFitReady={props.onFitReady}
            editing={editing}
            decorations={decorations}
            selected={selected}
            layoutKey={layoutKey}
          />
        </div>
      </div>
      <div className="medflow-Editor-lower">
        <ParameterPanel
          doc={doc}
          selected={selected}
          modules={state.modules}
          trainingSchema={state.trainingSchema}
          shapes={state.shapes}
          editable={live}
          trans={trans}
          onSetParams={(step, params) => send({ type: 'set', step, params })}
          onSetTraining={settings => void session.request({ type: 'training', settings })}
          onViewLayers={props.onViewLayers}
        />
        <ProcessingResult
          session={session}
          doc={doc}
          live={live}
          sampleCount={settings.sampleCount}
          delayMs={settings.previewDelay}
          trans={trans}
        />
      </div>
    </div>
  );
}

function ToolButton(props: {
  label: string;
  shortcut?: string;
  disabled?: boolean;
  onClick: () => void;
}): React.ReactElement {
  return (
    <button
      className="jp-mod-styled medflow-ToolButton"
      disabled={props.disabled}
      title={props.shortcut ? `${props.label} (${props.shortcut})` : props.label}
      aria-keyshortcuts={props.shortcut?.replace('Ctrl', 'Control')}
      onClick={props.onClick}
    >
      {props.label}
    </button>
  );
}

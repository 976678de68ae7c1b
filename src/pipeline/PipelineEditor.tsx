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
import type { IPipelineGraphActions, IPipelineGraphSettings } from '../tokens';
import {
  connectAsMove,
  EditHistory,
  editedPart,
  insertIndexForEdge,
  insertIndexForPoint,
  issuesByNode,
  moveIndexForPoint,
  stepIdOfNode,
  stepNodeId,
  type ConnectRefusal,
  type EditCommand,
  type HistoryDocument,
  type NetworkInfo,
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
  onActionsReady?: (actions: IPipelineGraphActions) => void;
  onViewLayers?: () => void;
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
  const [selected, setSelectedState] = React.useState<string | null>(null);
  // The selection as the queued edits read it: set at once, not on the next render.
  const selectedRef = React.useRef<string | null>(null);
  const setSelected = React.useCallback((nodeId: string | null) => {
    selectedRef.current = nodeId;
    setSelectedState(nodeId);
  }, []);
  const [layoutKey, setLayoutKey] = React.useState(0);
  const [notice, setNotice] = React.useState<string | null>(null);
  const history = React.useRef(new EditHistory()).current;
  // Re-render when the history changes (its buttons' enabled state).
  const [, setHistoryTick] = React.useState(0);
  // Edits reach the kernel one at a time, in the order the user made them, and each reads the
  // document and the selection as the edits before it left them: Delete pressed right after
  // Ctrl+D removes the copy (selected once the kernel answers), never the original.
  const queue = React.useRef<Promise<void>>(Promise.resolve());
  const enqueue = React.useCallback((edit: () => Promise<void>) => {
    queue.current = queue.current.then(edit, edit);
  }, []);
  /** The document as the kernel last sent it (the model's, ahead of React's render). */
  const currentDoc = React.useCallback(
    () => (model.snapshot.status === 'live' ? (model.snapshot.state?.doc ?? null) : null),
    [model]
  );
  const selectedStepNow = React.useCallback(() => {
    const current = currentDoc();
    return current && selectedRef.current ? stepIdOfNode(current, selectedRef.current) : null;
  }, [currentDoc]);

  /** Sends an edit (or, built when its turn comes, `null` for none) once earlier ones are answered. */
  const send = React.useCallback(
    (command: EditCommand | (() => EditCommand | null), undoable = true) =>
      enqueue(async () => {
        const current = currentDoc();
        const edit = typeof command === 'function' ? command() : command;
        if (!current || !edit) return;
        if (undoable) history.record(current, editedPart(edit));
        setNotice(null);
        const answer = await session.request(edit);
        if (!answer.ok && undoable) {
          // Nothing changed in the kernel: forget the undo entry.
          history.undo(current);
        }
        setHistoryTick(t => t + 1);
        if (answer.ok && edit.type === 'duplicate') {
          const step = (answer.message as { step?: string }).step;
          if (step) setSelected(stepNodeId(step));
        }
      }),
    [enqueue, currentDoc, session, history, setSelected]
  );

  const selectedStep = doc && selected ? stepIdOfNode(doc, selected) : null;

  const actions: IPipelineGraphActions = React.useMemo(() => {
    const replay = (pick: (current: HistoryDocument) => EditCommand | null) =>
      enqueue(async () => {
        const current = currentDoc();
        const command = current && pick(current);
        if (!command) return;
        await session.request(command);
        setHistoryTick(t => t + 1);
      });
    return {
      undo: () => replay(current => history.undo(current)),
      redo: () => replay(current => history.redo(current)),
      deleteSelected: () =>
        send(() => {
          const step = selectedStepNow();
          if (!step) return null;
          setSelected(null);
          return { type: 'remove', step };
        }),
      duplicateSelected: () =>
        send(() => {
          const step = selectedStepNow();
          return step ? { type: 'duplicate', step } : null;
        }),
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
    };
  }, [
    enqueue,
    currentDoc,
    history,
    session,
    send,
    selectedStep,
    selectedStepNow,
    setSelected,
    settings.sampleCount,
    trans
  ]);

  React.useEffect(() => props.onActionsReady?.(actions), [actions, props.onActionsReady]);

  const setNetwork = React.useCallback(
    (network: NetworkInfo) =>
      send({ type: 'set-network', name: network.name, source: network.source }),
    [send]
  );

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
      onSelect: setSelected,
      onDropNetwork: setNetwork
    };
  }, [live, doc, send, setNetwork, trans]);

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
    else if (event.altKey && ['arrowleft', 'arrowup', 'arrowright', 'arrowdown'].includes(key)) {
      const by = key === 'arrowleft' || key === 'arrowup' ? -1 : 1;
      send(() => {
        const current = currentDoc();
        const step = selectedStepNow();
        if (!current || !step) return null;
        const to = current.steps.findIndex(s => s.id === step) + by;
        return to >= 0 && to < current.steps.length ? { type: 'move', step, to } : null;
      });
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
  // After the selected step (as it stands when the edit's turn comes), else at the end.
  const addFromPalette = (module: string) =>
    send(() => {
      const current = currentDoc();
      if (!current) return null;
      const step = selectedStepNow();
      const at = step ? current.steps.findIndex(s => s.id === step) + 1 : current.steps.length;
      return { type: 'add', module, at };
    });

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
          <Palette
            modules={state.modules}
            networks={state.networks}
            trans={trans}
            disabled={!live}
            onAdd={addFromPalette}
            onSetNetwork={setNetwork}
          />
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

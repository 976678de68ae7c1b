/**
 * One live pipeline view's conversation with the kernel, on top of the generic LiveModel:
 * numbered requests answered by `ok` / `error`, and the pipeline-specific messages (module
 * catalog, analysis, run states, previews, thumbnails) kept as plain state that React views
 * subscribe to. Framework-free.
 */
import type { LiveModel } from '../live/live-model';
import type { LiveIncoming } from '../live/protocol';
import type {
  EditCommand,
  ModuleInfo,
  NetworkInfo,
  NodeRunStatus,
  PipelineIssue,
  PipelineLiveState
} from './editor-model';

/** One stage of the processing result (see kernel/src/engine/pipeline/preview.ts). */
export interface StageSummary {
  step: string;
  module: string | null;
  shape: number[];
  dtype: string;
  range: [number, number];
  mean: number;
  histogram: { counts: number[]; lo: number; hi: number };
  png: string;
}

export interface SamplePreview {
  split: string;
  index: number;
  label: string | null;
  stages: StageSummary[];
  dropped_at: string | null;
}

export interface SampleThumbnail {
  index: number;
  label: string | null;
  png: string;
}

export interface RunProgress {
  nodes: Record<string, NodeRunStatus>;
  done: boolean;
  epoch?: number;
}

export interface SessionState {
  modules: ModuleInfo[];
  /** The networks the palette offers (sent again when the user saves one). */
  networks: NetworkInfo[];
  /** JSON Schema of the training hyperparameters (network node's panel). */
  trainingSchema: Record<string, unknown> | null;
  issues: PipelineIssue[];
  shapes: Record<string, number[]>;
  run: RunProgress | null;
  /** The last refusal of the kernel (shown until the next successful edit). */
  error: string | null;
}

export type Request =
  | EditCommand
  | { type: 'training'; settings: Record<string, unknown> }
  | { type: 'preview'; index: number; split?: string; bins?: number }
  | { type: 'samples'; split?: string; count?: number }
  | { type: 'run'; mode: 'all' | 'upto' | 'sample'; step?: string; samples?: number }
  | { type: 'open-network' };

/** How a request ended: the kernel's answer message, or its refusal. */
export type Answer = { ok: true; message: Record<string, unknown> } | { ok: false; error: string };

export class PipelineSession {
  constructor(readonly model: LiveModel<PipelineLiveState | null>) {
    const stopMessages = model.onMessage(message => this._received(message));
    // A request the kernel can no longer answer (it restarted, the view went static) is refused,
    // so that edits queued behind it go on (and are refused in turn) instead of waiting forever.
    const stopStatus = model.subscribe(() => {
      if (model.snapshot.status === 'static')
        this._settleAll('the kernel no longer has this pipeline');
    });
    this._stop = () => {
      stopMessages();
      stopStatus();
    };
  }

  get state(): SessionState {
    return this._state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  };

  /**
   * Sends a request; resolves with the kernel's answer (`preview`, `samples`, `network` or `ok` message)
   * or its refusal. Resolves `{ ok: false }` at once when the view is not live.
   */
  request(request: Request): Promise<Answer> {
    const seq = ++this._seq;
    // Waiting before sending: a transport may deliver the answer during `send`.
    const answer = new Promise<Answer>(resolve => this._pending.set(seq, resolve));
    if (!this.model.send({ ...request, seq })) {
      this._pending.delete(seq);
      return Promise.resolve({ ok: false, error: 'not connected to the kernel' });
    }
    return answer;
  }

  /** Forgets the last refusal (the view's close button). */
  clearError(): void {
    this._set({ error: null });
  }

  dispose(): void {
    this._stop();
    this._listeners.clear();
    this._settleAll('view closed');
  }

  private _settleAll(error: string): void {
    const pending = [...this._pending.values()];
    this._pending.clear();
    for (const resolve of pending) resolve({ ok: false, error });
  }

  private _received(message: LiveIncoming): void {
    const m = message as Record<string, unknown>;
    const seq = typeof m.seq === 'number' ? m.seq : null;
    switch (m.type) {
      case 'modules':
        this._set({
          modules: Array.isArray(m.modules) ? (m.modules as ModuleInfo[]) : [],
          networks: Array.isArray(m.networks) ? (m.networks as NetworkInfo[]) : [],
          trainingSchema: (m.training as Record<string, unknown>) ?? null
        });
        return;
      case 'analysis':
        this._set({
          issues: Array.isArray(m.issues) ? (m.issues as PipelineIssue[]) : [],
          shapes: (m.shapes as Record<string, number[]>) ?? {}
        });
        return;
      case 'run':
        this._set({
          run: {
            nodes: (m.nodes as Record<string, NodeRunStatus>) ?? {},
            done: m.done === true,
            epoch: typeof m.epoch === 'number' ? m.epoch : undefined
          }
        });
        return;
      case 'error':
        this._set({ error: String(m.message) });
        this._answer(seq, { ok: false, error: String(m.message) });
        return;
      case 'ok':
        if (this._state.error) this._set({ error: null });
        this._answer(seq, { ok: true, message: m });
        return;
      case 'preview':
      case 'samples':
      case 'network':
        this._answer(seq, { ok: true, message: m });
        return;
    }
  }

  private _answer(seq: number | null, answer: Answer): void {
    if (seq === null) return;
    const resolve = this._pending.get(seq);
    this._pending.delete(seq);
    resolve?.(answer);
  }

  private _set(change: Partial<SessionState>): void {
    this._state = { ...this._state, ...change };
    this._listeners.forEach(listener => listener());
  }

  private _state: SessionState = {
    modules: [],
    networks: [],
    trainingSchema: null,
    issues: [],
    shapes: {},
    run: null,
    error: null
  };
  private _seq = 0;
  private readonly _pending = new Map<number, (answer: Answer) => void>();
  private readonly _listeners = new Set<() => void>();
  private readonly _stop: () => void;
}

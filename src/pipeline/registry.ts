/**
 * The implementation of IPipelineGraphRegistry: holds the settings read from the
 * settings registry and the views that must follow them.
 */
import { Signal } from '@lumino/signaling';
import {
  DEFAULT_GRAPH_SETTINGS,
  type IPipelineGraphRegistry,
  type IPipelineGraphSettings,
  type IPipelineGraphView
} from '../tokens';

export class PipelineGraphRegistry implements IPipelineGraphRegistry {
  private _settings: IPipelineGraphSettings = { ...DEFAULT_GRAPH_SETTINGS };
  private readonly _views: IPipelineGraphView[] = [];
  private readonly _settingsChanged = new Signal<this, IPipelineGraphSettings>(this);

  get settings(): IPipelineGraphSettings {
    return this._settings;
  }

  get settingsChanged(): Signal<this, IPipelineGraphSettings> {
    return this._settingsChanged;
  }

  get views(): ReadonlyArray<IPipelineGraphView> {
    return this._views;
  }

  /**
   * Applies settings from the settings registry. Values that fail the checks (a hand-edited
   * settings file) fall back to the defaults instead of breaking every graph.
   */
  update(raw: Partial<Record<keyof IPipelineGraphSettings, unknown>>): void {
    const direction = raw.direction === 'TB' || raw.direction === 'LR' ? raw.direction : 'LR';
    const height =
      typeof raw.height === 'number' && Number.isFinite(raw.height)
        ? Math.min(Math.max(Math.round(raw.height), 160), 2000)
        : DEFAULT_GRAPH_SETTINGS.height;
    const sampleCount = clampInteger(raw.sampleCount, 1, 64, DEFAULT_GRAPH_SETTINGS.sampleCount);
    const previewDelay = clampInteger(
      raw.previewDelay,
      0,
      5000,
      DEFAULT_GRAPH_SETTINGS.previewDelay
    );
    const next: IPipelineGraphSettings = { direction, height, sampleCount, previewDelay };
    const current = this._settings;
    if (
      next.direction === current.direction &&
      next.height === current.height &&
      next.sampleCount === current.sampleCount &&
      next.previewDelay === current.previewDelay
    ) {
      return;
    }
    this._settings = next;
    this._settingsChanged.emit(next);
  }

  add(view: IPipelineGraphView): () => void {
    this._views.push(view);
    return () => {
      const index = this._views.indexOf(view);
      if (index >= 0) {
        this._views.splice(index, 1);
      }
    };
  }
}

function clampInteger(value: unknown, lo: number, hi: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(Math.max(Math.round(value), lo), hi)
    : fallback;
}

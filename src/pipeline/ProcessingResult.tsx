/**
 * The processing result: pick a sample (index, or a thumbnail) and see the image before and
 * after every step, each with its histogram, shape, dtype and value range. Refreshed when the
 * steps change (debounced; the kernel recomputes only the steps after the first change).
 * Images arrive as base64 PNG from the kernel and are shown as <img> data URLs, never as HTML.
 */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { PipelineDocument } from '../../schema/documents';
import { formatNumber, formatShape } from './graph-model';
import type { PipelineSession, SamplePreview, SampleThumbnail, StageSummary } from './session';

export interface ProcessingResultProps {
  session: PipelineSession;
  doc: PipelineDocument;
  live: boolean;
  sampleCount: number;
  delayMs: number;
  trans: IRenderMime.TranslationBundle;
}

export function ProcessingResult(props: ProcessingResultProps): React.ReactElement {
  const { session, doc, live, sampleCount, delayMs, trans } = props;
  const [index, setIndex] = React.useState(0);
  const [thumbs, setThumbs] = React.useState<{ total: number; samples: SampleThumbnail[] }>();
  const [preview, setPreview] = React.useState<SamplePreview | null>(null);
  const [error, setError] = React.useState<string | null>(null);
  const [busy, setBusy] = React.useState(false);
  const hasDataset = doc.dataset !== null;
  const stepsKey = JSON.stringify(doc.steps);

  React.useEffect(() => {
    if (!live || !hasDataset) return;
    let stale = false;
    void session.request({ type: 'samples', count: sampleCount }).then(answer => {
      if (stale || !answer.ok) return;
      const m = answer.message as { total: number; samples: SampleThumbnail[] };
      setThumbs({ total: m.total, samples: m.samples });
    });
    return () => {
      stale = true;
    };
  }, [session, live, hasDataset, sampleCount, doc.dataset?.name]);

  // Debounced: a burst of parameter edits asks once; answers of older requests are dropped.
  React.useEffect(() => {
    if (!live || !hasDataset) return;
    let stale = false;
    setBusy(true);
    const timer = window.setTimeout(() => {
      void session.request({ type: 'preview', index }).then(answer => {
        if (stale) return;
        setBusy(false);
        if (answer.ok) {
          setPreview((answer.message as { sample: SamplePreview }).sample);
          setError(null);
        } else setError(answer.error);
      });
    }, delayMs);
    return () => {
      stale = true;
      window.clearTimeout(timer);
    };
  }, [session, live, hasDataset, index, stepsKey, delayMs]);

  if (!live) {
    return (
      <div className="medflow-Result medflow-mod-static">
        {trans.__('The processing result needs the kernel: run the cell that shows the pipeline.')}
      </div>
    );
  }
  if (!hasDataset) {
    return <div className="medflow-Result">{trans.__('No dataset: nothing to process.')}</div>;
  }
  const total = thumbs?.total;
  return (
    <div
      className="medflow-Result"
      role="region"
      aria-label={trans.__('Processing result')}
      data-testid="medflow-processing-result"
      aria-busy={busy}
    >
      <div className="medflow-Result-picker">
        <label>
          {trans.__('Sample')}{' '}
          <input
            className="jp-mod-styled medflow-Result-index"
            type="number"
            min={0}
            max={total !== undefined ? total - 1 : undefined}
            value={index}
            aria-label={trans.__('Sample index')}
            onChange={event => {
              const n = Number(event.target.value);
              if (Number.isInteger(n) && n >= 0 && (total === undefined || n < total)) setIndex(n);
            }}
          />
        </label>
        {total !== undefined && (
          <span className="medflow-Result-total">{trans.__('of %1 (train)', total)}</span>
        )}
        <div className="medflow-Result-thumbs" role="listbox" aria-label={trans.__('Samples')}>
          {thumbs?.samples.map(t => (
            <button
              key={t.index}
              role="option"
              aria-selected={t.index === index}
              className="medflow-Result-thumb"
              title={trans.__('Sample %1 (%2)', t.index, t.label ?? '')}
              aria-label={trans.__('Sample %1', t.index)}
              onClick={() => setIndex(t.index)}
            >
              <img src={`data:image/png;base64,${t.png}`} alt="" />
            </button>
          ))}
        </div>
      </div>
      {error && (
        <div className="medflow-Result-error" role="alert">
          {error}
        </div>
      )}
      {preview && (
        <ol className="medflow-Result-stages" data-testid="medflow-stages">
          {preview.stages.map(stage => (
            <Stage key={stage.step} stage={stage} trans={trans} />
          ))}
          {preview.dropped_at && (
            <li className="medflow-Result-dropped">
              {trans.__('Dropped by %1', preview.dropped_at)}
            </li>
          )}
        </ol>
      )}
    </div>
  );
}

function Stage({
  stage,
  trans
}: {
  stage: StageSummary;
  trans: IRenderMime.TranslationBundle;
}): React.ReactElement {
  const title = stage.step === 'input' ? trans.__('input') : stage.step;
  return (
    <li className="medflow-Stage" data-testid={`medflow-stage-${stage.step}`}>
      <div className="medflow-Stage-title" title={stage.module ?? undefined}>
        {title}
      </div>
      <img
        className="medflow-Stage-image"
        src={`data:image/png;base64,${stage.png}`}
        alt={trans.__('Image after %1', title)}
      />
      <Histogram counts={stage.histogram.counts} label={trans.__('Histogram after %1', title)} />
      <dl className="medflow-Stage-facts">
        <dt>{trans.__('shape')}</dt>
        <dd data-testid="medflow-stage-shape">{formatShape(stage.shape)}</dd>
        <dt>{trans.__('dtype')}</dt>
        <dd>{stage.dtype}</dd>
        <dt>{trans.__('range')}</dt>
        <dd data-testid="medflow-stage-range">
          {formatNumber(stage.range[0])} … {formatNumber(stage.range[1])}
        </dd>
      </dl>
    </li>
  );
}

/** Bars of the histogram, scaled to the tallest bin (SVG, themed by CSS). */
export function Histogram({
  counts,
  label
}: {
  counts: number[];
  label: string;
}): React.ReactElement {
  const max = Math.max(1, ...counts);
  const width = 120;
  const height = 36;
  const bar = width / Math.max(1, counts.length);
  return (
    <svg
      className="medflow-Histogram"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      preserveAspectRatio="none"
    >
      {counts.map((c, i) => {
        const h = (c / max) * height;
        return (
          <rect key={i} x={i * bar} y={height - h} width={Math.max(bar - 0.5, 0.5)} height={h} />
        );
      })}
    </svg>
  );
}

/**
 * The live training view: status and progress with a stop button, loss and metric charts per
 * epoch (train and validation, per class on demand), and at the end the confusion matrix, the
 * ROC curve(s) and Grad-CAM samples. Kernel strings reach the DOM as React text only; Grad-CAM
 * images are checked base64 (model.ts) shown through data: URLs.
 */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { TrainingFinal, TrainingViewState } from '../../schema/views';
import { PlotlyChart, type PlotTrace } from '../charts/PlotlyChart';
import type { LiveModel } from '../live/live-model';
import { LiveStatusBadge } from '../live/LiveStatusBadge';
import { useLiveModel } from '../live/useLiveModel';
import {
  confusionCells,
  lossSeries,
  metricSeries,
  progress,
  TRAINING_METRICS,
  type Series,
  type TrainingMetric
} from './model';

type Trans = IRenderMime.TranslationBundle;

function traces(series: Series[]): PlotTrace[] {
  return series.map(s => ({
    type: 'scatter',
    mode: 'lines+markers',
    name: s.name,
    x: s.x,
    y: s.y,
    line: s.dash ? { dash: 'dash' } : {}
  }));
}

export function TrainingView(props: {
  model: LiveModel<TrainingViewState | null>;
  trans: Trans;
  reason?: string;
}): React.ReactElement {
  const { model, trans } = props;
  const snapshot = useLiveModel(model);
  const state = snapshot.state;
  const [metric, setMetric] = React.useState<TrainingMetric>('accuracy');
  const [perClass, setPerClass] = React.useState(false);
  const [stopping, setStopping] = React.useState(false);

  const loss = React.useMemo(
    () => (state ? traces(lossSeries(state, s => trans.__(s))) : []),
    [state]
  );
  const metrics = React.useMemo(
    () => (state ? traces(metricSeries(state, metric, perClass)) : []),
    [state, metric, perClass]
  );
  const lossLayout = React.useMemo(
    () => ({
      title: { text: trans.__('Loss') },
      xaxis: { title: { text: trans.__('epoch') }, dtick: 1 }
    }),
    []
  );
  const metricLayout = React.useMemo(
    () => ({
      title: { text: trans.__('%1 (validation)', metric) },
      xaxis: { title: { text: trans.__('epoch') }, dtick: 1 },
      yaxis: { range: [0, 1.02] }
    }),
    [metric]
  );

  if (!state) {
    return (
      <div className="medflow-TrainingView-error" role="alert">
        {trans.__('This training view cannot be shown: %1', props.reason ?? '')}
      </div>
    );
  }
  const { fraction, epoch } = progress(state);
  const running = state.status === 'running';
  const stop = () => {
    if (model.send({ type: 'stop' })) setStopping(true);
  };
  const statusText: Record<string, string> = {
    running: stopping ? trans.__('stopping…') : trans.__('training'),
    done: trans.__('done'),
    stopped: trans.__('stopped'),
    failed: trans.__('failed')
  };

  return (
    <div className="medflow-TrainingView" data-status={state.status}>
      <div className="medflow-TrainingView-header">
        <strong>{trans.__('Training %1 on %2', state.network, state.dataset)}</strong>
        <span className="medflow-TrainingView-status" data-status={state.status}>
          {statusText[state.status]}
        </span>
        <span className="medflow-TrainingView-epoch">
          {trans.__('epoch %1/%2', Math.min(epoch, state.epochs), state.epochs)}
        </span>
        <progress
          className="medflow-TrainingView-progress"
          max={1}
          value={fraction}
          aria-label={trans.__('Training progress')}
        />
        <button
          className="jp-mod-styled jp-mod-warn medflow-TrainingView-stop"
          disabled={!running || snapshot.status !== 'live' || stopping}
          onClick={stop}
          title={trans.__('Stop training after the current batch')}
        >
          {trans.__('Stop')}
        </button>
        <LiveStatusBadge snapshot={snapshot} trans={trans} />
      </div>
      {state.message && state.status !== 'done' && (
        <div className="medflow-TrainingView-message" role="status">
          {state.message}
        </div>
      )}
      <div className="medflow-TrainingView-charts">
        <PlotlyChart
          className="medflow-TrainingView-loss"
          data={loss}
          layout={lossLayout}
          label={trans.__('Loss per epoch')}
          filename={`${state.pipeline}-loss`}
        />
        <div className="medflow-TrainingView-metric">
          <div className="medflow-TrainingView-controls">
            <label>
              {trans.__('Metric')}{' '}
              <select value={metric} onChange={e => setMetric(e.target.value as TrainingMetric)}>
                {TRAINING_METRICS.map(m => (
                  <option key={m} value={m}>
                    {m}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <input
                type="checkbox"
                checked={perClass}
                onChange={e => setPerClass(e.target.checked)}
              />{' '}
              {trans.__('per class')}
            </label>
          </div>
          <PlotlyChart
            data={metrics}
            layout={metricLayout}
            label={trans.__('Validation %1 per epoch', metric)}
            filename={`${state.pipeline}-${metric}`}
          />
        </div>
      </div>
      {state.final && (
        <FinalEvaluation
          final={state.final}
          classes={state.classes}
          trans={trans}
          name={state.pipeline}
        />
      )}
    </div>
  );
}

function FinalEvaluation(props: {
  final: TrainingFinal;
  classes: string[];
  trans: Trans;
  name: string;
}): React.ReactElement {
  const { final, classes, trans } = props;
  const cells = confusionCells(final.confusion);
  const roc = React.useMemo(
    () => [
      ...final.roc.map(r => ({
        type: 'scatter',
        mode: 'lines',
        name: `${r.class} (AUC ${r.auc.toFixed(3)})`,
        x: r.fpr,
        y: r.tpr
      })),
      {
        type: 'scatter',
        mode: 'lines',
        name: trans.__('chance'),
        x: [0, 1],
        y: [0, 1],
        line: { dash: 'dot', width: 1 },
        hoverinfo: 'skip'
      }
    ],
    [final]
  );
  const rocLayout = React.useMemo(
    () => ({
      title: { text: trans.__('ROC (%1)', final.split) },
      xaxis: { title: { text: trans.__('false positive rate') }, range: [0, 1] },
      yaxis: { title: { text: trans.__('true positive rate') }, range: [0, 1.02] }
    }),
    [final.split]
  );
  const headline = Object.entries(final.metrics)
    .map(([k, v]) => `${k} ${v.toFixed(3)}`)
    .join(' · ');
  return (
    <div className="medflow-TrainingView-final">
      <div className="medflow-TrainingView-headline">
        {trans.__('%1 split: %2', final.split, headline)}
      </div>
      <div className="medflow-TrainingView-charts">
        <table className="medflow-TrainingView-confusion" aria-label={trans.__('Confusion matrix')}>
          <caption>
            {trans.__('Confusion matrix (%1): rows true, columns predicted', final.split)}
          </caption>
          <thead>
            <tr>
              <th />
              {classes.map(c => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {cells.map((row, i) => (
              <tr key={i}>
                <th scope="row">{classes[i] ?? i}</th>
                {row.map((cell, j) => (
                  <td
                    key={j}
                    className={i === j ? 'medflow-mod-diagonal' : ''}
                    style={{ '--medflow-share': cell.share } as React.CSSProperties}
                    title={`${(cell.share * 100).toFixed(1)}%`}
                  >
                    {cell.count}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {final.roc.length > 0 && (
          <PlotlyChart
            data={roc}
            layout={rocLayout}
            label={trans.__('ROC curve')}
            filename={`${props.name}-roc`}
          />
        )}
      </div>
      {final.gradcam.length > 0 && (
        <div className="medflow-TrainingView-gradcam" aria-label={trans.__('Grad-CAM samples')}>
          {final.gradcam.map(g => (
            <figure key={g.index}>
              <img
                src={`data:image/png;base64,${g.png}`}
                alt={trans.__('Grad-CAM of image %1', g.index)}
              />
              <figcaption>
                {trans.__(
                  '#%1 %2 → %3 (p %4)',
                  g.index,
                  g.label,
                  g.predicted,
                  g.probability.toFixed(2)
                )}
              </figcaption>
            </figure>
          ))}
        </div>
      )}
    </div>
  );
}

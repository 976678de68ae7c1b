/**
 * The live tuning view: every finished trial as a point with the best-so-far line, the
 * per-generation max/min/mean of the chosen metric (filters: metric, split, class, generation),
 * the top 5 configurations by a metric with Apply buttons, and stop/resume. Trial updates
 * arrive as `trial`/`status` messages and are applied here (model.ts); kernel strings are
 * React text only.
 */
import * as React from 'react';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { PlotlyChart } from '../charts/PlotlyChart';
import type { LiveModel } from '../live/live-model';
import { LiveStatusBadge } from '../live/LiveStatusBadge';
import { useLiveModel } from '../live/useLiveModel';
import type { StudyState } from './contract';
import {
  bestSoFar,
  directionOf,
  filterOptions,
  formatValue,
  generationStats,
  metricKey,
  primaryMetric,
  topTrials,
  trialCounts,
  trialPoints,
  tunedParameters,
  type Split
} from './model';

type Trans = IRenderMime.TranslationBundle;

export function StudyView(props: {
  model: LiveModel<StudyState | null>;
  trans: Trans;
  reason?: string;
}): React.ReactElement {
  const { model, trans } = props;
  // Trials and status changes are folded into the model's state (StudyRenderer.foldLive).
  const snapshot = useLiveModel(model);
  const state = snapshot.state;
  const [notice, setNotice] = React.useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  React.useEffect(
    () =>
      model.onMessage(message => {
        if (message.type === 'applied') {
          setNotice({
            kind: 'info',
            text: trans.__('Applied trial %1 to the pipeline', String(message.trial_id))
          });
        } else if (message.type === 'error') {
          setNotice({ kind: 'error', text: String(message.message) });
        }
      }),
    [model]
  );

  const primary = state ? primaryMetric(state) : 'val_loss';
  const [split, setSplit] = React.useState<Split>(primary.startsWith('val_') ? 'val' : 'train');
  const [metric, setMetric] = React.useState(primary.replace(/^(val|test)_/, ''));
  const [cls, setCls] = React.useState('');
  const [generation, setGeneration] = React.useState('');
  const [tableMetric, setTableMetric] = React.useState(primary);

  const options = React.useMemo(() => (state ? filterOptions(state) : null), [state]);
  const key = metricKey(split, metric, cls || undefined);
  const direction = state ? directionOf(state, metricKey(split, metric)) : 'max';

  const trialData = React.useMemo(() => {
    if (!state) return [];
    const points = trialPoints(state, key);
    return [
      {
        type: 'scatter',
        mode: 'markers',
        name: trans.__('trials'),
        x: points.map(p => p.x),
        y: points.map(p => p.y),
        text: points.map(p => p.id),
        hovertemplate: '%{text}: %{y:.4f}<extra></extra>'
      },
      {
        type: 'scatter',
        mode: 'lines',
        name: trans.__('best so far'),
        x: points.map(p => p.x),
        y: bestSoFar(points, direction),
        line: { shape: 'hv' }
      }
    ];
  }, [state, key, direction]);
  const generationData = React.useMemo(() => {
    if (!state) return [];
    const stats = generationStats(state, key, generation === '' ? undefined : Number(generation));
    const x = stats.map(s => s.generation);
    return (['max', 'mean', 'min'] as const).map(k => ({
      type: 'scatter',
      mode: 'lines+markers',
      name: trans.__(k),
      x,
      y: stats.map(s => s[k]),
      line: k === 'mean' ? {} : { dash: 'dot' }
    }));
  }, [state, key, generation]);
  const trialLayout = React.useMemo(
    () => ({
      title: { text: trans.__('%1 per trial', key) },
      xaxis: { title: { text: trans.__('trial') }, rangemode: 'tozero' }
    }),
    [key]
  );
  const generationLayout = React.useMemo(
    () => ({
      title: { text: trans.__('%1 per generation', key) },
      xaxis: { title: { text: trans.__('generation') }, dtick: 1 }
    }),
    [key]
  );

  if (!state || !options) {
    return (
      <div className="medflow-StudyView-error" role="alert">
        {trans.__('This study cannot be shown: %1', props.reason ?? '')}
      </div>
    );
  }
  const counts = trialCounts(state);
  const live = snapshot.status === 'live';
  const params = tunedParameters(state);
  const top = topTrials(state, tableMetric);
  const tableMetrics = [
    ...new Set([
      ...state.study.objectives.map(o => o.metric),
      ...options.metrics.flatMap(m => options.splits.map(s => metricKey(s, m)))
    ])
  ];

  return (
    <div className="medflow-StudyView" data-status={state.status}>
      <div className="medflow-StudyView-header">
        <strong>{trans.__('Study %1', state.study.name)}</strong>
        <span className="medflow-StudyView-status" data-status={state.status}>
          {state.status}
        </span>
        <span className="medflow-StudyView-counts">
          {trans.__(
            '%1 done · %2 running · %3 queued · %4 failed',
            counts.done,
            counts.running,
            counts.queued,
            counts.failed
          )}
        </span>
        <button
          className="jp-mod-styled jp-mod-warn"
          disabled={!live || state.status !== 'running'}
          onClick={() => model.send({ type: 'stop' })}
        >
          {trans.__('Stop')}
        </button>
        <button
          className="jp-mod-styled jp-mod-accept"
          disabled={!live || state.status !== 'stopped'}
          onClick={() => model.send({ type: 'resume' })}
        >
          {trans.__('Resume')}
        </button>
        <LiveStatusBadge snapshot={snapshot} trans={trans} />
      </div>
      {notice && (
        <div className={`medflow-StudyView-notice medflow-mod-${notice.kind}`} role="status">
          {notice.text}
        </div>
      )}
      <div className="medflow-StudyView-filters">
        <label>
          {trans.__('Metric')}{' '}
          <select
            aria-label={trans.__('Metric')}
            value={metric}
            onChange={e => setMetric(e.target.value)}
          >
            {options.metrics.map(m => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          {trans.__('Split')}{' '}
          <select
            aria-label={trans.__('Split')}
            value={split}
            onChange={e => setSplit(e.target.value as Split)}
          >
            {options.splits.map(s => (
              <option key={s} value={s}>
                {
                  { train: trans.__('train'), val: trans.__('validation'), test: trans.__('test') }[
                    s
                  ]
                }
              </option>
            ))}
          </select>
        </label>
        <label>
          {trans.__('Class')}{' '}
          <select aria-label={trans.__('Class')} value={cls} onChange={e => setCls(e.target.value)}>
            <option value="">{trans.__('all')}</option>
            {options.classes.map(c => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          {trans.__('Generation')}{' '}
          <select
            aria-label={trans.__('Generation')}
            value={generation}
            onChange={e => setGeneration(e.target.value)}
          >
            <option value="">{trans.__('all')}</option>
            {options.generations.map(g => (
              <option key={g} value={String(g)}>
                {g}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="medflow-StudyView-charts">
        <PlotlyChart
          className="medflow-StudyView-trials"
          data={trialData}
          layout={trialLayout}
          label={trans.__('Trials and the best so far')}
          filename={`${state.study.name}-trials`}
        />
        <PlotlyChart
          className="medflow-StudyView-generations"
          data={generationData}
          layout={generationLayout}
          label={trans.__('Per generation maximum, mean and minimum')}
          filename={`${state.study.name}-generations`}
        />
      </div>
      <div className="medflow-StudyView-top">
        <label>
          {trans.__('Top 5 by')}{' '}
          <select
            aria-label={trans.__('Top 5 by')}
            value={tableMetric}
            onChange={e => setTableMetric(e.target.value)}
          >
            {tableMetrics.map(m => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <table className="medflow-StudyView-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{trans.__('trial')}</th>
              <th scope="col">{tableMetric}</th>
              {params.map(p => (
                <th key={p} scope="col">
                  {p}
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {top.map(row => (
              <tr key={row.id} data-trial={row.id}>
                <td>{row.rank}</td>
                <td>{row.id}</td>
                <td>{formatValue(row.value)}</td>
                {params.map(p => (
                  <td key={p}>{formatValue(row.params[p])}</td>
                ))}
                <td>
                  <button
                    className="jp-mod-styled jp-mod-accept"
                    disabled={!live}
                    title={trans.__('Write this configuration into the pipeline')}
                    onClick={() => model.send({ type: 'apply', trial_id: row.id })}
                  >
                    {trans.__('Apply')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {top.length === 0 && (
          <div className="medflow-StudyView-empty">{trans.__('No finished trial yet.')}</div>
        )}
      </div>
    </div>
  );
}

/**
 * A Plotly chart that follows the JupyterLab theme (colours and font from the --jp-* CSS
 * variables, redrawn when the theme changes), resizes with its panel, and exports PNG from its
 * modebar (Plotly's "Download plot as a png"). Plotly is loaded on first use with a dynamic
 * import, so it is its own chunk and notebooks without charts never load it.
 */
import * as React from 'react';

type PlotlyModule = (typeof import('plotly.js-basic-dist-min'))['default'];
let plotly: Promise<PlotlyModule> | undefined;

export function loadPlotly(): Promise<PlotlyModule> {
  plotly ??= import(/* webpackChunkName: "plotly" */ 'plotly.js-basic-dist-min').then(
    m => (m as { default?: PlotlyModule }).default ?? (m as unknown as PlotlyModule)
  );
  return plotly;
}

export type PlotTrace = Record<string, unknown>;
export type PlotLayout = Record<string, unknown>;

/** Colours of the current theme, read from the chart's own node (so scoped themes apply). */
export function themeLayout(node: HTMLElement): PlotLayout {
  const css = getComputedStyle(node);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const font = v('--jp-ui-font-color1', '#222');
  const grid = v('--jp-border-color2', '#ddd');
  return {
    paper_bgcolor: v('--jp-layout-color1', '#fff'),
    plot_bgcolor: v('--jp-layout-color1', '#fff'),
    font: { color: font, family: v('--jp-ui-font-family', 'sans-serif'), size: 11 },
    // Series colours from the theme's semantic palette, so dark themes get readable lines.
    colorway: [
      v('--jp-brand-color1', '#1976d2'),
      v('--jp-warn-color1', '#f57c00'),
      v('--jp-success-color1', '#388e3c'),
      v('--jp-error-color1', '#d32f2f'),
      v('--jp-accent-color1', '#7b1fa2'),
      v('--jp-brand-color3', '#90caf9')
    ],
    xaxis: { gridcolor: grid, zerolinecolor: grid, linecolor: grid },
    yaxis: { gridcolor: grid, zerolinecolor: grid, linecolor: grid },
    legend: { orientation: 'h', y: -0.32 },
    margin: { l: 48, r: 12, t: 32, b: 56 }
  };
}

function merge(base: PlotLayout, over: PlotLayout): PlotLayout {
  const out: PlotLayout = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = base[k];
    out[k] =
      typeof v === 'object' && v && !Array.isArray(v) && typeof b === 'object' && b
        ? { ...(b as object), ...(v as object) }
        : v;
  }
  return out;
}

/** Counts theme changes (JupyterLab sets data-jp-theme-name on body). */
function useThemeRevision(): number {
  const [revision, setRevision] = React.useState(0);
  React.useEffect(() => {
    const observer = new MutationObserver(() => setRevision(r => r + 1));
    observer.observe(document.body, {
      attributes: true,
      attributeFilter: ['data-jp-theme-name', 'data-jp-theme-light']
    });
    return () => observer.disconnect();
  }, []);
  return revision;
}

export interface PlotlyChartProps {
  data: PlotTrace[];
  layout: PlotLayout;
  /** Accessible name of the chart. */
  label: string;
  /** File name of the PNG export (without extension). */
  filename: string;
  className?: string;
}

export function PlotlyChart(props: PlotlyChartProps): React.ReactElement {
  const ref = React.useRef<HTMLDivElement>(null);
  const theme = useThemeRevision();
  const { data, layout, filename } = props;

  React.useEffect(() => {
    let cancelled = false;
    void loadPlotly().then(Plotly => {
      const node = ref.current;
      if (cancelled || !node) return;
      void Plotly.react(node, data, merge(themeLayout(node), layout), {
        displaylogo: false,
        responsive: false,
        modeBarButtonsToRemove: ['lasso2d', 'select2d'],
        toImageButtonOptions: { format: 'png', filename, scale: 2 }
      }).then(() => node.setAttribute('data-rendered', 'true'));
    });
    return () => {
      cancelled = true;
    };
  }, [data, layout, filename, theme]);

  React.useEffect(() => {
    const node = ref.current;
    if (!node) return;
    const observer = new ResizeObserver(() => {
      if (node.getAttribute('data-rendered') && node.offsetWidth > 0) {
        void loadPlotly().then(Plotly => Plotly.Plots.resize(node));
      }
    });
    observer.observe(node);
    return () => {
      observer.disconnect();
      void loadPlotly().then(Plotly => Plotly.purge(node));
    };
  }, []);

  return (
    <div
      ref={ref}
      className={`medflow-Chart ${props.className ?? ''}`}
      role="img"
      aria-label={props.label}
    />
  );
}

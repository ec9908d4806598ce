/**
 * Charts as Vega-Lite specs, compiled to Vega and rendered to SVG by `View.toSVG()` (no browser,
 * no canvas: renderer 'none', text widths estimated). vega is imported lazily by renderSvg. The spec builders are plain functions
 * (testable without rendering); `renderSvg` does the compile and render.
 */
import type { Histogram } from './histogram.ts';

// Vega-Lite's TopLevelSpec type is large; the builders return plain objects.
/** A Vega-Lite specification. */
export type VlSpec = Record<string, unknown>;

const CONFIG = {
  font: 'sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  title: { fontSize: 14, anchor: 'start' },
};

/** One named line of a line chart. */
export interface Series {
  name: string;
  values: readonly (number | null)[];
  /** Draw dashed (e.g. the scikit-learn side of a comparison). */
  dashed?: boolean;
}

/** Lines over epochs (1-based): training and validation loss, or ffnn vs sklearn. */
export function lineChartSpec(opts: {
  title: string;
  series: readonly Series[];
  yTitle?: string;
  xTitle?: string;
  logY?: boolean;
  width?: number;
  height?: number;
}): VlSpec {
  const values: { epoch: number; value: number; series: string; dashed: boolean }[] = [];
  for (const s of opts.series) {
    s.values.forEach((v, i) => {
      if (v !== null && Number.isFinite(v) && (!opts.logY || v > 0)) values.push({ epoch: i + 1, value: v, series: s.name, dashed: !!s.dashed });
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title,
    width: opts.width ?? 560,
    height: opts.height ?? 220,
    config: CONFIG,
    data: { values },
    mark: { type: 'line', point: values.length <= 60 ? { size: 20 } : false, strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: opts.xTitle ?? 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: opts.yTitle ?? 'loss', scale: opts.logY ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, sort: opts.series.map((s) => s.name) },
      strokeDash: {
        field: 'dashed',
        type: 'nominal',
        legend: null,
        scale: {
          domain: [false, true],
          range: [
            [1, 0],
            [6, 3],
          ],
        },
      },
    },
  };
}

/** Small histograms side by side (one per layer), each with its own x range, in one SVG. */
export function histogramsSpec(opts: {
  title: string;
  items: readonly { label: string; hist: Histogram }[];
  color?: string;
  xTitle?: string;
  columns?: number;
  width?: number;
  height?: number;
}): VlSpec {
  const cells = opts.items.map((it) => ({
    title: { text: it.label, fontSize: 12 },
    width: opts.width ?? 230,
    height: opts.height ?? 130,
    data: {
      values: it.hist.counts.map((c, k) => ({ x0: it.hist.edges[k], x1: it.hist.edges[k + 1], count: c })),
    },
    mark: { type: 'rect', color: opts.color ?? '#4c78a8', stroke: '#fff', strokeWidth: 0.3 },
    encoding: {
      x: { field: 'x0', type: 'quantitative', bin: { binned: true }, title: opts.xTitle ?? 'value', axis: { tickCount: 5, format: '~g' } },
      x2: { field: 'x1' },
      y: { field: 'count', type: 'quantitative', title: 'count' },
    },
  }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title,
    config: CONFIG,
    columns: opts.columns ?? 3,
    concat: cells,
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  // loaded on first use: vega's module graph uses top-level await, which uvu's require() cannot load
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

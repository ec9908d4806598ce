/**
 * Self-contained HTML reports: inline SVG and inline CSS, no external URL, so the file opens
 * anywhere with no network. Every chart sits in <figure class="chart" data-chart="NAME">; a tiny
 * inline script records each chart's position in data-rect (x,y,width,height in CSS pixels) so a
 * headless browser test can find and check every chart in a screenshot.
 */
import { histogramsSpec, lineChartSpec, renderSvg } from './charts.ts';
import { type Histogram, histogram } from './histogram.ts';
import type { HistorySummary } from './history.ts';
import { networkSvg } from './network.ts';
import { esc, num } from './svg.ts';

/** One section of an HTML report page: an anchor id, a heading and its HTML. */
export interface Section {
  id: string;
  title: string;
  html: string;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;margin:0;background:#f6f6f4}
main{max-width:1180px;margin:0 auto;padding:24px 32px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:0 0 10px;border-bottom:1px solid #ddd;padding-bottom:4px}
.subtitle{color:#666;margin:0 0 20px}
section{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:16px 20px;margin:0 0 18px}
figure.chart{margin:8px 0 12px;overflow-x:auto}figure.chart svg{display:block;max-width:none}
figcaption{color:#555;font-size:12.5px;margin-top:4px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}
th,td{border:1px solid #ddd;padding:4px 9px;text-align:left}th{background:#f0f0ee}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#7a5b00;background:#fff8e1;border:1px solid #f0dc9c;border-radius:4px;padding:6px 10px}
.ok{color:#1a7f37;font-weight:bold}.bad{color:#b2182b;font-weight:bold}
code{background:#f0f0ee;padding:0 3px;border-radius:3px}
`;

const RECT_SCRIPT = `<script>for(const f of document.querySelectorAll('figure.chart')){const s=f.querySelector('svg');if(!s)continue;const r=s.getBoundingClientRect();f.dataset.rect=[r.left+scrollX,r.top+scrollY,r.width,r.height].map(Math.round).join(',')}</script>`;

/** A chart in the page: the SVG with a caption. */
export function figure(name: string, svg: string, caption?: string): string {
  return `<figure class="chart" data-chart="${esc(name)}">${svg}${caption ? `<figcaption>${esc(caption)}</figcaption>` : ''}</figure>`;
}

/** A paragraph of explanatory text, HTML-escaped. */
export function note(text: string): string {
  return `<p class="note">${esc(text)}</p>`;
}

/** A table from a header and rows of cells (numbers are right-aligned). Cells are escaped unless passed as {html}. */
export function table(header: readonly string[], rows: readonly (readonly (string | number | { html: string })[])[]): string {
  const cell = (c: string | number | { html: string }) =>
    typeof c === 'number' ? `<td class="num">${esc(num(c))}</td>` : typeof c === 'object' ? `<td>${c.html}</td>` : `<td>${esc(c)}</td>`;
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`;
}

/** A self-contained HTML page (inline CSS and SVG, no network) from a title and sections. */
export function htmlPage(opts: { title: string; subtitle?: string; sections: readonly Section[] }): string {
  const body = opts.sections.map((s) => `<section id="${esc(s.id)}"><h2>${esc(s.title)}</h2>${s.html}</section>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(opts.title)}</title><style>${CSS}</style></head>
<body><main><h1>${esc(opts.title)}</h1>${opts.subtitle ? `<p class="subtitle">${esc(opts.subtitle)}</p>` : ''}
${body}
</main>${RECT_SCRIPT}</body></html>
`;
}

// ---------------------------------------------------------------- the model report

/** The parts of an ffnn model file (format "ffnn-model") the report reads. */
export interface ModelLike {
  layerSizes: number[];
  activations: string[];
  loss: string;
  dtype?: string;
  library?: string;
  target: { kind: string; classes: (number | string)[] };
  options: Record<string, unknown>;
  coefs: number[][];
  intercepts: number[][];
  /** As in the model file: null stands for a non-finite loss. */
  training: { lossCurve: readonly (number | null)[]; validationLossCurve: readonly (number | null)[]; nIter: number; bestLoss?: number | null };
}

/** What modelReport draws: the model, its source, its training history summary, the layers and bins of its histograms. */
export interface ModelReportInput {
  title?: string;
  /** Where the model came from (a path), for the subtitle. */
  source?: string;
  model: ModelLike;
  history?: HistorySummary | null;
  /** Layers (0-based weight matrices) whose histograms to show; default all. */
  layers?: number[];
  bins?: number;
  maxNodes?: number;
}

/** The model row "target": a classifier's classes, or a regressor's outputs (it has no classes). */
export function targetSummary(m: Pick<ModelLike, 'target' | 'layerSizes'>): string {
  if (m.target.kind === 'continuous') {
    const k = m.layerSizes[m.layerSizes.length - 1];
    return `continuous (a regressor), ${k} output${k === 1 ? '' : 's'}`;
  }
  const c = m.target.classes;
  return `${m.target.kind}, ${c.length} classes (${c.slice(0, 12).join(', ')}${c.length > 12 ? ', ...' : ''})`;
}

const layerName = (l: number, sizes: readonly number[]) => `layer ${l}: ${sizes[l]} x ${sizes[l + 1]}`;

/** The names of the charts modelReport draws for this input, in page order (tests check them). */
export function modelReportCharts(input: ModelReportInput): string[] {
  const h = input.history;
  const charts = ['network', 'loss-curve', 'weight-histograms'];
  if (h?.epochs.some((e) => e.gradients)) charts.push('gradient-histograms', 'spread-by-epoch');
  return charts;
}

/** The HTML report of a model: table, network picture, loss curves, histograms (what `ffnn report` writes). */
export async function modelReport(input: ModelReportInput): Promise<string> {
  const m = input.model;
  const L = m.layerSizes.length - 1;
  const layers = input.layers ?? Array.from({ length: L }, (_, l) => l);
  for (const l of layers) if (!Number.isInteger(l) || l < 0 || l >= L) throw new Error(`layers: ${l} is not a layer of this model (0..${L - 1})`);
  const bins = input.bins ?? 30;
  const h = input.history ?? null;
  const sections: Section[] = [];

  const o = m.options;
  const summaryRows: [string, string | number][] = [
    ['layers', m.layerSizes.join(' - ')],
    ['activations', m.activations.join(', ')],
    ['loss', m.loss],
    ['target', targetSummary(m)],
    ['parameters', m.coefs.reduce((s, c) => s + c.length, 0) + m.intercepts.reduce((s, b) => s + b.length, 0)],
    ['epochs', m.training.nIter],
    ['final training loss', m.training.lossCurve.at(-1) ?? NaN],
    ['final validation loss', m.training.validationLossCurve.at(-1) ?? NaN],
  ];
  for (const k of ['solver', 'learningRateInit', 'batchSize', 'alpha', 'l1', 'momentum', 'init', 'randomState', 'dtype']) {
    if (k in o) summaryRows.push([k, typeof o[k] === 'object' ? JSON.stringify(o[k]) : String(o[k])]);
  }
  sections.push({
    id: 'summary',
    title: 'Model',
    html: table(
      ['', 'value'],
      summaryRows.filter((r) => !(typeof r[1] === 'number' && Number.isNaN(r[1]))),
    ),
  });

  const lastLabel = h?.lastGradientEpoch != null ? `last batch of epoch ${h.lastGradientEpoch}` : undefined;
  const net = networkSvg(
    {
      layerSizes: m.layerSizes,
      activations: m.activations,
      coefs: m.coefs,
      intercepts: m.intercepts,
      gradients: h?.lastGradients ?? null,
      gradientLabel: lastLabel,
    },
    { maxNodes: input.maxNodes ?? 10 },
  );
  sections.push({
    id: 'network',
    title: 'Network structure',
    html:
      figure('network', net, `Columns are layers; layers wider than ${input.maxNodes ?? 10} units are summarised into groups. Hover an edge for its numbers.`) +
      (h?.lastGradients
        ? ''
        : note('No gradient history: the gradient panel needs a history file (ffnn train --history-out FILE, then ffnn report MODEL --history FILE).')),
  });

  const series = [{ name: 'training loss', values: m.training.lossCurve }];
  if (m.training.validationLossCurve.length) series.push({ name: 'validation loss', values: m.training.validationLossCurve });
  const lossSvg = await renderSvg(lineChartSpec({ title: 'Loss by epoch', series }));
  sections.push({
    id: 'loss',
    title: 'Loss curves',
    html: figure(
      'loss-curve',
      lossSvg,
      m.training.validationLossCurve.length
        ? 'Training loss (mean over the epoch) and the loss on held-out rows after each epoch.'
        : 'Training loss (mean over the epoch). No validation loss was recorded (train with --validation-split).',
    ),
  });

  const wItems = layers.map((l) => ({ label: layerName(l, m.layerSizes), hist: histogram(m.coefs[l], { bins }) }));
  const wSvg = await renderSvg(histogramsSpec({ title: 'Final weights', items: wItems, xTitle: 'weight' }));
  sections.push({ id: 'weights', title: 'Weight distributions', html: figure('weight-histograms', wSvg, statsLine(wItems)) });

  const withGrads = h ? h.epochs.filter((e) => e.gradients) : [];
  if (h && withGrads.length) {
    const last = withGrads[withGrads.length - 1];
    const gItems = layers.map((l) => ({ label: layerName(l, m.layerSizes), hist: last.gradients![l] }));
    const gSvg = await renderSvg(
      histogramsSpec({ title: `Weight gradients, last batch of epoch ${last.epoch}`, items: gItems, color: '#e45756', xTitle: 'dL/dw' }),
    );
    const spread: { name: string; values: (number | null)[]; dashed?: boolean }[] = [];
    for (const l of layers) {
      spread.push({ name: `grad std, layer ${l}`, values: withGrads.map((e) => e.gradients![l].std) });
      const wEpochs = h.epochs.filter((e) => e.weights && e.epoch > 0);
      if (wEpochs.length) spread.push({ name: `weight std, layer ${l}`, values: wEpochs.map((e) => e.weights![l].std), dashed: true });
    }
    const sSvg = await renderSvg(
      lineChartSpec({ title: 'Spread of gradients (solid) and weights (dashed) by epoch', series: spread, yTitle: 'standard deviation', logY: true }),
    );
    sections.push({
      id: 'gradients',
      title: 'Gradient distributions',
      html:
        figure('gradient-histograms', gSvg, statsLine(gItems)) +
        figure(
          'spread-by-epoch',
          sSvg,
          'Standard deviation per layer after every epoch (log scale): vanishing or exploding gradients show as lines falling or rising by orders of magnitude.',
        ),
    });
  } else {
    sections.push({
      id: 'gradients',
      title: 'Gradient distributions',
      html: note(
        'This model file has no gradient history. Record one with: ffnn train --history-out history.json --out model.json, then: ffnn report model.json --history history.json.',
      ),
    });
  }
  const sub = `${input.source ? `${input.source} · ` : ''}${m.library ? `ffnn ${m.library} · ` : ''}${m.dtype ?? ''}`;
  return htmlPage({ title: input.title ?? 'ffnn model report', subtitle: sub, sections });
}

function statsLine(items: readonly { label: string; hist: Histogram }[]): string {
  return items.map((it) => `${it.label}: mean ${num(it.hist.mean)}, std ${num(it.hist.std)}, min ${num(it.hist.min)}, max ${num(it.hist.max)}`).join(' · ');
}

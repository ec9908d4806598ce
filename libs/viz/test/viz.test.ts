/** The SVG builders: histogram counts, the network picture's structure and encodings, Vega charts, the HTML page. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  blockStats,
  groupUnits,
  histogram,
  histogramsSpec,
  htmlPage,
  lineChartSpec,
  modelReport,
  modelReportCharts,
  NEGATIVE,
  networkSvg,
  POSITIVE,
  renderSvg,
  summarizeHistory,
  targetSummary,
} from '../src/index.ts';

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

test('histogram: counts every finite value once, edges span min..max, stats are right', () => {
  const h = histogram([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, NaN], { bins: 5 });
  assert.equal(h.counts, [2, 2, 2, 2, 2]);
  assert.is(h.edges.length, 6);
  assert.is(h.edges[0], 0);
  assert.is(h.edges[5], 9);
  assert.is(h.n, 10);
  assert.ok(Math.abs(h.mean - 4.5) < 1e-12);
  assert.ok(Math.abs(h.std - Math.sqrt(8.25)) < 1e-12); // population std of 0..9
  const constant = histogram([0, 0, 0], { bins: 4 }); // zero-initialised weights still get a visible bar
  assert.is(
    constant.counts.reduce((a, b) => a + b, 0),
    3,
  );
  assert.ok(constant.edges[0] < 0 && constant.edges[4] > 0);
});

test('groupUnits and blockStats: a 784-wide layer becomes 10 contiguous groups; edges carry the block mean', () => {
  const g = groupUnits(784, 10);
  assert.is(g.length, 10);
  assert.is(g[0].from, 0);
  assert.is(g[9].to, 784);
  for (let k = 1; k < 10; k++) assert.is(g[k].from, g[k - 1].to);
  assert.is(groupUnits(7, 10).length, 7);
  // 2x2 matrix [[1, -3], [2, 4]] (row-major), block of all: mean 1, mean |w| 2.5
  const s = blockStats([1, -3, 2, 4], 2, { from: 0, to: 2 }, { from: 0, to: 2 });
  assert.is(s.mean, 1);
  assert.is(s.meanAbs, 2.5);
});

function tinyNet(gradients = false) {
  // 3 inputs -> 2 hidden -> 2 outputs; one negative weight per layer
  return {
    layerSizes: [3, 2, 2],
    activations: ['relu', 'softmax'],
    coefs: [
      [0.5, -1, 0.25, 0.1, 2, 0.3],
      [1, -0.5, 0.2, 0.4],
    ],
    intercepts: [
      [0.1, -0.2],
      [0, 0.3],
    ],
    gradients: gradients
      ? [
          [0.01, 0.02, -0.03, 0, 0.5, 0.1],
          [-0.1, 0.1, 0.2, 0.3],
        ]
      : null,
  };
}

test('networkSvg: one node per unit, a bias node per non-output layer, one edge per weight and bias, coloured by sign', () => {
  const svg = networkSvg(tinyNet());
  assert.ok(svg.startsWith('<svg'));
  assert.is(count(svg, /<circle class="node"/g), 7); // 3 + 2 + 2 (legend circle has another class order)
  assert.is(count(svg, /<rect class="bias"/g), 2);
  assert.is(count(svg, /class="edge edge-weight/g), 6 + 4);
  assert.is(count(svg, /class="edge edge-bias/g), 2 + 2);
  assert.is(count(svg, /class="edge edge-weight pos"/g), 8);
  assert.is(count(svg, /class="edge edge-weight neg"/g), 2);
  assert.match(svg, new RegExp(`class="edge edge-weight neg"[^>]*stroke="${NEGATIVE}"`));
  assert.match(svg, new RegExp(`class="edge edge-weight pos"[^>]*stroke="${POSITIVE}"`));
  // the largest |w| of a layer gets the widest edge (0.25 + 3.75)
  assert.match(svg, /stroke="#2166ac" stroke-width="4"[^>]*><title>layer 0 unit\(s\) 3 -&gt; layer 1 unit\(s\) 1/);
  assert.not.match(svg, /panel-gradients/);
});

test('networkSvg: gradients add a second panel; wide layers are summarised into aggregate nodes', () => {
  assert.match(networkSvg(tinyNet(true)), /class="panel panel-gradients"/);
  const sizes = [784, 32, 10];
  const coefs = [Array.from({ length: 784 * 32 }, (_, i) => Math.sin(i)), Array.from({ length: 320 }, (_, i) => Math.cos(i))];
  const svg = networkSvg(
    { layerSizes: sizes, activations: ['relu', 'softmax'], coefs, intercepts: [new Array(32).fill(0.1), new Array(10).fill(-0.1)] },
    { maxNodes: 10 },
  );
  assert.is(count(svg, /<circle class="node aggregate"/g), 10 + 10); // 784 and 32 summarised, the 10 outputs drawn one by one
  assert.is(count(svg, /<circle class="node"/g), 10);
  assert.is(count(svg, /class="edge edge-weight/g), 10 * 10 + 10 * 10);
  assert.match(svg, />1-78</);
  assert.throws(
    () =>
      networkSvg({
        ...tinyNet(),
        coefs: [
          [1, 2],
          [1, 2, 3, 4],
        ],
      }),
    /coefs\[0\] holds 2 values, expected 3 x 2/,
  );
});

test('Vega-Lite specs render to SVG with one mark per point or bin', async () => {
  const spec = lineChartSpec({
    title: 'Loss',
    series: [
      { name: 'train', values: [3, 2, 1] },
      { name: 'val', values: [3.5, 2.5, null] },
    ],
  });
  assert.is((spec.data as { values: unknown[] }).values.length, 5); // null skipped
  const svg = await renderSvg(spec);
  assert.ok(svg.startsWith('<svg'));
  assert.match(svg, /class="mark-line role-mark/);
  assert.match(svg, />Loss</);
  const h = histogram([1, 2, 2, 3, 3, 3], { bins: 3 });
  const hs = await renderSvg(
    histogramsSpec({
      title: 'W',
      items: [
        { label: 'layer 0', hist: h },
        { label: 'layer 1', hist: h },
      ],
    }),
  );
  assert.is(count(hs, /<path[^>]*class="[^"]*"/g) >= 0, true);
  assert.is(count(hs, /role-mark[^"]*"/g) >= 2, true);
  assert.match(hs, />layer 1</);
});

test('summarizeHistory keeps per-epoch histograms and the last gradient; modelReport is one self-contained page', async () => {
  const n = tinyNet();
  const entries = [
    { epoch: 0, loss: NaN, coefs: n.coefs },
    { epoch: 1, loss: 0.9, validationLoss: 1.1, coefs: n.coefs, coefGrads: tinyNet(true).gradients! },
  ];
  const h = summarizeHistory(entries, n.layerSizes, { bins: 8 });
  assert.is(h.epochs.length, 2);
  assert.is(h.epochs[0].loss, null);
  assert.is(
    h.epochs[1].gradients![1].counts.reduce((a, b) => a + b, 0),
    4,
  );
  assert.is(h.lastGradientEpoch, 1);
  assert.equal(h.lastGradients![0], [0.01, 0.02, -0.03, 0, 0.5, 0.1]);
  const model = {
    ...n,
    loss: 'categorical_cross_entropy',
    target: { kind: 'binary', classes: [0, 1] },
    options: { solver: 'sgd' },
    training: { lossCurve: [0.9], validationLossCurve: [1.1], nIter: 1 },
  };
  const html = await modelReport({ model, history: h });
  assert.equal(modelReportCharts({ model, history: h }), ['network', 'loss-curve', 'weight-histograms', 'gradient-histograms', 'spread-by-epoch']);
  for (const c of modelReportCharts({ model, history: h })) assert.match(html, new RegExp(`<figure class="chart" data-chart="${c}"><svg`));
  assert.not.match(html, /(src|href)="https?:/); // nothing fetched from the network
  assert.not.match(html, /<link /);
  const bare = await modelReport({ model });
  assert.match(bare, /no gradient history/);
  assert.equal(modelReportCharts({ model }), ['network', 'loss-curve', 'weight-histograms']);
});

test('a regressor (target continuous, no classes) gets its outputs in the model table, not "0 classes"', async () => {
  const n = tinyNet();
  const model = {
    ...n,
    loss: 'half_squared_error',
    target: { kind: 'continuous', classes: [] },
    options: { solver: 'adam' },
    training: { lossCurve: [0.9, 0.5], validationLossCurve: [], nIter: 2 },
  };
  const k = n.layerSizes[n.layerSizes.length - 1];
  assert.is(targetSummary(model), `continuous (a regressor), ${k} output${k === 1 ? '' : 's'}`);
  assert.is(targetSummary({ ...model, target: { kind: 'multiclass', classes: ['a', 'b', 'c'] } }), 'multiclass, 3 classes (a, b, c)');
  const html = await modelReport({ model });
  assert.match(html, /continuous \(a regressor\)/);
  assert.not.match(html, /classes/);
  assert.equal(modelReportCharts({ model }), ['network', 'loss-curve', 'weight-histograms']);
});

test('htmlPage escapes titles and contains its sections', () => {
  const p = htmlPage({ title: 'a <b> & c', sections: [{ id: 's1', title: 'One', html: '<p>x</p>' }] });
  assert.match(p, /<title>a &lt;b&gt; &amp; c<\/title>/);
  assert.match(p, /<section id="s1"><h2>One<\/h2><p>x<\/p><\/section>/);
});

test.run();

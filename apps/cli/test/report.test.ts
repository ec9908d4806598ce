/**
 * ffnn report in a real headless Chromium (Debian's chromium; bash scripts/setup-chromium.sh
 * installs it): the page is screenshotted and every chart must have rendered. Each chart's box
 * comes from the page's data-rect (CSS pixels, device scale 1); inside it the PNG must hold
 * enough non-background pixels and distinct colours, and the DOM (--dump-dom) must hold the
 * expected SVG elements. Thresholds are far below what a drawn chart has (thousands of ink pixels,
 * dozens of colours) and far above an empty box (0 ink pixels, 1-2 colours).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireChromium, runChromium } from '@ffnn/test-browser';
import { PNG } from 'pngjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'ffnn.mjs');
const dir = mkdtempSync(join(tmpdir(), 'ffnn-report-'));
const ffnn = (...args: string[]) => spawnSync('node', [bin, ...args], { encoding: 'utf8' });
const WIDTH = 1280;
const HEIGHT = 4000;

/** One headless run at the screenshot's size (flags, profile and binary: @ffnn/test-browser). */
function chromium(extra: string[], url: string) {
  const r = runChromium([`--window-size=${WIDTH},${HEIGHT}`, ...extra], url, { timeout: 60_000 });
  assert.is(r.status, 0, `chromium exited ${r.status}: ${r.stderr?.slice(-500)}`);
  return r;
}

interface Chart {
  name: string;
  rect: number[];
  html: string;
}

/** Renders the page: screenshot (decoded) and the DOM after scripts, split into its charts. */
function render(html: string): { png: PNG; charts: Chart[]; dom: string } {
  const shot = join(dirname(html), `${Date.now()}.png`);
  chromium([`--screenshot=${shot}`], `file://${html}`);
  const png = PNG.sync.read(readFileSync(shot));
  const dom = chromium(['--dump-dom'], `file://${html}`).stdout;
  const charts: Chart[] = [];
  const re = /<figure class="chart" data-chart="([^"]+)" data-rect="([^"]+)">([\s\S]*?)<\/figure>/g;
  for (let m = re.exec(dom); m; m = re.exec(dom)) charts.push({ name: m[1], rect: m[2].split(',').map(Number), html: m[3] });
  return { png, charts, dom };
}

/** Ink pixels (not the page's white or grey background) and distinct colours inside a box. */
function inkIn(png: PNG, [x, y, w, h]: number[]): { ink: number; colours: number } {
  const colours = new Set<number>();
  let ink = 0;
  for (let j = Math.max(0, y); j < Math.min(png.height, y + h); j++) {
    for (let i = Math.max(0, x); i < Math.min(png.width, x + w); i++) {
      const k = (j * png.width + i) * 4;
      const [r, g, b] = [png.data[k], png.data[k + 1], png.data[k + 2]];
      colours.add((r << 16) | (g << 8) | b);
      if (r + g + b < 3 * 235) ink++;
    }
  }
  return { ink, colours: colours.size };
}

function checkCharts(page: { png: PNG; charts: Chart[] }, expected: string[]): void {
  assert.equal(
    page.charts.map((c) => c.name),
    expected,
    'charts in the page',
  );
  for (const c of page.charts) {
    const [x, y, w, h] = c.rect;
    assert.ok(w > 100 && h > 80, `${c.name}: box ${c.rect}`);
    assert.ok(x >= 0 && y >= 0 && x + w <= WIDTH && y + h <= HEIGHT, `${c.name}: box ${c.rect} must be inside the ${WIDTH}x${HEIGHT} screenshot`);
    const { ink, colours } = inkIn(page.png, c.rect);
    assert.ok(ink > 1500, `${c.name}: only ${ink} ink pixels: blank?`);
    assert.ok(colours > 12, `${c.name}: only ${colours} colours: blank?`);
  }
}

test('chromium is installed (bash scripts/setup-chromium.sh)', () => {
  requireChromium();
});

test('a report with history: network, loss curves, weight and gradient histograms all render in Chromium', () => {
  const model = join(dir, 'model.json');
  const history = join(dir, 'history.json');
  const html = join(dir, 'report.html');
  const t = ffnn(
    'train',
    '--hidden',
    '24,12',
    '--epochs',
    '4',
    '--train-size',
    '800',
    '--test-size',
    '100',
    '--validation-split',
    '0.2',
    '--out',
    model,
    '--history-out',
    history,
  );
  assert.is(t.status, 0, t.stderr);
  const r = ffnn('report', model, '--history', history, '--out', html, '--json');
  assert.is(r.status, 0, r.stderr);
  const expected = ['network', 'loss-curve', 'weight-histograms', 'gradient-histograms', 'spread-by-epoch'];
  assert.equal(JSON.parse(r.stdout).charts, expected);
  const text = readFileSync(html, 'utf8');
  assert.not.match(text, /(src|href)=["']?https?:/, 'no external resources');
  assert.not.match(text, /@import|url\(http/);

  const page = render(html);
  checkCharts(page, expected);
  const chart = (name: string) => page.charts.find((c) => c.name === name)!.html;
  // the network: 784 inputs summarised into 10 groups, 24 -> 10 groups, 12 -> 10 groups, 10 outputs; 3 bias nodes; two panels
  const net = chart('network');
  const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
  assert.is(count(net, /<circle class="node aggregate"/g), 2 * 30);
  assert.is(count(net, /<circle class="node"/g), 2 * 10);
  assert.is(count(net, /<rect class="bias"/g), 2 * 3);
  assert.ok(count(net, /class="edge edge-weight (pos|neg)"/g) === 2 * (100 + 100 + 100));
  assert.match(net, /class="panel panel-gradients"/);
  // Vega charts: SVG marks of the right kind
  assert.match(chart('loss-curve'), /<svg[^>]*class="marks"/);
  assert.ok(count(chart('loss-curve'), /class="mark-line role-mark/g) >= 1);
  assert.match(chart('loss-curve'), />validation loss</);
  assert.ok(count(chart('weight-histograms'), /class="mark-rect role-mark/g) >= 3, 'one rect mark per layer');
  assert.ok(count(chart('gradient-histograms'), /class="mark-rect role-mark/g) >= 3);
});

test('a report from a model file alone shows what is there and says how to get gradients', () => {
  const model = join(dir, 'model.json');
  const html = join(dir, 'bare.html');
  const r = ffnn('report', model, '--out', html, '--layers', '0,2', '--max-nodes', '6');
  assert.is(r.status, 0, r.stderr);
  const page = render(html);
  checkCharts(page, ['network', 'loss-curve', 'weight-histograms']);
  assert.match(page.dom, /no gradient history/);
  assert.match(page.dom, /layer 2: 12 x 10/);
  assert.not.match(page.dom, /layer 1: 24 x 12/);
  const bad = ffnn('report', model, '--out', html, '--layers', '5');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /--layers: 5 is not a layer of this model/);
  const badHistory = ffnn('report', model, '--out', html, '--history', model);
  assert.is(badHistory.status, 1);
  assert.match(badHistory.stderr, /--history .*model\.json: expected format "ffnn-history"/);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();

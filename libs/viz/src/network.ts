/**
 * The network's structure as hand-written SVG: one column per layer, a bias node ("+1") under
 * every column but the last, and an edge per connection coloured by the sign of the weight
 * (blue +, red -) with its width proportional to |w| (normalised per layer, so every layer is
 * visible whatever its scale). Layers wider than `maxNodes` are summarised: their units are split
 * into `maxNodes` contiguous groups (units 1-98, 99-196, ...), drawn as one aggregate node each;
 * an edge between groups shows the mean weight of the connections it stands for (colour: the sign
 * of the mean; width: the mean |w|).
 *
 * With `gradients`, a second panel draws the same graph from the gradient (same encoding, per
 * layer normalisation), so the picture says where learning happened in the last recorded epoch.
 */
import { esc, num, px } from './svg.ts';

/** A network to draw: layer sizes, activations, weights, biases and optionally gradients. */
export interface NetworkInput {
  layerSizes: readonly number[];
  /** Activation of every non-input layer. */
  activations: readonly string[];
  /** coefs[l]: layerSizes[l] x layerSizes[l+1], row-major. */
  coefs: readonly ArrayLike<number>[];
  intercepts: readonly ArrayLike<number>[];
  /** Weight gradients in the coefs' layout (e.g. the last epoch's), or null. */
  gradients?: readonly ArrayLike<number>[] | null;
  /** Caption for the gradient panel, e.g. "last batch of epoch 10". */
  gradientLabel?: string;
}

/** networkSvg's options: panel width and how many nodes a wide layer is summarised into. */
export interface NetworkSvgOptions {
  /** Layers wider than this are summarised into this many aggregate nodes (default 10). */
  maxNodes?: number;
  /** Panel width (default 760). */
  width?: number;
}

/** Colour of positive weights. */
export const POSITIVE = '#2166ac';
/** Colour of negative weights. */
export const NEGATIVE = '#b2182b';

interface Group {
  from: number;
  to: number; // exclusive
}

/** Contiguous groups of units: one per unit when the layer is small, else maxNodes groups. */
export function groupUnits(n: number, maxNodes: number): Group[] {
  if (n <= maxNodes) return Array.from({ length: n }, (_, i) => ({ from: i, to: i + 1 }));
  return Array.from({ length: maxNodes }, (_, k) => ({ from: Math.floor((k * n) / maxNodes), to: Math.floor(((k + 1) * n) / maxNodes) }));
}

/** Mean and mean |.| of the block of a fanIn x fanOut matrix covered by two groups. */
export function blockStats(m: ArrayLike<number>, fanOut: number, a: Group, b: Group): { mean: number; meanAbs: number } {
  let s = 0;
  let sa = 0;
  for (let i = a.from; i < a.to; i++) {
    for (let j = b.from; j < b.to; j++) {
      const v = m[i * fanOut + j];
      s += v;
      sa += Math.abs(v);
    }
  }
  const count = (a.to - a.from) * (b.to - b.from);
  return { mean: s / count, meanAbs: sa / count };
}

const groupLabel = (g: Group) => (g.to - g.from === 1 ? String(g.from + 1) : `${g.from + 1}-${g.to}`);

function layerTitle(l: number, L: number, size: number, act: string | undefined): string {
  if (l === 0) return `input ${size}`;
  if (l === L) return `output ${size} (${act})`;
  return `hidden ${l}: ${size} (${act})`;
}

/** One panel (weights or gradients) as an SVG <g>; returns the markup and its height. */
function panel(
  net: NetworkInput,
  matrices: readonly ArrayLike<number>[],
  biases: readonly ArrayLike<number>[] | null,
  kind: 'weights' | 'gradients',
  title: string,
  o: Required<NetworkSvgOptions>,
  top: number,
): { svg: string; height: number } {
  const sizes = net.layerSizes;
  const L = sizes.length - 1;
  const groups = sizes.map((n) => groupUnits(n, o.maxNodes));
  const rowH = 30;
  const rowsMax = Math.max(...groups.map((g, l) => g.length + (l < L ? 1 : 0)));
  const headH = 46;
  const height = headH + rowsMax * rowH + 20;
  const left = 70;
  const colW = L > 0 ? (o.width - 2 * left) / L : 0;
  const x = (l: number) => left + l * colW;
  // nodes centred vertically in each column; the bias node sits one row below the last unit
  const y = (l: number, k: number) => {
    const count = groups[l].length + (l < L ? 1 : 0);
    return top + headH + (rowsMax - count) * (rowH / 2) + k * rowH + rowH / 2;
  };
  const parts: string[] = [`<g class="panel panel-${kind}" data-kind="${kind}">`];
  parts.push(`<text class="panel-title" x="${px(o.width / 2)}" y="${px(top + 16)}" text-anchor="middle">${esc(title)}</text>`);
  // edges first so nodes cover their ends
  parts.push('<g class="edges">');
  for (let l = 0; l < L; l++) {
    const m = matrices[l];
    const fanOut = sizes[l + 1];
    const stats: { a: number; b: number; mean: number; meanAbs: number }[] = [];
    groups[l].forEach((ga, a) => groups[l + 1].forEach((gb, b) => stats.push({ a, b, ...blockStats(m, fanOut, ga, gb) })));
    const biasStats: { b: number; mean: number; meanAbs: number }[] = [];
    if (biases) {
      groups[l + 1].forEach((gb, b) => {
        let s = 0;
        let sa = 0;
        for (let j = gb.from; j < gb.to; j++) {
          s += biases[l][j];
          sa += Math.abs(biases[l][j]);
        }
        biasStats.push({ b, mean: s / (gb.to - gb.from), meanAbs: sa / (gb.to - gb.from) });
      });
    }
    const maxAbs = Math.max(1e-300, ...stats.map((s) => s.meanAbs), ...biasStats.map((s) => s.meanAbs));
    const edge = (x1: number, y1: number, x2: number, y2: number, mean: number, meanAbs: number, cls: string, tip: string) => {
      const w = 0.25 + 3.75 * (meanAbs / maxAbs);
      const sign = mean >= 0 ? 'pos' : 'neg';
      const colour = mean >= 0 ? POSITIVE : NEGATIVE;
      const opacity = 0.25 + 0.6 * (meanAbs / maxAbs);
      parts.push(
        `<line class="edge ${cls} ${sign}" x1="${px(x1)}" y1="${px(y1)}" x2="${px(x2)}" y2="${px(y2)}" stroke="${colour}" stroke-width="${px(w)}" stroke-opacity="${px(opacity)}"><title>${esc(tip)}</title></line>`,
      );
    };
    for (const s of stats) {
      const tip = `layer ${l} unit(s) ${groupLabel(groups[l][s.a])} -> layer ${l + 1} unit(s) ${groupLabel(groups[l + 1][s.b])}: mean ${num(s.mean)}, mean |${kind === 'weights' ? 'w' : 'g'}| ${num(s.meanAbs)}`;
      edge(x(l), y(l, s.a), x(l + 1), y(l + 1, s.b), s.mean, s.meanAbs, 'edge-weight', tip);
    }
    for (const s of biasStats) {
      edge(
        x(l),
        y(l, groups[l].length),
        x(l + 1),
        y(l + 1, s.b),
        s.mean,
        s.meanAbs,
        'edge-bias',
        `bias -> layer ${l + 1} unit(s) ${groupLabel(groups[l + 1][s.b])}: mean ${num(s.mean)}`,
      );
    }
  }
  parts.push('</g><g class="nodes">');
  for (let l = 0; l <= L; l++) {
    const aggregated = sizes[l] > o.maxNodes;
    parts.push(
      `<text class="layer-title" x="${px(x(l))}" y="${px(top + 38)}" text-anchor="middle">${esc(layerTitle(l, L, sizes[l], net.activations[l - 1]))}</text>`,
    );
    groups[l].forEach((g, k) => {
      const cx = x(l);
      const cy = y(l, k);
      const cls = aggregated ? 'node aggregate' : 'node';
      const r = aggregated ? 10 : 8;
      parts.push(`<circle class="${cls}" cx="${px(cx)}" cy="${px(cy)}" r="${r}"><title>layer ${l} unit(s) ${esc(groupLabel(g))}</title></circle>`);
      if (aggregated) parts.push(`<text class="node-label" x="${px(cx - 14)}" y="${px(cy + 4)}" text-anchor="end">${esc(groupLabel(g))}</text>`);
    });
    if (l < L) {
      const cy = y(l, groups[l].length);
      parts.push(`<rect class="bias" x="${px(x(l) - 9)}" y="${px(cy - 9)}" width="18" height="18" rx="3"><title>bias of layer ${l + 1}</title></rect>`);
      parts.push(`<text class="bias-label" x="${px(x(l))}" y="${px(cy + 4)}" text-anchor="middle">+1</text>`);
    }
  }
  parts.push('</g></g>');
  return { svg: parts.join(''), height };
}

/** The full picture: the weights panel, then (with gradients) the gradient panel, then a legend. */
export function networkSvg(net: NetworkInput, options: NetworkSvgOptions = {}): string {
  const o: Required<NetworkSvgOptions> = { maxNodes: options.maxNodes ?? 10, width: options.width ?? 760 };
  const L = net.layerSizes.length - 1;
  if (L < 1 || net.coefs.length !== L || net.intercepts.length !== L) {
    throw new Error(`networkSvg: expected ${Math.max(L, 0)} weight matrices and bias vectors for layer sizes [${net.layerSizes.join(', ')}]`);
  }
  for (let l = 0; l < L; l++) {
    if (net.coefs[l].length !== net.layerSizes[l] * net.layerSizes[l + 1]) {
      throw new Error(`networkSvg: coefs[${l}] holds ${net.coefs[l].length} values, expected ${net.layerSizes[l]} x ${net.layerSizes[l + 1]}`);
    }
  }
  const w = panel(net, net.coefs, net.intercepts, 'weights', 'weights (width ~ |w|, per layer)', o, 0);
  let body = w.svg;
  let height = w.height;
  if (net.gradients) {
    const g = panel(
      net,
      net.gradients,
      null,
      'gradients',
      `gradients, ${net.gradientLabel ?? 'last recorded'} (width ~ |dL/dw|, per layer; biases not recorded)`,
      o,
      height,
    );
    body += g.svg;
    height += g.height;
  }
  const ly = height + 8;
  const legend =
    `<g class="legend">` +
    `<line x1="20" y1="${ly}" x2="50" y2="${ly}" stroke="${POSITIVE}" stroke-width="3"/><text x="56" y="${ly + 4}">positive</text>` +
    `<line x1="130" y1="${ly}" x2="160" y2="${ly}" stroke="${NEGATIVE}" stroke-width="3"/><text x="166" y="${ly + 4}">negative</text>` +
    `<circle cx="250" cy="${ly}" r="8" class="node aggregate"/><text x="264" y="${ly + 4}">group of units (mean over the group's connections)</text>` +
    `<rect x="600" y="${ly - 9}" width="18" height="18" rx="3" class="bias"/><text x="624" y="${ly + 4}">bias</text></g>`;
  height += 24;
  const style =
    `<style>.network text{font:12px sans-serif;fill:#222}.network .panel-title{font-weight:bold;font-size:13px}` +
    `.network .node{fill:#fff;stroke:#333;stroke-width:1.5}.network .node.aggregate{fill:#e8e8e8}` +
    `.network .bias{fill:#ffe9a8;stroke:#8a6d00;stroke-width:1.2}.network .node-label,.network .bias-label{font-size:10px}.network .node-label{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}</style>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" class="network" width="${o.width}" height="${px(height)}" viewBox="0 0 ${o.width} ${px(height)}" role="img"><title>network structure ${esc(net.layerSizes.join('-'))}</title>${style}<rect class="background" width="100%" height="100%" fill="#fff"/>${body}${legend}</svg>`;
}

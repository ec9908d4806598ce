/**
 * The options form, generated from @ffnn/core's OPTIONS table: every select lists the values the
 * table accepts (each candidate is checked with the table's own `valid`), every default is the
 * table's unless the page starts from the CLI's main job (PAGE_DEFAULTS). Hidden layers are rows
 * of (width, activation): the row count is the depth.
 */
import { ACTIVATION_ALIASES, INIT_METHODS, LOSS_ALIASES, OPTIONS } from '@ffnn/core';
import type { TrainOptions } from './protocol.ts';

type OptionName = keyof typeof OPTIONS;

/** Where the page starts: the CLI's main job (`ffnn train`'s defaults), 10 epochs. */
export const PAGE_DEFAULTS: TrainOptions = {
  hiddenLayerSizes: [128, 64],
  activation: 'relu',
  solver: 'sgd',
  learningRateInit: 0.1,
  momentum: 0.9,
  batchSize: 200,
  maxIter: 10,
  randomState: 0,
};

/** The options the form shows besides the hidden layers, in order, with a label each. */
export const FIELDS: readonly { name: OptionName; label: string }[] = [
  { name: 'solver', label: 'solver' },
  { name: 'learningRateInit', label: 'learning rate' },
  { name: 'learningRate', label: 'schedule (sgd)' },
  { name: 'momentum', label: 'momentum (sgd)' },
  { name: 'init', label: 'init method' },
  { name: 'alpha', label: 'L2 (alpha)' },
  { name: 'l1', label: 'L1' },
  { name: 'batchSize', label: 'batch size' },
  { name: 'maxIter', label: 'epochs' },
  { name: 'loss', label: 'loss' },
  { name: 'outputActivation', label: 'output activation' },
  { name: 'dtype', label: 'dtype' },
  { name: 'randomState', label: 'seed' },
];

/** The most hidden layers the form offers. */
export const MAX_DEPTH = 6;

/**
 * The string values `name` accepts: every quoted word of the table's `expected` text and every
 * activation, loss and init name, kept when the table's `valid` accepts it. The classifier's
 * losses leave out the regressor's (a classifier refuses 'poisson' when it fits).
 */
export function choices(name: OptionName): string[] {
  const spec = OPTIONS[name];
  const quoted = [...spec.expected.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  const vocabulary = new Set([...quoted, ...Object.keys(ACTIVATION_ALIASES), ...Object.keys(LOSS_ALIASES), ...Object.keys(INIT_METHODS)]);
  return [...vocabulary].filter((v) => spec.valid(v) && !(name === 'loss' && LOSS_ALIASES[v] === 'half_poisson_deviance'));
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
};

function select(id: string, values: readonly string[], value: string): HTMLSelectElement {
  const s = el('select', { id, name: id });
  for (const v of values) s.append(el('option', { value: v }, v));
  s.value = value;
  return s;
}

const defaultOf = (name: OptionName): unknown => PAGE_DEFAULTS[name as keyof TrainOptions] ?? OPTIONS[name].default;

/** Builds the form into `root`; returns a reader of the chosen options. */
export function buildForm(root: HTMLElement): () => TrainOptions {
  const layers = el('fieldset', { id: 'layers' });
  layers.append(el('legend', {}, 'hidden layers (input 784, output 10)'));
  const depthRow = el('label', {}, 'depth ');
  const sizes = PAGE_DEFAULTS.hiddenLayerSizes as number[];
  const depth = select(
    'depth',
    Array.from({ length: MAX_DEPTH + 1 }, (_, i) => String(i)),
    String(sizes.length),
  );
  depthRow.append(depth);
  const rows = el('div', { id: 'layer-rows' });
  layers.append(depthRow, rows);
  const activations = choices('activation');
  const addRow = (i: number, width: number, activation: string) => {
    const row = el('div', { class: 'layer-row', 'data-layer': String(i) });
    const w = el('input', { type: 'number', min: '1', step: '1', id: `width-${i}`, value: String(width) });
    row.append(el('span', {}, `layer ${i + 1}: width `), w, el('span', {}, ' activation '), select(`activation-${i}`, activations, activation));
    rows.append(row);
  };
  const syncRows = () => {
    const n = Number(depth.value);
    while (rows.children.length > n) rows.lastElementChild!.remove();
    for (let i = rows.children.length; i < n; i++) addRow(i, sizes[i] ?? sizes.at(-1) ?? 32, String(PAGE_DEFAULTS.activation));
  };
  depth.addEventListener('change', syncRows);
  syncRows();

  const grid = el('div', { class: 'grid' });
  for (const f of FIELDS) {
    const label = el('label', { title: `${f.name}: ${OPTIONS[f.name].expected}` }, `${f.label} `);
    const values = choices(f.name);
    const value = defaultOf(f.name);
    // batchSize: 'auto' or a number, so a number input that takes 'auto' when empty
    if (values.length > 1 && f.name !== 'batchSize') label.append(select(f.name, values, String(value)));
    else label.append(el('input', { id: f.name, name: f.name, type: 'text', inputmode: 'decimal', value: value === null ? '' : String(value) }));
    grid.append(label);
  }
  root.append(layers, grid);

  return () => {
    const out: Record<string, unknown> = {};
    const n = Number(depth.value);
    out.hiddenLayerSizes = Array.from({ length: n }, (_, i) => Number((document.getElementById(`width-${i}`) as HTMLInputElement).value));
    // one activation per layer; sklearn's single string when there is no hidden layer
    out.activation = n ? Array.from({ length: n }, (_, i) => (document.getElementById(`activation-${i}`) as HTMLSelectElement).value) : 'relu';
    for (const f of FIELDS) {
      const input = document.getElementById(f.name) as HTMLInputElement | HTMLSelectElement;
      out[f.name] = parseValue(f.name, input.value);
    }
    return out as TrainOptions;
  };
}

/** A form string as the option's type: a listed value as is, numbers as numbers, '' as null (seed) or 'auto' (batch size). */
function parseValue(name: OptionName, text: string): unknown {
  const t = text.trim();
  const listed = choices(name);
  if (listed.length > 1 || listed.includes(t)) return t;
  if (t === '') return name === 'batchSize' ? 'auto' : null;
  // anything else is passed as typed: the worker's fit names the option if it is invalid
  return Number.isNaN(Number(t)) ? t : Number(t);
}

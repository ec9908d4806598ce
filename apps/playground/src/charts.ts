/**
 * The live pictures, all from @ffnn/viz, rendered to SVG strings in the view worker (vega's
 * compile and render take hundreds of milliseconds, too long for the page's thread): the loss
 * curves, per-layer weight and gradient histograms, and the network drawing with its gradient
 * panel. The page only puts the strings in place.
 */
import { histogram, histogramsSpec, lineChartSpec, networkSvg, renderSvg, type Series } from '@ffnn/viz';

/** What the pictures show. */
export interface Snapshot {
  /** The epoch the pictures show (the file's epoch count for a loaded model). */
  epoch: number;
  loss: readonly number[];
  validationLoss: readonly (number | null)[];
  layerSizes: readonly number[];
  activations: readonly string[];
  coefs: readonly ArrayLike<number>[];
  intercepts: readonly ArrayLike<number>[];
  /** Weight gradients of the epoch's last batch (null for a loaded model: files do not keep them). */
  gradients: readonly ArrayLike<number>[] | null;
}

/** The charts as SVG markup; '' where there is nothing to draw. */
export interface Charts {
  loss: string;
  weights: string;
  gradients: string;
  network: string;
}

export const CHART_NAMES = ['loss', 'weights', 'gradients', 'network'] as const;

const layerLabel = (l: number, sizes: readonly number[]) => `layer ${l + 1}: ${sizes[l]} x ${sizes[l + 1]}`;

/**
 * Renders every chart of a snapshot. `between` runs after each chart (the view worker yields
 * there, so predictions are not held up by a whole render).
 */
export async function renderCharts(s: Snapshot, between: () => Promise<void> = async () => {}): Promise<Charts> {
  const series: Series[] = [{ name: 'training loss', values: s.loss }];
  if (s.validationLoss.some((v) => v !== null)) series.push({ name: 'validation loss', values: s.validationLoss });
  const items = (arrays: readonly ArrayLike<number>[]) => arrays.map((a, l) => ({ label: layerLabel(l, s.layerSizes), hist: histogram(a, { bins: 30 }) }));
  const out: Charts = { loss: '', weights: '', gradients: '', network: '' };
  out.network = networkSvg({
    layerSizes: s.layerSizes,
    activations: s.activations,
    coefs: s.coefs,
    intercepts: s.intercepts,
    gradients: s.gradients,
    gradientLabel: `last batch of epoch ${s.epoch}`,
  });
  await between();
  if (s.loss.length) out.loss = await renderSvg(lineChartSpec({ title: 'loss per epoch', series, width: 420, height: 200 }));
  await between();
  out.weights = await renderSvg(histogramsSpec({ title: 'weights per layer', items: items(s.coefs), columns: 3, width: 180, height: 100 }));
  await between();
  if (s.gradients) {
    out.gradients = await renderSvg(
      histogramsSpec({ title: "gradients of the epoch's last batch", items: items(s.gradients), color: '#e45756', columns: 3, width: 180, height: 100 }),
    );
  }
  return out;
}

/** What an empty chart says. */
export const EMPTY: Charts = {
  loss: 'no loss curve: this model has no recorded epochs',
  weights: '',
  gradients: 'no gradients: a model file does not keep them (train here to see them)',
  network: '',
};

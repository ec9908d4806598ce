/**
 * The live pictures, all from @ffnn/viz: the loss curves (Vega-Lite rendered to SVG by vega in
 * the page), the network drawing with its gradient panel, and per-layer weight and gradient
 * histograms. Rendering is asynchronous and coalesced: when epochs arrive faster than the charts
 * draw, only the newest is drawn.
 */
import { histogram, histogramsSpec, lineChartSpec, networkSvg, renderSvg, type Series } from '@ffnn/viz';

export interface Snapshot {
  /** The epoch the pictures show (0 for a loaded model without a training run here). */
  epoch: number;
  loss: readonly number[];
  validationLoss: readonly (number | null)[];
  layerSizes: readonly number[];
  activations: readonly string[];
  coefs: readonly ArrayLike<number>[];
  intercepts: readonly ArrayLike<number>[];
  gradients: readonly ArrayLike<number>[] | null;
}

export interface ChartTargets {
  loss: HTMLElement;
  network: HTMLElement;
  weights: HTMLElement;
  gradients: HTMLElement;
}

const layerLabel = (l: number, sizes: readonly number[]) => `layer ${l + 1}: ${sizes[l]} x ${sizes[l + 1]}`;

/** Draws a snapshot into the targets; each target gets data-epoch once it shows that epoch. */
export async function drawSnapshot(t: ChartTargets, s: Snapshot): Promise<void> {
  const series: Series[] = [{ name: 'training loss', values: s.loss }];
  if (s.validationLoss.some((v) => v !== null)) series.push({ name: 'validation loss', values: s.validationLoss });
  const items = (arrays: readonly ArrayLike<number>[]) => arrays.map((a, l) => ({ label: layerLabel(l, s.layerSizes), hist: histogram(a, { bins: 30 }) }));
  const [loss, weights, gradients] = await Promise.all([
    s.loss.length ? renderSvg(lineChartSpec({ title: 'loss per epoch', series, width: 420, height: 200 })) : Promise.resolve(''),
    renderSvg(histogramsSpec({ title: 'weights per layer', items: items(s.coefs), columns: 3, width: 180, height: 100 })),
    s.gradients
      ? renderSvg(
          histogramsSpec({ title: "gradients of the epoch's last batch", items: items(s.gradients), color: '#e45756', columns: 3, width: 180, height: 100 }),
        )
      : Promise.resolve(''),
  ]);
  const network = networkSvg({
    layerSizes: s.layerSizes,
    activations: s.activations,
    coefs: s.coefs,
    intercepts: s.intercepts,
    gradients: s.gradients,
    gradientLabel: `last batch of epoch ${s.epoch}`,
  });
  const put = (e: HTMLElement, html: string, empty: string) => {
    e.innerHTML = html || `<p class="empty">${empty}</p>`;
    e.dataset.epoch = String(s.epoch);
  };
  put(t.loss, loss, 'no loss curve: this model was not trained on this page');
  put(t.network, network, '');
  put(t.weights, weights, '');
  put(t.gradients, gradients, 'no gradients: this model was not trained on this page');
}

/** Runs drawSnapshot for the newest snapshot only, one draw at a time. */
export function coalescingDrawer(t: ChartTargets, onError: (err: unknown) => void): (s: Snapshot) => void {
  let pending: Snapshot | null = null;
  let busy = false;
  const pump = async () => {
    busy = true;
    while (pending) {
      const s = pending;
      pending = null;
      try {
        await drawSnapshot(t, s);
      } catch (err) {
        onError(err);
      }
    }
    busy = false;
  };
  return (s) => {
    pending = s;
    if (!busy) void pump();
  };
}

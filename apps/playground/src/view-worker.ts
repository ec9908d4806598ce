/**
 * The view worker: holds the page's current model (from a training epoch or a loaded file), renders
 * its charts and predicts the drawing, so the page's thread only puts results in place. A render
 * under way finishes; models that arrive meanwhile are skipped but for the newest (epochs can come
 * faster than vega draws). Predictions are answered between the charts of a render.
 */
import { FFNNClassifier } from '@ffnn/core';
import { renderCharts, type Snapshot } from './charts.ts';
import type { FromView, ToView } from './protocol.ts';

interface WorkerScope {
  postMessage(message: FromView): void;
  onmessage: ((event: MessageEvent<ToView>) => void) | null;
}
const scope = self as unknown as WorkerScope;
const post = (message: FromView) => scope.postMessage(message);

/** The inputs the page's drawing pad gives (MNIST's 28 x 28). */
const FEATURES = 784;

let current: { id: number; clf: FFNNClassifier; classes: string[] } | null = null;
let pending: Extract<ToView, { type: 'model' }> | null = null;
let rendering = false;

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

scope.onmessage = (event) => {
  const m = event.data;
  if (m.type === 'predict') predict(m.id, m.pixels);
  else {
    pending = m;
    if (!rendering) void pump();
  }
};

function predict(id: number, pixels: Float64Array): void {
  if (!current) return;
  const probs = current.clf.predictProba({ rows: 1, cols: pixels.length, data: pixels }).data;
  post({ type: 'probs', id, model: current.id, classes: current.classes, probs: Array.from(probs) });
}

async function pump(): Promise<void> {
  rendering = true;
  try {
    // let messages already queued (a newer epoch, a prediction) in before starting
    await tick();
    while (pending) {
      const m = pending;
      pending = null;
      await show(m);
    }
  } catch (err) {
    post({ type: 'error', message: String((err as Error)?.message ?? err) });
  } finally {
    rendering = false;
  }
}

async function show(m: Extract<ToView, { type: 'model' }>): Promise<void> {
  let clf: FFNNClassifier;
  try {
    clf = FFNNClassifier.fromBytes(m.bytes);
    if (clf.nFeaturesIn !== FEATURES) throw new Error(`this model takes ${clf.nFeaturesIn} inputs; the pad gives MNIST's ${FEATURES}`);
  } catch (err) {
    post({ type: 'model-error', id: m.id, name: m.name, message: String((err as Error)?.message ?? err) });
    return;
  }
  current = { id: m.id, clf, classes: clf.classes.map(String) };
  post({
    type: 'model',
    id: m.id,
    name: m.name,
    summary: `${clf.layerSizes.join('-')} (${clf.layerActivations.join(', ')}), ${clf.nIter} epochs, ${m.name}`,
    epochs: clf.nIter,
  });
  const snapshot: Snapshot = {
    epoch: m.run?.epoch ?? clf.nIter,
    loss: m.run?.loss ?? clf.lossCurve,
    validationLoss: m.run?.validationLoss ?? clf.validationLossCurve,
    layerSizes: clf.layerSizes,
    activations: clf.layerActivations,
    coefs: clf.coefs.map((c) => c.data),
    intercepts: clf.intercepts,
    // none when the solver recorded none (or for a file)
    gradients: m.run?.gradients.length ? m.run.gradients : null,
  };
  // between charts: answer the predictions that came in
  const charts = await renderCharts(snapshot, tick);
  post({ type: 'charts', id: m.id, epoch: snapshot.epoch, charts });
}

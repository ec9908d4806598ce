/**
 * A compact summary of a training history, small enough to keep beside a model file
 * (`ffnn train --history-out FILE`): per epoch and per layer, a histogram of the weights and of
 * the weight gradients (the epoch's last batch), plus the last recorded gradient in full so the
 * network picture can show a gradient per edge. Format "ffnn-history", version 1.
 */
import { type Histogram, histogram } from './histogram.ts';

/** The `format` field of a history summary file. */
export const HISTORY_FORMAT = 'ffnn-history';
/** The version of the history summary format. */
export const HISTORY_VERSION = 1;

/** The structural shape of ffnn's HistoryEntry (no import of @ffnn/core needed). */
export interface HistoryEntryLike {
  epoch: number;
  loss: number;
  validationLoss?: number;
  coefs?: ArrayLike<number>[];
  coefGrads?: ArrayLike<number>[];
}

/** One epoch of a history summary: per-layer weight and gradient histograms. */
export interface EpochSummary {
  epoch: number;
  loss: number | null;
  validationLoss: number | null;
  /** One histogram per layer (coefs[l]); absent when weights were not recorded. */
  weights: Histogram[] | null;
  /** One histogram per layer (coefGrads[l]); absent for epoch 0 and when gradients were not recorded. */
  gradients: Histogram[] | null;
}

/** A compact training history (what `ffnn train --history-out` writes and `ffnn report --history` reads). */
export interface HistorySummary {
  format: typeof HISTORY_FORMAT;
  version: number;
  layerSizes: number[];
  bins: number;
  epochs: EpochSummary[];
  /** The last recorded weight gradients, fanIn x fanOut row-major per layer (6 significant digits). */
  lastGradients: number[][] | null;
  lastGradientEpoch: number | null;
}

const round6 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : 0);
const finiteOrNull = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);

/**
 * Builds a summary one history entry at a time, so a long run need not keep every epoch's weights:
 * `add` each entry as training records it (the caller may then drop its arrays), `result` at the end.
 */
export function historySummarizer(layerSizes: readonly number[], opts: { bins?: number } = {}) {
  const bins = opts.bins ?? 30;
  const epochs: EpochSummary[] = [];
  let lastGradients: number[][] | null = null;
  let lastGradientEpoch: number | null = null;
  return {
    /** Adds one epoch's history entry. */
    add(e: HistoryEntryLike): void {
      if (e.coefGrads) {
        lastGradients = e.coefGrads.map((g) => Array.from(g, round6));
        lastGradientEpoch = e.epoch;
      }
      epochs.push({
        epoch: e.epoch,
        loss: finiteOrNull(e.loss),
        validationLoss: finiteOrNull(e.validationLoss),
        weights: e.coefs ? e.coefs.map((c) => histogram(c, { bins })) : null,
        gradients: e.coefGrads ? e.coefGrads.map((g) => histogram(g, { bins })) : null,
      });
    },
    /** The summary of every epoch added so far. */
    result(): HistorySummary {
      return { format: HISTORY_FORMAT, version: HISTORY_VERSION, layerSizes: [...layerSizes], bins, epochs: [...epochs], lastGradients, lastGradientEpoch };
    },
  };
}

/** Summarises a model's per-epoch history into histograms per layer (bins: 30 unless given). */
export function summarizeHistory(entries: readonly HistoryEntryLike[], layerSizes: readonly number[], opts: { bins?: number } = {}): HistorySummary {
  const summary = historySummarizer(layerSizes, opts);
  for (const e of entries) summary.add(e);
  return summary.result();
}

/** Checks a parsed sidecar file; throws an Error naming what is wrong. */
export function checkHistorySummary(json: unknown, name = 'history file'): HistorySummary {
  const h = json as Partial<HistorySummary> | null;
  if (!h || typeof h !== 'object') throw new Error(`${name}: expected a JSON object`);
  if (h.format !== HISTORY_FORMAT) throw new Error(`${name}: expected format "${HISTORY_FORMAT}", got ${JSON.stringify(h.format)}`);
  if (h.version !== HISTORY_VERSION) throw new Error(`${name}: unsupported version ${JSON.stringify(h.version)}`);
  if (!Array.isArray(h.layerSizes) || !Array.isArray(h.epochs)) throw new Error(`${name}: layerSizes and epochs must be arrays`);
  return h as HistorySummary;
}

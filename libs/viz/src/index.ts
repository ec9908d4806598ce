/**
 * @ffnn/viz: pictures of ffnn models. Depends on vega/vega-lite; @ffnn/core does not depend on it.
 * @module @ffnn/viz
 */

export { histogramsSpec, lineChartSpec, renderSvg, type Series, type VlSpec } from './charts.ts';
export { concatValues, type Histogram, histogram } from './histogram.ts';
export {
  checkHistorySummary,
  type EpochSummary,
  HISTORY_FORMAT,
  HISTORY_VERSION,
  type HistoryEntryLike,
  type HistorySummary,
  historySummarizer,
  summarizeHistory,
} from './history.ts';
export { blockStats, groupUnits, NEGATIVE, type NetworkInput, type NetworkSvgOptions, networkSvg, POSITIVE } from './network.ts';
export { figure, htmlPage, type ModelLike, type ModelReportInput, modelReport, modelReportCharts, note, type Section, table, targetSummary } from './report.ts';
export { esc, num } from './svg.ts';

/**
 * @ffnn/viz: pictures of ffnn models. Depends on vega/vega-lite; @ffnn/core does not depend on it.
 * @module @ffnn/viz
 */
export { histogram, concatValues, type Histogram } from './histogram.ts';
export { networkSvg, groupUnits, blockStats, POSITIVE, NEGATIVE, type NetworkInput, type NetworkSvgOptions } from './network.ts';
export { lineChartSpec, histogramsSpec, renderSvg, type Series, type VlSpec } from './charts.ts';
export { summarizeHistory, historySummarizer, checkHistorySummary, HISTORY_FORMAT, HISTORY_VERSION, type HistorySummary, type EpochSummary, type HistoryEntryLike } from './history.ts';
export { htmlPage, figure, note, table, modelReport, modelReportCharts, targetSummary, type Section, type ModelLike, type ModelReportInput } from './report.ts';
export { esc, num } from './svg.ts';

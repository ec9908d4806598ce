/**
 * Upper bounds on the CLI's size flags, checked before anything is allocated: beyond them a
 * picture or summary says nothing more and only costs memory (`--history-bins 1e9` once grew to
 * 7 GB before it was killed).
 */
/** Histogram bins per layer and epoch (train --history-bins, report --bins). */
export const MAX_HISTORY_BINS = 1000;
/** Groups a wide layer is summarised into in the network picture (report --max-nodes). */
export const MAX_REPORT_NODES = 1000;

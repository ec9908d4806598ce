/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP during a long command: the first one aborts an
 * AbortController, which training checks at the end of every batch, so `ffnn train` stops
 * cleanly, says so, saves nothing partial and exits 128 + the signal's number. A second signal
 * exits at once (the atomic writer's exit hook still removes its temporary file). Ctrl-C in a
 * terminal reaches this process twice, once from the terminal and once forwarded by the bin
 * wrapper, so a repeat within REPEAT_GRACE_MS of the first is the same keypress, not a second.
 */
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const REPEAT_GRACE_MS = 300;
export type StopSignal = (typeof SIGNALS)[number];

export interface Interrupt {
  signal: AbortSignal;
  /** The signal that arrived, or null. */
  received(): StopSignal | null;
  /** The exit code for it: 128 + its number (130 for SIGINT, 143 for SIGTERM). */
  exitCode(): number;
  dispose(): void;
}

export function catchInterrupts(onFirst: (sig: StopSignal) => void): Interrupt {
  const controller = new AbortController();
  let got: StopSignal | null = null;
  let firstAt = 0;
  const code = (sig: StopSignal) => 128 + constants.signals[sig];
  const handler = (sig: StopSignal) => {
    if (got) {
      if (Date.now() - firstAt < REPEAT_GRACE_MS) return;
      process.exit(code(sig));
    }
    got = sig;
    firstAt = Date.now();
    onFirst(sig);
    controller.abort();
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: controller.signal,
    received: () => got,
    exitCode: () => (got ? code(got) : 0),
    dispose: () => {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}

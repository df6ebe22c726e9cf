/** What a bench child reports when asked (`process.send`): drift samples since the last ask, and counters. */
export interface BenchSample {
  drift: number[];
  started: number;
  monitors: number;
  skipped: number;
  /** Results the API acknowledged as stored (agents only). */
  acked: number;
}

/** Answers every `sample` request from the parent bench with the current sample. */
export function answerBench(sample: () => BenchSample): void {
  process.on('message', (message: { cmd?: string; id?: number }) => {
    if (message.cmd === 'sample') process.send?.({ id: message.id, sample: sample() });
  });
  process.send?.({ ready: true });
}

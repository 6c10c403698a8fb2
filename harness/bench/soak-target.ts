// What the soak bench drives: a system under churn that can be quieted and sampled.

/** One sample: per process (`toxiproxy`, `gateway`, …), per metric, a value in the metric's unit. */
export type Sample = Record<string, Partial<Record<SoakMetric, number>>>;

export const soakMetrics = ['rss', 'heap', 'fds', 'handles', 'loopP99'] as const;
export type SoakMetric = (typeof soakMetrics)[number];

export interface SoakTarget {
  name: string;
  /** Quiets the churn (faults removed, in-flight requests done), samples every process, resumes. */
  sample(): Promise<Sample>;
  /** What the churn has done so far, for the progress line. */
  activity(): string;
  stop(): Promise<void>;
}

// Powertools Logger and Metrics write to the global console when POWERTOOLS_DEV is set; tests read
// what they wrote from there. Set the variables before any Logger or Metrics is created.
process.env.POWERTOOLS_DEV = 'true';
process.env.POWERTOOLS_METRICS_DISABLED = 'false';

export interface Telemetry {
  /** Log entries (Powertools Logger JSON), in order. */
  readonly logs: Record<string, unknown>[];
  /** Metric documents (CloudWatch embedded metric format), in order. */
  readonly metrics: Record<string, unknown>[];
  /** Every metric name → the sum of its values. */
  counts(): Record<string, number>;
}

/** Captures the handler's logs and metrics for the current test; call in beforeEach. */
export function captureTelemetry(): Telemetry {
  const logs: Record<string, unknown>[] = [];
  const metrics: Record<string, unknown>[] = [];
  const sink = (...args: unknown[]) => {
    const text = args[0];
    if (typeof text !== 'string') return;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    if (parsed._aws) metrics.push(parsed);
    else logs.push(parsed);
  };
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation(sink);
  }
  return {
    logs,
    metrics,
    counts() {
      const out: Record<string, number> = {};
      for (const m of metrics) {
        const defs = (m._aws as { CloudWatchMetrics: { Metrics: { Name: string }[] }[] }).CloudWatchMetrics;
        for (const d of defs) for (const { Name } of d.Metrics) out[Name] = (out[Name] ?? 0) + Number(m[Name]);
      }
      return out;
    },
  };
}

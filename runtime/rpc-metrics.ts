import { Counter, Histogram, type Registry } from 'prom-client';

/** Per-method request counts and latencies of a node's gRPC services. */
export class RpcMetrics {
  private readonly requests: Counter<'service' | 'method' | 'code'>;
  /** mishards_request_duration_seconds (the status page's recent traffic reads it). */
  readonly latency: Histogram<'service' | 'method'>;
  /** Each method's label-bound children (by service, then method), built on first use. */
  private readonly methods = new Map<string, Map<string, MethodMetrics>>();

  constructor(registry: Registry) {
    this.requests = new Counter({
      name: 'mishards_requests_total',
      help: 'Requests served, by service, method and result code (0 = success, else the Milvus error code)',
      labelNames: ['service', 'method', 'code'],
      registers: [registry],
    });
    this.latency = new Histogram({
      name: 'mishards_request_duration_seconds',
      help: 'Request latency by service and method',
      labelNames: ['service', 'method'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** The metrics of one method, bound to its labels once. */
  method(service: string, method: string): MethodMetrics {
    let byMethod = this.methods.get(service);
    if (!byMethod) {
      byMethod = new Map();
      this.methods.set(service, byMethod);
    }
    let m = byMethod.get(method);
    if (!m) {
      const requests = this.requests;
      m = new MethodMetrics(this.latency.labels({ service, method }), (code) => requests.labels({ service, method, code }));
      byMethod.set(method, m);
    }
    return m;
  }

  /** Starts timing a request; call the returned function with the result code when done. */
  start(service: string, method: string): (code: number) => void {
    const m = this.method(service, method);
    const startedAt = performance.now();
    return (code) => m.done(startedAt, code);
  }
}

/** Latency and per-result-code counts of one method. */
export class MethodMetrics {
  /** Counters by result code: a handful per method (success and the errors seen). */
  private readonly byCode = new Map<number, Counter.Internal>();

  constructor(
    private readonly latency: Histogram.Internal<'service' | 'method'>,
    private readonly counter: (code: string) => Counter.Internal,
  ) {}

  /** Records a request that started at `startedAt` (performance.now()) and ended with `code`. */
  done(startedAt: number, code: number): void {
    this.latency.observe((performance.now() - startedAt) / 1000);
    let c = this.byCode.get(code);
    if (!c) {
      c = this.counter(String(code));
      this.byCode.set(code, c);
    }
    c.inc();
  }
}

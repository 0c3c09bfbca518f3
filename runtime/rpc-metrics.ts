import { Counter, Histogram, type Registry } from 'prom-client';

/** Per-method request counts and latencies of a node's gRPC services. */
export class RpcMetrics {
  private readonly requests: Counter<'service' | 'method' | 'code'>;
  private readonly latency: Histogram<'service' | 'method'>;

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

  /** Starts timing a request; call the returned function with the result code when done. */
  start(service: string, method: string): (code: number) => void {
    const end = this.latency.startTimer({ service, method });
    return (code) => {
      end();
      this.requests.inc({ service, method, code: String(code) });
    };
  }
}

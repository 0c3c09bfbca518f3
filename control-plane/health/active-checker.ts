import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { healthClient, type HealthClient } from '../../proto/health.js';
import type { HealthStatus } from '../resources/endpoints.js';

export interface ActiveCheckerOptions {
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failures before a healthy target is marked unhealthy. */
  unhealthyThreshold: number;
  log: Logger;
  /** How to reach the processes (TLS when configured); plaintext by default. */
  credentials?: grpc.ChannelCredentials;
}

interface Target {
  client: HealthClient;
  status: HealthStatus;
  failures: number;
  inFlight: boolean;
}

/**
 * Checks every registered process with grpc.health.v1.Health/Check (service "", the
 * process as a whole), as Envoy's gRPC health checker does: one success makes a target
 * healthy, `unhealthyThreshold` failures in a row unhealthy. A new target is UNKNOWN, which
 * gRPC and Envoy both route to, so a process is usable as soon as it registers. Emits
 * 'change' when a verdict changes.
 */
export class ActiveHealthChecker extends EventEmitter {
  private readonly targets = new Map<string, Target>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly o: ActiveCheckerOptions) {
    super();
    this.timer = setInterval(() => this.checkAll(), o.intervalMs);
    this.timer.unref();
  }

  /** Starts checking the addresses not checked yet; stops checking the others. */
  setTargets(addresses: Iterable<string>): void {
    const wanted = new Set(addresses);
    for (const [address, t] of this.targets) {
      if (wanted.has(address)) continue;
      t.client.close();
      this.targets.delete(address);
    }
    for (const address of wanted) {
      if (this.targets.has(address)) continue;
      const target = {
        client: healthClient(address, this.o.credentials ?? grpc.credentials.createInsecure()),
        status: 'UNKNOWN' as HealthStatus,
        failures: 0,
        inFlight: false,
      };
      this.targets.set(address, target);
      this.check(address, target);
    }
  }

  status(address: string): HealthStatus {
    return this.targets.get(address)?.status ?? 'UNKNOWN';
  }

  close(): void {
    clearInterval(this.timer);
    for (const t of this.targets.values()) t.client.close();
    this.targets.clear();
  }

  private checkAll(): void {
    for (const [address, t] of this.targets) this.check(address, t);
  }

  private check(address: string, t: Target): void {
    if (t.inFlight) return;
    t.inFlight = true;
    t.client.Check({ service: '' }, { deadline: Date.now() + this.o.timeoutMs }, (err, res) => {
      t.inFlight = false;
      if (this.targets.get(address) !== t) return;
      const ok = !err && res?.status === 'SERVING';
      t.failures = ok ? 0 : t.failures + 1;
      const next: HealthStatus = ok ? 'HEALTHY' : t.failures >= this.o.unhealthyThreshold ? 'UNHEALTHY' : t.status;
      if (next === t.status) return;
      this.o.log.info({ address, from: t.status, to: next, reason: err?.message ?? res?.status }, 'endpoint health changed');
      t.status = next;
      this.emit('change');
    });
  }
}

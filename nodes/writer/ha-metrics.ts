import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The metrics of a writer in the election (docs/writer-ha.md). */
export class HaMetrics {
  private readonly leader: Gauge;
  private readonly epoch: Gauge;
  private readonly changes: Counter<'change'>;
  private readonly takeover: Histogram;

  constructor(registry: Registry) {
    this.leader = new Gauge({
      name: 'mishards_writer_leader',
      help: '1 while this writer is the leader serving writes, 0 while it stands by',
      registers: [registry],
    });
    this.epoch = new Gauge({
      name: 'mishards_writer_fencing_epoch',
      help: 'The fencing epoch of the current or last term this writer led (0 before any)',
      registers: [registry],
    });
    this.changes = new Counter({
      name: 'mishards_writer_leadership_changes_total',
      help: 'Terms this writer won (change=elected) and lost (change=deposed)',
      labelNames: ['change'],
      registers: [registry],
    });
    this.takeover = new Histogram({
      name: 'mishards_writer_takeover_seconds',
      help: 'From winning the election to serving writes: sealing the older logs, claiming the metadata, loading and replaying',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    });
  }

  elected(epoch: number): void {
    this.changes.inc({ change: 'elected' });
    this.epoch.set(epoch);
  }

  serving(seconds: number): void {
    this.leader.set(1);
    this.takeover.observe(seconds);
  }

  deposed(): void {
    this.leader.set(0);
    this.changes.inc({ change: 'deposed' });
  }
}

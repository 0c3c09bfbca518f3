import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The metrics of a writer in the election (docs/writer-ha.md). */
export class HaMetrics {
  private readonly leader: Gauge;
  private readonly epoch: Gauge;
  private readonly changes: Counter<'change'>;
  private readonly takeover: Histogram;
  private readonly takeoverSegments: Counter<'source'>;
  /** How many segments the standby holds (followSegments). */
  private heldSegments: () => number = () => 0;

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
    this.takeoverSegments = new Counter({
      name: 'mishards_writer_takeover_segments_total',
      help: 'Sealed segments a takeover opened, held loaded by the standby (source=standby) or loaded from storage then (source=storage)',
      labelNames: ['source'],
      registers: [registry],
    });
    const held = () => this.heldSegments();
    new Gauge({
      name: 'mishards_writer_standby_segments',
      help: 'Sealed segments a standby holds loaded to take over with (0 while it leads)',
      registers: [registry],
      collect() {
        this.set(held());
      },
    });
  }

  /** Reads how many segments the standby holds at each scrape. */
  followSegments(held: () => number): void {
    this.heldSegments = held;
  }

  elected(epoch: number): void {
    this.changes.inc({ change: 'elected' });
    this.epoch.set(epoch);
  }

  serving(seconds: number, segments: { standby: number; storage: number }): void {
    this.leader.set(1);
    this.takeover.observe(seconds);
    this.takeoverSegments.inc({ source: 'standby' }, segments.standby);
    this.takeoverSegments.inc({ source: 'storage' }, segments.storage);
  }

  deposed(): void {
    this.leader.set(0);
    this.changes.inc({ change: 'deposed' });
  }
}

import { MilvusClient } from '@zilliz/milvus2-sdk-node';
import { UsageError } from './options.js';
import { progressBar, ProgressBoard } from './progress-board.js';

/** How `mishards ctl` reaches the cluster's Milvus API (a coordinator, or a standalone writer). */
export interface MilvusCtx {
  address: string;
  json: boolean;
  /** Longest wait for a load or compaction to finish, ms. */
  timeoutMs: number;
  out: (line: string) => void;
  /** Where a terminal's progress is redrawn in place; undefined when not a terminal. */
  tty: { write(text: string): void } | undefined;
}

/** The ctl commands answered through the Milvus API. */
export const MILVUS_COMMANDS = new Set(['progress', 'load', 'release', 'compact']);

const POLL_MS = 500;

/** A Milvus call's status, as an error when it is not Success. */
function check<T extends { error_code?: string | number; reason?: string; status?: { error_code: string | number; reason: string } }>(
  what: string,
  res: T,
): T {
  const status = res.status ?? res;
  if (status.error_code !== 'Success' && status.error_code !== 0) throw new Error(`${what}: ${status.reason || status.error_code}`);
  return res;
}

/** Load (of a loaded collection) at 100%, and every sealed segment indexed. */
const settled = (p: CollectionProgress): boolean => (p.loadState !== 'LoadStateLoaded' || p.load === 100) && (!p.index || p.index.finished);

/**
 * Runs one of MILVUS_COMMANDS; `names` are collections (`all`: every collection), `wait`:
 * `progress` redraws until loads and index builds are done.
 */
export async function milvusCommand(ctx: MilvusCtx, command: string, names: string[], o: { all: boolean; wait: boolean }): Promise<number> {
  const env = process.env;
  const client = new MilvusClient({
    address: ctx.address,
    logLevel: 'error',
    timeout: 30_000,
    ...(env.MISHARDS_TOKEN ? { token: env.MISHARDS_TOKEN } : {}),
    ...(env.MISHARDS_TLS_CA || env.MISHARDS_TLS_CERT
      ? { tls: { rootCertPath: env.MISHARDS_TLS_CA, privateKeyPath: env.MISHARDS_TLS_KEY, certChainPath: env.MISHARDS_TLS_CERT } }
      : {}),
  });
  try {
    await client.connectPromise;
    const collections = o.all || (command === 'progress' && !names.length) ? await listCollections(client) : names;
    if (!collections.length) {
      if (command !== 'progress') throw new UsageError(`ctl ${command} needs collection names or --all`);
      ctx.out('no collections');
      return 0;
    }
    if (command === 'progress') return await showProgress(ctx, client, collections, o.wait ? settled : undefined);
    if (command === 'load') {
      for (const c of collections) check(`load ${c}`, await client.loadCollection({ collection_name: c }));
      return await showProgress(ctx, client, collections, (p) => p.load === 100);
    }
    if (command === 'release') {
      for (const c of collections) check(`release ${c}`, await client.releaseCollection({ collection_name: c }));
      if (!ctx.json) for (const c of collections) ctx.out(`released ${c}`);
      else ctx.out(JSON.stringify(collections.map((c) => ({ collection: c, released: true }))));
      return 0;
    }
    return await compact(ctx, client, collections);
  } finally {
    await client.closeConnection();
  }
}

async function listCollections(client: MilvusClient): Promise<string[]> {
  const res = check('list collections', await client.showCollections());
  return res.data.map((c) => c.name).sort();
}

/** One collection's long work, as the Milvus API reports it. */
interface CollectionProgress {
  collection: string;
  loadState: string;
  /** Percent loaded (GetLoadingProgress: on the readers, through a coordinator). */
  load: number;
  /**
   * Rows indexed and in all (DescribeIndex: growing rows count, unindexed), and whether every
   * sealed segment has its index (GetIndexState Finished); undefined without an index.
   */
  index?: { indexed: number; total: number; finished: boolean };
}

async function progressOf(client: MilvusClient, collection: string): Promise<CollectionProgress> {
  const state = check(`load state of ${collection}`, await client.getLoadState({ collection_name: collection }));
  const loaded = state.state === 'LoadStateLoaded';
  const load = loaded
    ? Number(check(`loading progress of ${collection}`, await client.getLoadingProgress({ collection_name: collection })).progress)
    : 0;
  const described = await client.describeIndex({ collection_name: collection });
  const d = described.status.error_code === 'Success' ? described.index_descriptions[0] : undefined;
  if (!d) return { collection, loadState: String(state.state), load };
  const indexState = check(`index state of ${collection}`, await client.getIndexState({ collection_name: collection }));
  return {
    collection,
    loadState: String(state.state),
    load,
    index: { indexed: Number(d.indexed_rows), total: Number(d.total_rows), finished: String(indexState.state) === 'Finished' },
  };
}

function progressLine(p: CollectionProgress, width: number): string {
  const load = p.loadState === 'LoadStateLoaded' ? progressBar(p.load / 100) : 'not loaded'.padEnd(31);
  const index = p.index
    ? `${progressBar(p.index.total ? p.index.indexed / p.index.total : 1)} ${p.index.indexed}/${p.index.total} rows${p.index.finished ? '' : ', building'}`
    : 'no index';
  return `${p.collection.padEnd(width)}  load ${load}  index ${index}`;
}

/**
 * Load and index progress of each collection; with `done`, redrawn until every collection
 * satisfies it (or the timeout passes: exit code 1).
 */
async function showProgress(
  ctx: MilvusCtx,
  client: MilvusClient,
  collections: string[],
  done?: (p: CollectionProgress) => boolean,
): Promise<number> {
  const board = new ProgressBoard(ctx.out, ctx.json ? undefined : ctx.tty);
  const width = Math.max(...collections.map((c) => c.length));
  const deadline = Date.now() + ctx.timeoutMs;
  for (;;) {
    const all = await Promise.all(collections.map((c) => progressOf(client, c)));
    const finished = !done || all.every(done);
    if (!ctx.json) board.draw(all.map((p) => progressLine(p, width)));
    if (finished || Date.now() > deadline) {
      if (ctx.json) ctx.out(JSON.stringify(all, null, 2));
      if (!finished) ctx.out(`not finished within ${ctx.timeoutMs / 1000} s`);
      return finished ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Starts a compaction of each collection and shows its plans completing until all have. */
async function compact(ctx: MilvusCtx, client: MilvusClient, collections: string[]): Promise<number> {
  const jobs: { collection: string; id: string; plans: number }[] = [];
  for (const c of collections) {
    const res = check(`compact ${c}`, await client.compact({ collection_name: c }));
    jobs.push({ collection: c, id: String(res.compactionID), plans: Number(res.compactionPlanCount) });
  }
  const board = new ProgressBoard(ctx.out, ctx.json ? undefined : ctx.tty);
  const width = Math.max(...collections.map((c) => c.length));
  const deadline = Date.now() + ctx.timeoutMs;
  for (;;) {
    const states = await Promise.all(
      jobs.map(async (j) => {
        if (!j.plans) return { ...j, state: 'Completed', completed: 0, failed: 0 };
        const s = check(`compaction ${j.id}`, await client.getCompactionState({ compactionID: j.id }));
        return { ...j, state: String(s.state), completed: Number(s.completedPlanNo), failed: Number(s.failedPlanNo) };
      }),
    );
    const finished = states.every((s) => s.state === 'Completed');
    if (!ctx.json)
      board.draw(
        states.map((s) => {
          const line = `${s.collection.padEnd(width)}  compaction ${s.id}`;
          if (!s.plans) return `${line}  nothing to compact`;
          const failed = s.failed ? `, ${s.failed} failed` : '';
          return `${line}  ${progressBar((s.completed + s.failed) / s.plans)} ${s.completed}/${s.plans} plans${failed}`;
        }),
      );
    if (finished || Date.now() > deadline) {
      if (ctx.json) ctx.out(JSON.stringify(states, null, 2));
      if (!finished) ctx.out(`not finished within ${ctx.timeoutMs / 1000} s`);
      return finished && states.every((s) => !s.failed) ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

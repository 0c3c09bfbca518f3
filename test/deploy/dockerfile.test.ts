import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataType, MilvusClient } from '@zilliz/milvus2-sdk-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkHealth } from '../cluster/discovery/helpers.js';
import { startMishards, type MishardsProcess } from '../harness/mishards-process.js';
import { waitUntil } from '../harness/wait.js';

/**
 * The tests run no container builder, so the Dockerfile's stages are played out on directories: a
 * clean copy of the repository (its files as git lists them, less .dockerignore) is the build
 * context; each stage's COPY and RUN instructions are carried out in a directory of its own,
 * and the runtime stage's entry point is started as the image would start it.
 *
 * Two stand-ins, because a real `npm ci` fetches ~200 MB (minutes): `npm ci` with development
 * dependencies is the repository's installed node_modules; `npm ci --omit=dev` runs as
 * `--dry-run` (which fails when package.json and the lock file disagree) and its result is the
 * installed production packages alone (by the lock file), so the compiled code can only
 * import what the image will hold.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile: its instructions, continuation lines joined, comments left out. */
function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (const line of lines.map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const [, op, args] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (!op || args === undefined) throw new Error(`not a Dockerfile instruction: ${line}`);
    if (op.toUpperCase() === 'FROM') {
      const [, from, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ name: name ?? `#${stages.length}`, from: from!, instructions: [] });
    } else stages.at(-1)!.instructions.push({ op: op.toUpperCase(), args });
  }
  return stages;
}

const stages = parseStages(dockerfile);
const stage = (name: string) => stages.find((s) => s.name === name) ?? expect.fail(`no stage ${name}`);
const instructions = (name: string, op: string) => stage(name).instructions.filter((i) => i.op === op);
const workdir = (name: string) => instructions(name, 'WORKDIR').at(-1)?.args ?? expect.fail(`stage ${name} sets no WORKDIR`);

let work: string;
/** Each stage's WORKDIR, played out as a directory. */
const stageDirs = new Map<string, string>();
let writer: MishardsProcess | undefined;

/** The build context: the repository's files as git lists them (uncommitted ones too), less .dockerignore. */
function buildContext(dir: string): void {
  const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
  const left = (f: string) =>
    ignored.some((pattern) => {
      const top = f.split('/')[0]!;
      return pattern.startsWith('*.') ? f.endsWith(pattern.slice(1)) : top === pattern;
    });
  for (const f of files) if (!left(f)) cpSync(join(ROOT, f), join(dir, f));
}

/**
 * What `npm ci --omit=dev` installs at the top of node_modules: the lock file's packages not
 * marked `dev` (optional ones for other platforms are installed in neither), linked
 * from the installed tree into `dir`/node_modules. Packages nested in another's node_modules
 * come with their parent.
 */
function linkProductionPackages(dir: string): void {
  const installed = realpathSync(join(ROOT, 'node_modules'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  for (const [key, entry] of Object.entries(lock.packages)) {
    const [, name] = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(key) ?? [];
    if (!name || entry.dev || !existsSync(join(installed, name))) continue;
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(installed, name), join(dir, 'node_modules', name));
  }
}

/** Carries out one RUN instruction in `dir` (the stand-ins for `npm ci` above). */
function run(command: string, dir: string): void {
  if (/^npm ci\b/.test(command)) {
    if (command.includes('--omit=dev')) {
      execFileSync('sh', ['-c', `${command} --dry-run`], { cwd: dir, stdio: 'pipe' });
      linkProductionPackages(dir);
    } else symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
    return;
  }
  execFileSync('sh', ['-c', command], {
    cwd: dir,
    stdio: 'pipe',
    env: { ...process.env, MISHARDS_FROM_SOURCE: undefined, MISHARDS_BUILD_DIR: undefined },
  });
}

/**
 * Carries out COPY `[--from=STAGE] SRC... DEST` as Docker does: a directory's contents go to
 * DEST, a file into DEST when DEST ends with `/`, else to DEST. Paths of another stage are
 * absolute in it, under its WORKDIR.
 */
function copy(args: string, dir: string, context: string): void {
  const words = args.split(/\s+/);
  const from = words[0]!.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
  const dest = words.pop()!;
  const source = from === undefined ? context : stageDirs.get(from);
  if (!source) throw new Error(`COPY --from=${from}: that stage was not played out`);
  for (const src of words) {
    const path = join(source, from === undefined ? src : relative(workdir(from), src));
    const target = statSync(path).isDirectory() || !dest.endsWith('/') ? join(dir, dest) : join(dir, dest, basename(path));
    cpSync(path, target, { recursive: true });
  }
}

/** Plays a stage out in a new directory (its WORKDIR). */
function playStage(name: string, context: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  for (const i of stage(name).instructions) {
    if (i.op === 'COPY') copy(i.args, dir, context);
    else if (i.op === 'RUN') run(i.args, dir);
  }
  stageDirs.set(name, dir);
  return dir;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mishards-dockerfile-'));
  const context = join(work, 'context');
  buildContext(context);
  playStage('build', context);
  playStage('dependencies', context);
}, 120_000);

afterAll(async () => {
  await writer?.stop();
  rmSync(work, { recursive: true, force: true });
});

it('builds in stages: development dependencies and the compile apart from the production image, run as a numeric non-root user', () => {
  expect(instructions('build', 'RUN').map((i) => i.args)).toEqual(['npm ci --no-audit --no-fund', 'npm run build']);
  expect(instructions('dependencies', 'RUN').map((i) => i.args)).toEqual(['npm ci --omit=dev --no-audit --no-fund']);
  const runtime = stage('runtime');
  expect(runtime.instructions.filter((i) => i.op === 'RUN')).toEqual([]);
  expect(instructions('runtime', 'USER').at(-1)?.args).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  expect(instructions('nginx', 'USER').at(-1)?.args).toMatch(/^[1-9]\d*:[1-9]\d*$/);
  expect(JSON.parse(instructions('runtime', 'ENTRYPOINT')[0]!.args)).toEqual(['node', 'bin/mishards.js']);
  // `docker build .` builds the image of every role; the Nginx agent's is a target of its own.
  expect(stages.at(-1)!.from).toBe('runtime');
});

it('runs the compiled entry point of the production image: ready, healthy, and searching with engine workers', async () => {
  const image = playStage('runtime', join(work, 'context'));
  // No TypeScript in the image: the entry point can only be running dist/.
  const sources = readdirSync(image, { recursive: true, encoding: 'utf8' }).filter(
    (f) => !f.startsWith('node_modules') && (f.endsWith('.ts') || f.startsWith('test')),
  );
  expect(sources).toEqual([]);
  expect(existsSync(join(image, 'dist/engine/engine-worker.js'))).toBe(true);
  const env = Object.fromEntries(instructions('runtime', 'ENV').map((i) => i.args.split('=') as [string, string]));
  const [, bin] = JSON.parse(instructions('runtime', 'ENTRYPOINT')[0]!.args) as [string, string];
  writer = await startMishards(
    ['writer', '--port', '0', '--metrics-port', '0', '--data-dir', join(work, 'data')],
    { ...env, MISHARDS_FROM_SOURCE: undefined, MISHARDS_BUILD_DIR: undefined },
    { entry: { bin: join(image, bin), cwd: image } },
  );
  expect(await checkHealth(writer.addresses.grpc!)).toBe('SERVING');
  expect((await fetch(`http://${writer.addresses.metrics}/healthz`)).status).toBe(200);
  const client = new MilvusClient({ address: writer.addresses.grpc!, logLevel: 'error' });
  try {
    const C = 'image';
    await client.createCollection({
      collection_name: C,
      consistency_level: 'Strong',
      fields: [
        { name: 'id', data_type: DataType.Int64, is_primary_key: true },
        { name: 'v', data_type: DataType.FloatVector, dim: 4 },
      ],
    });
    // An HNSW graph is built, and searched, in an engine worker thread.
    expect((await client.createIndex({ collection_name: C, field_name: 'v', index_type: 'HNSW', metric_type: 'L2' })).error_code).toBe(
      'Success',
    );
    await client.loadCollectionSync({ collection_name: C });
    await client.insert({ collection_name: C, data: Array.from({ length: 50 }, (_, id) => ({ id, v: [id, 1, 0, 0] })) });
    await client.flushSync({ collection_names: [C] });
    await waitUntil('the sealed segment is indexed', async () => {
      const progress = await client.getIndexBuildProgress({ collection_name: C, field_name: 'v' });
      return Number(progress.indexed_rows) === 50;
    });
    const res = await client.search({ collection_name: C, data: [7, 1, 0, 0], limit: 1 });
    expect(res.results[0]?.id).toBe('7');
  } finally {
    await client.closeConnection();
  }
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { LOADER_OPTIONS } from './loader-options.js';
import { MILVUS_SERVICE, milvusDescriptor } from './milvus-descriptor.js';

/**
 * Generates TypeScript types for the Milvus service and the internal data-node API with
 * @grpc/proto-loader's own generator (`proto-loader-gen-types`), so that they describe the
 * plain objects grpc-js hands over under LOADER_OPTIONS: `Foo__Output` for what is decoded
 * (requests a server receives, responses a client gets), `Foo` for what may be sent.
 *
 * Run with `npm run gen:types`; the output in proto/generated/ is committed. The generator
 * reads .proto or protobufjs JSON files; the Milvus descriptors are a JS module, so they are
 * written out as JSON first, cut down to MilvusService and the messages it reaches (plus the
 * messages Milvus carries as bytes inside them).
 */

const PROTO_DIR = path.dirname(fileURLToPath(import.meta.url));
export const GENERATED_DIR = path.join(PROTO_DIR, 'generated');
const DATA_NODE_PROTO = 'mishards/data_node.proto';

/** Serialized inside Milvus messages or data-node answers (bytes fields), decoded by milvus/proto.ts. */
const CARRIED_AS_BYTES = ['milvus.proto.common.PlaceholderGroup', 'milvus.proto.schema.CollectionSchema', 'milvus.proto.schema.FieldData'];

const require = createRequire(import.meta.url);

/** The generator's command line for the runtime options; one it cannot express stops the run. */
function generatorFlags(): string[] {
  return Object.entries(LOADER_OPTIONS).flatMap(([name, value]): string[] => {
    if (value === true) return [`--${name}`];
    if (value === String) return [`--${name}=String`];
    // Buffers are the generator's default for bytes.
    if (name === 'bytes' && value === Buffer) return [];
    throw new Error(`proto-loader option ${name} has no proto-loader-gen-types flag`);
  });
}

/** Full names of the service, the messages and enums it reaches, and the definitions they are nested in. */
function reachable(root: protobuf.Root, service: string, extra: string[]): Set<string> {
  const names = new Set<string>([service]);
  const visit = (t: protobuf.ReflectionObject) => {
    const name = t.fullName.slice(1);
    if (names.has(name)) return;
    names.add(name);
    // A nested definition is generated into its parent's file, with the parent's other children.
    if (t.parent instanceof protobuf.Type) visit(t.parent);
    if (t instanceof protobuf.Type) {
      for (const f of t.fieldsArray) if (f.resolvedType) visit(f.resolvedType);
      for (const n of t.nestedArray) visit(n);
    }
  };
  for (const m of root.lookupService(service).methodsArray) {
    visit(m.resolvedRequestType!);
    visit(m.resolvedResponseType!);
  }
  for (const name of extra) visit(root.lookup(name)!);
  return names;
}

const isNamespace = (d: object) => !('fields' in d || 'values' in d || 'methods' in d || 'extend' in d);

/** The descriptor JSON with only the named definitions (whole) and the namespaces holding them. */
function prune(ns: protobuf.INamespace, prefix: string, keep: Set<string>): protobuf.INamespace | undefined {
  const nested: Record<string, protobuf.AnyNestedObject> = {};
  for (const [name, def] of Object.entries(ns.nested ?? {})) {
    const full = prefix + name;
    if (keep.has(full)) nested[name] = def;
    else if (isNamespace(def)) {
      const inner = prune(def as protobuf.INamespace, `${full}.`, keep);
      if (inner) nested[name] = inner;
    }
  }
  return Object.keys(nested).length ? { nested } : undefined;
}

export function generateTypes(outDir: string): void {
  const root = protobuf.Root.fromJSON(milvusDescriptor);
  root.resolveAll();
  const tmp = mkdtempSync(path.join(tmpdir(), 'mishards-proto-'));
  try {
    const milvusJson = path.join(tmp, 'milvus.json');
    writeFileSync(milvusJson, JSON.stringify(prune(milvusDescriptor, '', reachable(root, MILVUS_SERVICE, CARRIED_AS_BYTES))));
    rmSync(outDir, { recursive: true, force: true });
    const bin = path.join(path.dirname(require.resolve('@grpc/proto-loader/package.json')), 'build/bin/proto-loader-gen-types.js');
    execFileSync(
      process.execPath,
      [
        bin,
        ...generatorFlags(),
        '--includeComments',
        '--grpcLib=@grpc/grpc-js',
        '--importFileExtension=.js',
        '-I',
        '.',
        '-O',
        outDir,
        milvusJson,
        DATA_NODE_PROTO,
      ],
      { cwd: PROTO_DIR, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    // The generator names each root file after its input with .proto replaced, which a JSON input has not.
    renameSync(path.join(outDir, 'milvus.json'), path.join(outDir, 'milvus.ts'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) generateTypes(GENERATED_DIR);

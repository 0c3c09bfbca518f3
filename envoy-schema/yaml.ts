/**
 * Envoy YAML files: each document is a Bootstrap, unless it carries a top-level "@type", in
 * which case it is a message of that type (snippet files holding a Listener, an HttpFilter...).
 * Issues carry the file, the document index and, where the path can be found, the line.
 */
import YAML, { isMap, isScalar, isSeq, LineCounter, type Node, type ScalarTag, type Tags } from 'yaml';
import { type Issue, parsePath } from './issues.js';
import { validateEnvoyJson } from './envoy-json.js';

export interface YamlIssue extends Issue {
  readonly file: string;
  /** 0-based index of the YAML document in the file. */
  readonly document: number;
  /** 1-based line of the offending value, when it can be located. */
  readonly line: number | undefined;
}

export interface YamlValidation {
  errors: YamlIssue[];
  warnings: YamlIssue[];
}

const BOOTSTRAP = 'envoy.config.bootstrap.v3.Bootstrap';

/**
 * Envoy reads YAML with yaml-cpp, whose booleans are those of YAML 1.1 in any "flexible"
 * case (y, yes, on, true...; n, no, off, false): an unquoted `on` is a bool for Envoy, not the
 * string YAML 1.2 makes of it. Quoted scalars stay strings.
 */
const envoyBool: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (value) => typeof value === 'boolean',
  test: /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  resolve: (text) => /^(?:y|yes|true|on)$/i.test(text),
};

function envoyTags(tags: Tags): Tags {
  return [...tags.filter((t) => typeof t === 'string' || t.tag !== envoyBool.tag), envoyBool];
}

export function validateEnvoyYamlText(text: string, fileName: string): YamlValidation {
  const lines = new LineCounter();
  // Integers as BigInt: a 64-bit value written in YAML keeps all its digits.
  const documents = YAML.parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, customTags: envoyTags, intAsBigInt: true });
  const out: YamlValidation = { errors: [], warnings: [] };
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line);
  // An empty file is an EmptyStream: an empty list of documents.
  documents.forEach((doc, index) => {
    for (const error of doc.errors) out.errors.push(yamlIssue(fileName, index, '', error.message, lineOf(error.pos[0])));
    if (doc.errors.length > 0) return;
    let json: unknown;
    try {
      json = doc.toJS({ maxAliasCount: 10_000 });
    } catch (err) {
      out.errors.push(yamlIssue(fileName, index, '', err instanceof Error ? err.message : String(err), undefined));
      return;
    }
    if (json === null || json === undefined) return; // empty document (e.g. a trailing ---)
    dropIgnored(doc.contents, json);
    const typed = typeof json === 'object' && !Array.isArray(json) && Object.hasOwn(json, '@type');
    // A typed document is an Any at the top level: its fields sit next to its "@type".
    const result = typed ? validateEnvoyJson('google.protobuf.Any', json) : validateEnvoyJson(BOOTSTRAP, json);
    const locate = (issue: Issue) => {
      const node = nodeAt(doc.contents, parsePath(issue.path));
      return yamlIssue(fileName, index, issue.path, issue.message, lineOf(node?.range?.[0]));
    };
    out.errors.push(...result.errors.map(locate));
    out.warnings.push(...result.warnings.map(locate));
  });
  return out;
}

function yamlIssue(file: string, document: number, path: string, message: string, line: number | undefined): YamlIssue {
  return { file, document, path, message, line };
}

/**
 * Envoy drops mapping entries whose key is tagged `!ignore` (a place to define anchors), so
 * they are removed from the converted value (after conversion, so that aliases to anchors
 * defined under them still resolve).
 */
function dropIgnored(node: unknown, value: unknown): void {
  if (isMap(node) && typeof value === 'object' && value !== null) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (pair.key.tag === '!ignore') delete (value as Record<string, unknown>)[key];
      else dropIgnored(pair.value, (value as Record<string, unknown>)[key]);
    }
  } else if (isSeq(node) && Array.isArray(value)) {
    for (const [i, item] of node.items.entries()) dropIgnored(item, value[i]);
  }
}

/** The YAML node at a path of field names (either spelling), indexes and map keys. */
function nodeAt(root: unknown, path: Array<string | number>): Node | undefined {
  let node = root as Node | null | undefined;
  let found = node ?? undefined;
  for (const segment of path) {
    if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment] as Node | undefined;
    } else if (isMap(node) && typeof segment === 'string') {
      const camel = segment.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      const pair = node.items.find((p) => isScalar(p.key) && (p.key.value === segment || p.key.value === camel));
      node = (pair?.value ?? pair?.key) as Node | undefined;
    } else {
      break;
    }
    if (!node) break;
    found = node;
  }
  return found;
}

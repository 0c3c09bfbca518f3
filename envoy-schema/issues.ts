/**
 * Problems found in a configuration, each with the path of the offending value, and the path
 * bookkeeping shared by the JSON parser and the rule walker.
 */

export interface Issue {
  /**
   * Where: proto field names (snake_case, whatever spelling the input used), `[i]` for list
   * items, `["key"]` for map entries; fields of an Any payload continue the Any's path, as
   * they sit in its JSON. `""` is the root.
   */
  readonly path: string;
  readonly message: string;
}

/** A map key segment, kept apart from field names so it renders as `["key"]`. */
interface MapKey {
  readonly key: string;
}

type Segment = string | number | MapKey;

/**
 * The path of the value being visited, as a stack of segments. The string is only built when
 * an issue is reported: the walkers visit thousands of values and report few.
 */
export class PathStack {
  private readonly segments: Segment[] = [];

  push(segment: string | number): void {
    this.segments.push(segment);
  }

  pushKey(key: string): void {
    this.segments.push({ key });
  }

  pop(): void {
    this.segments.pop();
  }

  toString(): string {
    return formatPath(this.segments);
  }

  /** The path of the current value extended by one field name, as a string. */
  child(name: string): string {
    this.segments.push(name);
    const text = formatPath(this.segments);
    this.segments.pop();
    return text;
  }
}

function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (typeof s === 'string') out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s.key)}]`;
  }
  return out;
}

/** Splits a rendered path back into field names, list indexes and map keys (YAML line lookup). */
export function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      i++;
    } else if (c === '[') {
      if (path[i + 1] === '"') {
        // JSON string literal up to the closing quote that is not escaped.
        let j = i + 2;
        while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
        out.push(JSON.parse(path.slice(i + 1, j + 1)) as string);
        i = j + 2;
      } else {
        const j = path.indexOf(']', i);
        out.push(Number(path.slice(i + 1, j)));
        i = j + 1;
      }
    } else {
      let j = i;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      out.push(path.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** One line per issue, for error messages and logs. */
export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `${i.path === '' ? '<root>' : i.path}: ${i.message}`).join('\n');
}

/**
 * Sets an own property even for the key "__proto__" (a legal map key and Struct field), which
 * a plain assignment would turn into a prototype change.
 */
export function setEntry(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

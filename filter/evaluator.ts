import type { ColumnBatch } from '../core/columns.js';
import { Ctx, filterRows, intersectRows, rowsWhere, unionRows, writeRows, type Binder, type Kernel } from './kernel.js';
import { cmpColsBinder, leafBinder, nullBinder } from './leaves.js';
import type { ColRef, Pred } from './plan.js';

export function evaluate(binder: Binder, batch: ColumnBatch, candidates?: Uint8Array): Uint8Array {
  const n = batch.length;
  const out = new Uint8Array(n);
  binder(new Ctx(batch, n)).run(out, candidates ?? null);
  return out;
}

// ---- composites ---------------------------------------------------------------------------

export function compile(p: Pred): Binder {
  switch (p.k) {
    case 'const':
      return (ctx) => ({
        run(out, cand) {
          if (!p.v) out.fill(0, 0, ctx.n);
          else if (cand === null) out.fill(1, 0, ctx.n);
          else for (let i = 0; i < ctx.n; i++) out[i] = cand[i] !== 0 ? 1 : 0;
        },
        valid: () => null,
        filterRows: (rows) => (p.v ? rows : rows.subarray(0, 0)),
      });
    case 'and':
      return andBinder(p.args.map(compile));
    case 'or':
      return orBinder(mergeEqualities(p.args).map(compile));
    case 'not':
      return notBinder(compile(p.arg));
    case 'isNull':
    case 'isNotNull':
      return nullBinder(p.col, p.k === 'isNull');
    case 'cmpCols':
      return cmpColsBinder(p.a, p.b, p.op);
    default:
      return leafBinder(p);
  }
}

/** Validity of a composite: a row is valid when any child is valid there. */
function anyValid(ctx: Ctx, kids: Kernel[]): Uint8Array | null {
  const vs = kids.map((k) => k.valid());
  if (vs.some((v) => v === null)) return null;
  const acc = new Uint8Array(ctx.n);
  for (const v of vs as Uint8Array[]) for (let i = 0; i < ctx.n; i++) acc[i] = (acc[i] as number) | (v[i] as number);
  return acc;
}

/**
 * Most of the rows a conjunction's indexed clauses may select for its other clauses to be
 * evaluated on those rows alone: past it, the whole-column loops over a mask are faster than
 * testing the listed rows one by one (and answer the same).
 */
const RESTRICT_SHARE = 1 / 16;

/**
 * A conjunction. Clauses a scalar index answers (`selected`) are intersected first; when few
 * rows remain, every other clause is evaluated on those rows only (`filterRows`), so `k == 417
 * and x > 10` reads `x` at k's rows rather than over the column. Otherwise the clauses run in
 * turn, each on the rows the previous ones passed.
 */
function andBinder(args: Binder[]): Binder {
  return (ctx) => {
    const kids = args.map((b) => b(ctx));
    const indexed = kids.filter((k) => k.selected);
    const others = kids.filter((k) => !k.selected);
    /** The rows every indexed clause passes, or undefined without one. */
    const indexedRows = (): Int32Array | undefined =>
      indexed.length === 0 ? undefined : indexed.map((k) => k.selected!()).reduce(intersectRows);
    const restrict = (rows: Int32Array) => others.reduce((acc, k) => (acc.length === 0 ? acc : filterRows(ctx, k, acc)), rows);
    return {
      run(out, cand) {
        const rows = indexedRows();
        if (rows !== undefined && rows.length <= ctx.n * RESTRICT_SHARE) {
          writeRows(out, ctx.n, restrict(cand === null ? rows : rowsWhere(rows, (r) => cand[r] !== 0)));
          return;
        }
        kids[0]!.run(out, cand);
        for (let j = 1; j < kids.length; j++) kids[j]!.run(out, out);
      },
      valid: () => anyValid(ctx, kids),
      selected: others.length === 0 ? () => indexedRows()! : undefined,
      filterRows(rows) {
        const within = indexed.length === 0 ? rows : intersectRows(rows, indexedRows()!);
        return restrict(within);
      },
    };
  };
}

function orBinder(args: Binder[]): Binder {
  return (ctx) => {
    const kids = args.map((b) => b(ctx));
    return {
      run(out, cand) {
        const n = ctx.n;
        let base = cand;
        if (cand === out) {
          base = ctx.take();
          base.set(cand.subarray(0, n));
        }
        kids[0]!.run(out, base);
        const rest = ctx.take();
        for (let j = 1; j < kids.length; j++) {
          // Only candidates not matched yet need the next clause.
          if (base === null) for (let i = 0; i < n; i++) rest[i] = out[i] === 0 ? 1 : 0;
          else for (let i = 0; i < n; i++) rest[i] = base[i] !== 0 && out[i] === 0 ? 1 : 0;
          kids[j]!.run(rest, rest);
          for (let i = 0; i < n; i++) out[i] = (out[i] as number) | (rest[i] as number);
        }
        ctx.give(rest);
        if (base !== cand) ctx.give(base!);
      },
      valid: () => anyValid(ctx, kids),
      // Clauses all answered by indexes: their union, without a scan.
      selected: kids.every((k) => k.selected) ? () => kids.map((k) => k.selected!()).reduce(unionRows) : undefined,
      filterRows: (rows) => kids.map((k) => filterRows(ctx, k, rows)).reduce(unionRows),
    };
  };
}

function notBinder(arg: Binder): Binder {
  return (ctx) => {
    const kid = arg(ctx);
    let validity: Uint8Array | null | undefined;
    return {
      run(out, cand) {
        const n = ctx.n;
        let c: Uint8Array | null = cand;
        if (cand === out) {
          c = ctx.take();
          c.set(cand.subarray(0, n));
        }
        kid.run(out, c);
        if (validity === undefined) validity = kid.valid();
        const v = validity;
        for (let i = 0; i < n; i++) {
          const live = (c === null || c[i] !== 0) && (v === null || v[i] !== 0);
          out[i] = live && out[i] === 0 ? 1 : 0;
        }
        if (c !== cand) ctx.give(c!);
      },
      valid: () => {
        if (validity === undefined) validity = kid.valid();
        return validity;
      },
      filterRows(rows) {
        if (validity === undefined) validity = kid.valid();
        const v = validity;
        const passed = new Set(filterRows(ctx, kid, rows));
        return rowsWhere(rows, (r) => (v === null || v[r] !== 0) && !passed.has(r));
      },
    };
  };
}

/**
 * `pk == 1 or pk == 2 or pk in [3]` becomes one `in` per column, as Milvus's rewriter does:
 * same rows, same nulls, one pass instead of one per clause.
 */
function mergeEqualities(args: Pred[]): Pred[] {
  const key = (c: ColRef) => JSON.stringify([c.column, c.path]);
  const merged = new Map<string, Pred & { k: 'in' }>();
  const out: Pred[] = [];
  for (const a of args) {
    const eq = a.k === 'in' ? { col: a.col, values: a.values } : a.k === 'cmp' && a.op === '==' ? { col: a.col, values: [a.v] } : null;
    if (eq === null) {
      out.push(a);
      continue;
    }
    const k = key(eq.col);
    const m = merged.get(k);
    // One by one: spreading a list of any length into push() would overflow the stack.
    if (m) for (const v of eq.values) m.values.push(v);
    else {
      const p: Pred & { k: 'in' } = { k: 'in', col: eq.col, values: [...eq.values] };
      merged.set(k, p);
      out.push(p);
    }
  }
  return out;
}

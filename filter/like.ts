/**
 * SQL LIKE as current Milvus implements it: `%` matches any sequence, `_` exactly one
 * character (code point), a backslash makes the next character literal, and the whole
 * value must match. (Milvus before 2.5 treated a trailing `_` like `%`; we follow the fix.)
 */
export function compileLike(pattern: string): (s: string) => boolean {
  // Segments between unescaped '%'; inside a segment, -1 stands for '_'.
  const segs: number[][] = [[]];
  for (let i = 0; i < pattern.length; ) {
    let cp = pattern.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (cp === 0x25 /* % */) {
      segs.push([]);
      continue;
    }
    if (cp === 0x5f /* _ */) {
      segs[segs.length - 1]!.push(-1);
      continue;
    }
    if (cp === 0x5c /* \ */ && i < pattern.length) {
      cp = pattern.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
    }
    segs[segs.length - 1]!.push(cp);
  }
  // Code point by code point: a pattern of any length must not become call arguments.
  const literal = (seg: number[]) => (seg.includes(-1) ? null : seg.map((cp) => String.fromCodePoint(cp)).join(''));
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  const middle = segs.slice(1, -1).filter((s) => s.length > 0);

  // The shapes Milvus itself optimises: equality, prefix, suffix, infix.
  if (segs.length === 1) {
    const lit = literal(first);
    if (lit !== null) return (s) => s === lit;
  } else if (middle.length === 0) {
    const pre = literal(first);
    const suf = literal(last);
    if (pre !== null && suf !== null) {
      if (suf === '') return (s) => s.startsWith(pre);
      if (pre === '') return (s) => s.endsWith(suf);
      return (s) => s.length >= pre.length + suf.length && s.startsWith(pre) && s.endsWith(suf);
    }
  } else if (segs.length === 3 && first.length === 0 && last.length === 0) {
    const mid = literal(segs[1]!);
    if (mid !== null) return (s) => s.includes(mid);
  }

  return (s) => {
    if (segs.length === 1) return matchAt(s, 0, first) === s.length;
    let pos = matchAt(s, 0, first);
    if (pos < 0) return false;
    // Every segment has a fixed length, so taking the leftmost match of each is optimal.
    for (const seg of middle) {
      let found = -1;
      for (let start = pos; start <= s.length; start += width(s, start)) {
        found = matchAt(s, start, seg);
        if (found >= 0) break;
      }
      if (found < 0) return false;
      pos = found;
    }
    let start = s.length;
    for (let k = 0; k < last.length; k++) {
      if (start <= pos) return false;
      const lo = s.charCodeAt(start - 1);
      start -= lo >= 0xdc00 && lo <= 0xdfff && start - 2 >= pos && isHighSurrogate(s.charCodeAt(start - 2)) ? 2 : 1;
    }
    return start >= pos && matchAt(s, start, last) === s.length;
  };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function width(s: string, i: number): number {
  return i < s.length && isHighSurrogate(s.charCodeAt(i)) && i + 1 < s.length ? 2 : 1;
}

/** End offset of `seg` matched at `i`, or -1. */
function matchAt(s: string, i: number, seg: number[]): number {
  for (const want of seg) {
    if (i >= s.length) return -1;
    const cp = s.codePointAt(i)!;
    if (want !== -1 && want !== cp) return -1;
    i += cp > 0xffff ? 2 : 1;
  }
  return i;
}

/**
 * RE2, as Envoy and protoc-gen-validate use it (`pattern` rules, `safe_regex` matchers), so a
 * pattern is accepted or refused here exactly as there: JS RegExp differs (lookarounds and
 * backreferences exist only in JS; `\z`, `(?i)`, `\pN` only in RE2).
 */
import { RE2 } from 're2-wasm';

// Compiled programs live in the WASM heap and are never freed: keep one per distinct pattern.
// Route regexes come from a bounded set (operator routes, our own builders).
const compiled = new Map<string, RE2 | Error>();

/** The compiled pattern, or the Error RE2 reports for it. */
export function compileRe2(pattern: string): RE2 | Error {
  let entry = compiled.get(pattern);
  if (entry === undefined) {
    try {
      entry = new RE2(pattern, 'u');
    } catch (err) {
      entry = err instanceof Error ? err : new Error(String(err));
    }
    compiled.set(pattern, entry);
  }
  return entry;
}

// NSEC records (RFC 4034 §4): the next owner name in canonical order and the
// types present at the owner.
import { typeCodeOf } from '../wire.ts';

/** Types in numeric order, each once: the order of the type bitmap (RFC 4034 §4.1.2), which presentation follows. */
export function sortTypes(types: Iterable<string>): string[] {
  return [...new Set(types)].sort((a, b) => typeCodeOf(a) - typeCodeOf(b));
}

/** NSEC content: "next.name. TYPE …". */
export function nsecContent(next: string, types: readonly string[]): string {
  return [next, ...types].join(' ');
}

/** The next name and types of NSEC content. */
export function parseNsec(content: string): { next: string; types: string[] } {
  const f = content.trim().split(/\s+/);
  if (f.length < 1 || f[0] === '') throw new Error(`NSEC content has no next name: "${content}"`);
  return { next: f[0]!.toLowerCase(), types: f.slice(1) };
}

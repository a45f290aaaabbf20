import type { Document, LineCounter, Node } from 'yaml';
import { isMap, isNode, isPair, isScalar, isSeq } from 'yaml';

export type SpecPath = readonly (string | number)[];

export interface Located {
  line: number;
  col: number;
}

/**
 * Where `path` sits in the source. `at: 'key'` points at a mapping key (unknown fields).
 * A path that does not exist (a missing field) resolves to the deepest existing node: its parent mapping.
 */
export function locate(doc: Document, lines: LineCounter, path: SpecPath, at: 'value' | 'key' = 'value'): Located {
  let node: unknown = doc.contents;
  let best: Node | null = isNode(node) ? node : null;
  for (const segment of path) {
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (isScalar(p.key) ? p.key.value : p.key) === segment);
      keyNode = pair?.key;
      next = pair?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (at === 'key' && segment === path[path.length - 1] && isNode(keyNode)) {
      best = keyNode;
      break;
    }
    if (!isNode(next)) {
      if (isNode(keyNode)) best = keyNode;
      break;
    }
    node = next;
    best = next;
  }
  const offset = best?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, col };
}

export function formatPath(path: SpecPath): string {
  return path.reduce<string>((acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

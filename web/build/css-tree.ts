/**
 * A stylesheet as the build's CSS trimming sees it (strip-css.ts): rules,
 * at-rules with a block of rules inside (@media, @supports, @container,
 * @layer, @-moz-document), at-rules with a block of declarations (@keyframes,
 * @font-face, @page…), statements (@import;) and comments. postcss parses it
 * (strings, comments, escapes and brackets respected, so a `{` or `,` inside
 * "…", url(…) or [attr="…"] never splits anything; unbalanced braces fail
 * loudly); the selector scanning below is this project's own.
 */
import postcss, { type Container, type Root } from 'postcss';

export type CssNode =
  /** `prelude { body }`, body kept as written (declarations, or nested rules left alone). */
  | { kind: 'rule'; prelude: string; body: string }
  /** `@name prelude { children }` for at-rules that hold rules. */
  | { kind: 'group'; name: string; prelude: string; children: CssNode[] }
  /** `@name prelude { body }` for at-rules that hold declarations or keyframes, kept as written. */
  | { kind: 'at-block'; name: string; prelude: string; body: string }
  /** `@import …;`, `@charset …;`, `@layer a, b;` */
  | { kind: 'statement'; text: string }
  | { kind: 'comment'; text: string };

/** At-rules whose block holds rules (and so may be filtered). */
const GROUPING = new Set(['media', 'supports', 'container', 'layer', 'scope', 'starting-style', 'document', '-moz-document']);

/** Index just past the string that starts at `start` (which holds its quote). */
function skipString(css: string, start: number): number {
  const quote = css[start];
  let i = start + 1;
  while (i < css.length) {
    const ch = css[i];
    if (ch === '\\') i += 2;
    else if (ch === quote) return i + 1;
    else if (ch === '\n') return i; // an unterminated string ends at the line's end (CSS Syntax §4.3.5)
    else i += 1;
  }
  return i;
}

/** Index just past the comment that starts at `start` ("/*"). */
function skipComment(css: string, start: number): number {
  const end = css.indexOf('*/', start + 2);
  if (end < 0) throw new Error(`css: comment at ${start} never ends`);
  return end + 2;
}

/**
 * The stylesheet's top-level nodes, parsed by postcss. Preludes and bodies are
 * sliced from the text itself (postcss's source offsets), so printing them
 * back gives the stylesheet exactly as written.
 */
export function parseCss(css: string): CssNode[] {
  let root: Root;
  try {
    root = postcss.parse(css);
  } catch (error) {
    throw new Error(`css: ${error instanceof Error ? error.message : String(error)}`);
  }
  return nodesOf(root, css);
}

function nodesOf(container: Container, css: string): CssNode[] {
  return (container.nodes ?? []).map((node): CssNode => {
    const text = css.slice(node.source!.start!.offset, node.source!.end!.offset);
    switch (node.type) {
      case 'comment':
        return { kind: 'comment', text };
      case 'rule': {
        const open = `${node.raws.selector?.raw ?? node.selector}${node.raws.between ?? ''}`.length;
        return { kind: 'rule', prelude: text.slice(0, open).trim(), body: text.slice(open + 1, -1) };
      }
      case 'atrule': {
        const name = node.name.toLowerCase();
        if (!node.nodes) return { kind: 'statement', text };
        const open = `@${node.name}${node.raws.afterName ?? ''}${node.raws.params?.raw ?? node.params}${node.raws.between ?? ''}`.length;
        if (GROUPING.has(name)) return { kind: 'group', name, prelude: node.params, children: nodesOf(node, css) };
        return { kind: 'at-block', name, prelude: node.params, body: text.slice(open + 1, -1) };
      }
      case 'decl':
        throw new Error(`css: a declaration outside any rule: ${text.slice(0, 40)}`);
    }
  });
}

/** Index just past the bracket (or parenthesis) opened at `open`, respecting nesting and strings. */
function closingBracket(css: string, open: number): number {
  const stack: string[] = [];
  let i = open;
  while (i < css.length) {
    const ch = css[i]!;
    if (ch === '"' || ch === "'") {
      i = skipString(css, i);
      continue;
    }
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '/' && css[i + 1] === '*') {
      i = skipComment(css, i);
      continue;
    }
    if (ch === '(') stack.push(')');
    else if (ch === '[') stack.push(']');
    else if (ch === ')' || ch === ']') {
      if (stack.pop() !== ch) throw new Error(`css: unbalanced ${ch} at ${i}`);
      if (stack.length === 0) return i + 1;
    }
    i += 1;
  }
  throw new Error(`css: bracket opened at ${open} never closes`);
}

export function printCss(nodes: CssNode[]): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case 'rule':
          return `${node.prelude}{${node.body}}`;
        case 'group':
          return `@${node.name}${node.prelude ? ` ${node.prelude}` : ''}{${printCss(node.children)}}`;
        case 'at-block':
          return `@${node.name}${node.prelude ? ` ${node.prelude}` : ''}{${node.body}}`;
        case 'statement':
          return node.text;
        case 'comment':
          return node.text;
      }
    })
    .join('');
}

/**
 * Splits a selector list at its top-level commas: `a, :is(b, c)` is two
 * selectors, `a, :is(b, c)`'s second one keeping its inner comma.
 */
export function splitSelectorList(prelude: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let i = 0;
  while (i < prelude.length) {
    const ch = prelude[i]!;
    if (ch === '"' || ch === "'") i = skipString(prelude, i);
    else if (ch === '\\') i += 2;
    else if (ch === '(' || ch === '[') i = closingBracket(prelude, i);
    else if (ch === '/' && prelude[i + 1] === '*') i = skipComment(prelude, i);
    else {
      if (ch === ',') {
        parts.push(prelude.slice(start, i).trim());
        start = i + 1;
      }
      i += 1;
    }
  }
  parts.push(prelude.slice(start).trim());
  return parts.filter((part) => part !== '');
}

/**
 * The classes an element must carry for the selector to match anything: every
 * `.name` outside brackets and parentheses. `.a:not(.b) .c[title=".d"]` needs
 * a and c; b (under :not) and d (a string) say nothing, and neither do the
 * classes under :is(), :where() or :has() (one of several may do).
 */
export function requiredClasses(selector: string): string[] {
  const classes: string[] = [];
  let i = 0;
  while (i < selector.length) {
    const ch = selector[i]!;
    if (ch === '"' || ch === "'") i = skipString(selector, i);
    else if (ch === '(' || ch === '[') i = closingBracket(selector, i);
    else if (ch === '/' && selector[i + 1] === '*') i = skipComment(selector, i);
    else if (ch === '\\') i += 2;
    else if (ch === '.') {
      let j = i + 1;
      let name = '';
      while (j < selector.length) {
        const c = selector[j]!;
        if (c === '\\' && j + 1 < selector.length) {
          name += selector[j + 1];
          j += 2;
        } else if (/[-\w]/.test(c) || c.charCodeAt(0) > 0x7f) {
          name += c;
          j += 1;
        } else break;
      }
      if (name) classes.push(name);
      i = j;
    } else i += 1;
  }
  return classes;
}

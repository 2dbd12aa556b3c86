/**
 * Takes out of a stylesheet every selector that needs an element to carry a
 * class we never render, and every rule (and @media, @keyframes…) left
 * with nothing to do. What stays is printed exactly as it was, in its order,
 * so the cascade among the rules kept is unchanged.
 */
import { parseCss, printCss, requiredClasses, splitSelectorList, type CssNode } from './css-tree.js';

export type StripResult = {
  /** The stylesheet without the rules that can match nothing here. */
  kept: string;
  /**
   * The rules taken out, with their @media/@supports wrappers, in order: a
   * stylesheet of its own, to load only for a survey that needs them.
   */
  removed: string;
  /** Selectors taken out (for the build log and the tests). */
  removedSelectors: string[];
};

/**
 * `isUnused(className)` says whether a class never appears on the page. A
 * selector goes when one of the classes it requires (see requiredClasses) is
 * unused; a rule goes when all its selectors do; a rule whose selectors are
 * partly used keeps those, and the removed stylesheet gets the others.
 * @keyframes that nothing kept names any more go too.
 */
export function stripUnusedRules(css: string, isUnused: (className: string) => boolean): StripResult {
  const removedSelectors: string[] = [];
  const unused = (selector: string) => requiredClasses(selector).some(isUnused);

  const split = (nodes: CssNode[]): { kept: CssNode[]; removed: CssNode[] } => {
    const kept: CssNode[] = [];
    const removed: CssNode[] = [];
    for (const node of nodes) {
      if (node.kind === 'rule') {
        const selectors = splitSelectorList(node.prelude);
        const gone = selectors.filter(unused);
        if (gone.length === 0) {
          kept.push(node);
          continue;
        }
        removedSelectors.push(...gone);
        removed.push({ ...node, prelude: gone.join(',') });
        const stay = selectors.filter((selector) => !unused(selector));
        if (stay.length > 0) kept.push({ ...node, prelude: stay.join(',') });
      } else if (node.kind === 'group') {
        const inner = split(node.children);
        if (inner.kept.some(isRuleLike)) kept.push({ ...node, children: inner.kept });
        if (inner.removed.length > 0) removed.push({ ...node, children: inner.removed });
      } else {
        kept.push(node);
      }
    }
    return { kept, removed };
  };

  const { kept, removed } = split(parseCss(css));
  // Keyframes nothing kept refers to any more (by name, in a declaration or a custom property).
  const keptText = printCss(kept.filter((node) => !(node.kind === 'at-block' && isKeyframes(node.name))));
  const keptWithoutKeyframes = dropKeyframes(kept, (name) => !new RegExp(`(^|[^-\\w])${escapeRegExp(name)}([^-\\w]|$)`).test(keptText));
  const removedText = printCss(removed);
  // The removed rules may name keyframes that went with them: carry those over.
  const lostKeyframes = kept.filter(
    (node) => node.kind === 'at-block' && isKeyframes(node.name) && !keptWithoutKeyframes.includes(node),
  );
  return {
    kept: printCss(keptWithoutKeyframes),
    removed: printCss([...lostKeyframes.filter((node) => node.kind === 'at-block' && removedText.includes(node.prelude)), ...removed]),
    removedSelectors,
  };
}

const isKeyframes = (name: string) => /^(-\w+-)?keyframes$/.test(name);
const isRuleLike = (node: CssNode) => node.kind !== 'comment';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function dropKeyframes(nodes: CssNode[], drop: (name: string) => boolean): CssNode[] {
  return nodes.filter((node) => !(node.kind === 'at-block' && isKeyframes(node.name) && drop(node.prelude)));
}

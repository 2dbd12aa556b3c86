/**
 * Paging through a list route that answers a page and its `next` (the
 * `after` of the page that follows): the cursors of the pages shown so far,
 * and the Previous / Next buttons.
 */
import { useState } from 'react';

export type Pages = {
  /** The current page's `after`: undefined on the first page. */
  after: string | undefined;
  /** 1 for the first page. */
  number: number;
  next(after: string): void;
  previous(): void;
  /** Back to the first page (a new search, another filter). */
  reset(): void;
};

export function usePages(): Pages {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  return {
    after: cursors[cursors.length - 1],
    number: cursors.length,
    next: (after) => setCursors((c) => [...c, after]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    reset: () => setCursors([undefined]),
  };
}

/** The two buttons, e.g. "Previous participants" / "Next participants"; unless `always`, nothing when everything fits on one page. */
export function Pager(props: { pages: Pages; next: string | null; what: string; busy?: boolean; always?: boolean; labels?: { previous: string; next: string } }) {
  const { pages, next } = props;
  if (!props.always && pages.number === 1 && !next) return null;
  const labels = props.labels ?? { previous: `Previous ${props.what}`, next: `Next ${props.what}` };
  return (
    <p className="console-buttons">
      <button type="button" className="console-link-button" disabled={pages.number <= 1 || props.busy} onClick={() => pages.previous()}>
        {labels.previous}
      </button>
      <button type="button" className="console-link-button" disabled={!next || props.busy} onClick={() => next && pages.next(next)}>
        {labels.next}
      </button>
    </p>
  );
}

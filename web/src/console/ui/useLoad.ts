/**
 * What a page or section reads when it opens. What was read stays on screen
 * while it is read again, and when reading again fails (the problem shows
 * beside it), so a refresh that fails doesn't empty the page.
 */
import { useCallback, useEffect, useState } from 'react';
import { toProblem, type Problem } from './problem';
import { useSession } from './session';

export type Load<T> = {
  /** What the last successful read returned; null until one has. */
  data: T | null;
  /** Why the last read failed; null once one succeeds. No data and no problem: still loading. */
  problem: Problem | null;
  /** Read again (a Refresh button, or after a change). */
  reload(): void;
};

/** Reads again whenever `load` changes (keep it in a useCallback) and on `reload()`. */
export function useLoad<T>(load: () => Promise<T>): Load<T> {
  const { explain } = useSession();
  const [result, setResult] = useState<{ data: T | null; problem: Problem | null }>({ data: null, problem: null });
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setResult({ data, problem: null }),
      (error: unknown) => {
        if (!live) return;
        // Outside the state update: explain ends the session on a 401, and React may run an update twice.
        const problem = toProblem(error, explain);
        setResult((last) => ({ data: last.data, problem }));
      },
    );
    return () => {
      live = false;
    };
  }, [load, explain, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { ...result, reload };
}

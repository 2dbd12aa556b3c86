/** What a page reads when it opens: loading, the data, or why it could not be read. */
import { useEffect, useState } from 'react';
import { useSession } from './session';

export type Load<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

/** Reads again whenever `load` changes (keep it in a useCallback). */
export function useLoad<T>(load: () => Promise<T>): Load<T> {
  const { explain } = useSession();
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setResult({ state: 'ready', data }),
      (error: unknown) => live && setResult({ state: 'error', message: explain(error) }),
    );
    return () => {
      live = false;
    };
  }, [load, explain]);
  return result;
}

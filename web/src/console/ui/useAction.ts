/**
 * What a section does when someone presses its button: clear the section's
 * problem, show that it is busy, do the work, show the failure if there is
 * one, and never stay busy. One action per section: its problem box and what
 * is running.
 *
 *   const action = useAction();
 *   const submit = () => action.run(async () => setDone(await doIt(token)));
 *   <ProblemBox problem={action.problem} />
 *   <button disabled={action.busy}>…</button>
 */
import { useCallback, useState } from 'react';
import { toProblem, type Problem } from './problem';
import { useSession } from './session';

export type RunOptions = {
  /** Names this run, so that only its own button waits (`running(key)`): a row's id, say. '' when not given. */
  key?: string;
  /**
   * The failure as this section shows it, or null to show none here (the
   * caller shows it otherwise). By default `asProblem`: the explained error
   * with the server's details.
   */
  onError?(error: unknown, asProblem: (error: unknown) => Problem): Problem | null;
};

export type Action = {
  /** Something started with `run` is still going. */
  busy: boolean;
  /** The run started with this key is still going. */
  running(key: string): boolean;
  problem: Problem | null;
  /** A problem found before anything is sent (a form the contract refuses), or null to clear it. */
  setProblem(problem: Problem | null): void;
  run(work: () => Promise<void>, options?: RunOptions): Promise<void>;
};

export function useAction(): Action {
  const { explain } = useSession();
  const [keys, setKeys] = useState<readonly string[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);

  const run = useCallback(
    async (work: () => Promise<void>, options: RunOptions = {}) => {
      const key = options.key ?? '';
      setProblem(null);
      setKeys((running) => [...running, key]);
      try {
        await work();
      } catch (error) {
        const asProblem = (e: unknown) => toProblem(e, explain);
        setProblem(options.onError ? options.onError(error, asProblem) : asProblem(error));
      } finally {
        setKeys((running) => {
          const at = running.indexOf(key);
          return at < 0 ? running : [...running.slice(0, at), ...running.slice(at + 1)];
        });
      }
    },
    [explain],
  );

  return { busy: keys.length > 0, running: (key) => keys.includes(key), problem, setProblem, run };
}

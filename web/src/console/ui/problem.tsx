/** What went wrong, as a section shows it: a message and a list of details (the server's, or the form's). */
import { ApiProblem } from '../../api';
import type { Explain } from './session';

export type Problem = { message: string; details: string[] };

/** An API failure as a message and a list of details. */
export function toProblem(error: unknown, explain: Explain): Problem {
  if (error instanceof ApiProblem) return { message: explain(error), details: error.details.map((d) => `${d.path}: ${d.message}`) };
  return { message: explain(error), details: [] };
}

/** Each issue of a form the contract refuses, with the path of its field. */
function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(form)'}: ${issue.message}`);
}

/** A form the contract refuses, before anything is sent. */
export function formProblem(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): Problem {
  return { message: 'Please correct the form.', details: issuesOf(error) };
}

export function ProblemBox({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <div className="notice notice-warn" role="alert">
      <p>{problem.message}</p>
      {problem.details.length > 0 && (
        <ul className="console-problems">
          {problem.details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

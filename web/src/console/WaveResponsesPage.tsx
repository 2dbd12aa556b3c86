/**
 * A wave's responses (owners and researchers): each participant's answers per
 * instrument, as text. Every answer is rendered as text (React escapes it);
 * never use dangerouslySetInnerHTML here.
 */
import { useCallback } from 'react';
import type { WaveResponses } from '../../../functions/contracts/researcher.js';
import { listWaveResponses } from './consoleApi';
import { PageLink, Pager, formatDateTime, studyPath, useLoad, usePages, useSession } from './ui';

/** Participants per page: a wave of thousands is read a page at a time. */
const PAGE_SIZE = 100;

export function WaveResponsesPage(props: { studyId: string; waveId: string }) {
  const { studyId, waveId } = props;
  const { token } = useSession();
  const pages = usePages();
  const { after } = pages;
  const load = useCallback(() => listWaveResponses(token, studyId, waveId, { limit: PAGE_SIZE, ...(after ? { after } : {}) }), [token, studyId, waveId, after]);
  const responses = useLoad<WaveResponses>(load);
  const page = responses.data;

  return (
    <>
      <p>
        <PageLink to={studyPath(studyId)}>← Study {studyId}</PageLink>
      </p>
      <h1>
        Responses <span className="muted">{studyId} / {waveId}</span>
      </h1>
      {!page && !responses.problem && <p className="muted">Loading responses…</p>}
      {responses.problem && <p className="notice notice-warn">{responses.problem.message}</p>}
      {page && !responses.problem && (
        <>
          <ResponsesTable rows={page.responses} pageNumber={pages.number} more={page.next !== null} />
          <Pager pages={pages} next={page.next} what="participants" />
        </>
      )}
    </>
  );
}

function ResponsesTable({ rows, pageNumber, more }: { rows: WaveResponses['responses']; pageNumber: number; more: boolean }) {
  if (rows.length === 0) return <p>{pageNumber === 1 && !more ? 'No responses yet.' : 'No responses on this page.'}</p>;
  return (
    <>
      <p className="muted">
        {rows.length} response{rows.length === 1 ? '' : 's'}
        {pageNumber > 1 || more ? `, page ${pageNumber}${more ? ' (more follow)' : ''}` : ''}
      </p>
      <div className="console-table-wrap">
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">Participant</th>
              <th scope="col">Instrument</th>
              <th scope="col">Status</th>
              <th scope="col">Language</th>
              <th scope="col">Saved at</th>
              <th scope="col">Answers</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.participantCode}/${row.instrumentId}/${row.instrumentVersion}`}>
                <td>{row.participantCode}</td>
                <td>
                  {row.instrumentId} <span className="muted">v{row.instrumentVersion}</span>
                </td>
                <td>{row.status}</td>
                <td>{row.language}</td>
                <td>{formatDateTime(row.savedAt)}</td>
                <td>
                  <pre className="console-answers">{answersAsText(row.answers)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * One `key=value` line per answer. Strings as typed, unless they span lines
 * (then JSON, so each answer stays on one line); everything else as JSON.
 * Plain text only.
 */
function answersAsText(answers: Record<string, unknown>): string {
  return Object.entries(answers)
    .map(([key, value]) => {
      const text = typeof value === 'string' && !/[\r\n]/.test(value) ? value : JSON.stringify(value);
      return `${key}=${text}`;
    })
    .join('\n');
}

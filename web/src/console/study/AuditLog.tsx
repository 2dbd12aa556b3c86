/**
 * The audit log (platform admins): a month of one scope's entries, shown or
 * downloaded as CSV. On a study's page its scopes are the study and the
 * platform; on the studies list, the platform and every study.
 */
import { useState, type FormEvent } from 'react';
import type { AuditLog } from '../../../../functions/contracts/researcher.js';
import { ApiProblem } from '../../api';
import { downloadAuditCsv, readAuditLog } from '../consoleApi';
import { saveBlob } from '../linkSheet';
import { ProblemBox, formatDateTime, useAction, useSession } from '../ui';

export function AuditSection(props: { scopes: string[] }) {
  const { token } = useSession();
  const [scope, setScope] = useState(props.scopes[0] ?? '_platform');
  const [month, setMonth] = useState(new Date().toISOString().slice(0, 7));
  const [log, setLog] = useState<AuditLog | null>(null);
  // The `after` of each page shown so far: the last is the current page's (undefined: the first page).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const action = useAction();

  const showPage = (pages: (string | undefined)[]) =>
    action.run(
      async () => {
        setLog(await readAuditLog(token, scope, month, pages[pages.length - 1]));
        setCursors(pages);
      },
      { key: 'show' },
    );
  const show = (event?: FormEvent) => {
    event?.preventDefault();
    return showPage([undefined]);
  };

  const download = () =>
    action.run(async () => saveBlob(await downloadAuditCsv(token, scope, month), `audit-${scope}-${month}.csv`), {
      key: 'download',
      onError: (error, asProblem) => (error instanceof ApiProblem || error instanceof Error ? asProblem(error) : { message: 'Download failed.', details: [] }),
    });

  return (
    <section id="audit" className="console-card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <form className="console-inline-form" onSubmit={(e) => void show(e)}>
        <label>
          Scope
          <select
            value={scope}
            onChange={(e) => {
              setScope(e.target.value);
              setLog(null); // its pages belong to the scope shown
            }}
          >
            {props.scopes.map((s) => (
              <option key={s} value={s}>
                {s === '_platform' ? 'Platform (sign-ins, users)' : s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Month
          <input
            type="month"
            required
            value={month}
            onChange={(e) => {
              setMonth(e.target.value);
              setLog(null); // its pages belong to the month shown
            }}
          />
        </label>
        <button type="submit" className="console-link-button" disabled={action.running('show')}>
          Show audit log
        </button>
        <button type="button" className="console-link-button" onClick={() => void download()}>
          Download CSV
        </button>
      </form>
      <ProblemBox problem={action.problem} />
      {log && (
        <div className="console-table-wrap">
          <table className="console-table">
            <caption>
              Audit log of {log.scope}, {log.month} ({log.entries.length} entr{log.entries.length === 1 ? 'y' : 'ies'}
              {cursors.length > 1 || log.next ? `, page ${cursors.length}${log.next ? ', more follow' : ''}` : ''})
            </caption>
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {log.entries.map((e, i) => (
                <tr key={i}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.actor}</td>
                  <td>{e.action}</td>
                  <td>
                    {Object.entries(e.detail)
                      .map(([k, v]) => `${k}=${String(v)}`)
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log && (cursors.length > 1 || log.next) && (
        <p className="console-buttons">
          <button type="button" className="console-link-button" disabled={cursors.length <= 1 || action.running('show')} onClick={() => void showPage(cursors.slice(0, -1))}>
            Earlier entries
          </button>
          <button type="button" className="console-link-button" disabled={!log.next || action.running('show')} onClick={() => log.next && void showPage([...cursors, log.next])}>
            Later entries
          </button>
        </p>
      )}
    </section>
  );
}

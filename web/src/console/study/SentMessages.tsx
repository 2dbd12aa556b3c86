/**
 * The outbox of an embedded installation: what would have been emailed.
 * Hidden where there is no outbox (in AWS the route does not exist; SES's own
 * tools show what was sent).
 */
import { useEffect, useState } from 'react';
import type { SentMessage, SentMessageList } from '../../../../functions/contracts/participants.js';
import { ApiProblem } from '../../api';
import { listSentMessages, readSentMessage } from '../consoleApi';
import { ProblemBox, formatDateTime, toProblem, useSession, type Problem } from '../ui';

export function SentMessages(props: { studyId: string; version: number }) {
  const { studyId } = props;
  const { token, explain } = useSession();
  const [list, setList] = useState<SentMessageList | null>(null);
  const [absent, setAbsent] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [open, setOpen] = useState<SentMessage | null>(null);
  const [tick, setTick] = useState(0);
  const [offset, setOffset] = useState(0);
  const limit = 50;

  useEffect(() => {
    let live = true;
    listSentMessages(token, studyId, { offset, limit }).then(
      (l) => {
        if (!live) return;
        setProblem(null);
        setList(l);
      },
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiProblem && error.status === 404) setAbsent(true);
        else setProblem(toProblem(error, explain));
      },
    );
    return () => {
      live = false;
    };
  }, [token, studyId, explain, tick, offset, props.version]);

  if (absent) return null;
  const kinds: Record<string, string> = { invitation: 'Invitation', reminder: 'Reminder', 'study-team': 'To the study team' };
  return (
    <section id="messages" className="console-card" aria-labelledby="messages-heading">
      <h2 id="messages-heading">Sent messages</h2>
      <p className="muted console-hint">This installation writes emails to its outbox folder instead of sending them. Recipients are shown masked; opening a message is recorded in the audit log.</p>
      <button type="button" className="console-link-button" onClick={() => setTick((t) => t + 1)}>
        Refresh messages
      </button>
      <ProblemBox problem={problem} />
      {list && list.total === 0 && <p>No messages yet.</p>}
      {list && list.messages.length > 0 && (
        <div className="console-table-wrap">
          <table className="console-table">
            <caption>
              Messages {offset + 1}–{offset + list.messages.length} of {list.total}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Sent</th>
                <th scope="col">Kind</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
              </tr>
            </thead>
            <tbody>
              {list.messages.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.at)}</td>
                  <td>{kinds[m.kind] ?? m.kind}</td>
                  <td>{m.to}</td>
                  <td>
                    <button
                      type="button"
                      className="console-link-button"
                      onClick={() =>
                        void readSentMessage(token, studyId, m.id).then(
                          (message) => {
                            setProblem(null); // an earlier message that could not be opened no longer matters
                            setOpen(message);
                          },
                          (error: unknown) => setProblem(toProblem(error, explain)),
                        )
                      }
                    >
                      {m.subject}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list && list.total > limit && (
        <p className="console-buttons">
          <button type="button" className="console-link-button" disabled={offset === 0} onClick={() => setOffset((o) => Math.max(0, o - limit))}>
            Newer messages
          </button>
          <button type="button" className="console-link-button" disabled={offset + limit >= list.total} onClick={() => setOffset((o) => o + limit)}>
            Older messages
          </button>
        </p>
      )}
      {open && (
        <article className="console-message" aria-labelledby="message-heading">
          <h3 id="message-heading">{open.subject}</h3>
          <p className="muted">
            To {open.to}, {formatDateTime(open.at)}
          </p>
          <pre className="console-message-text">{open.text}</pre>
          <button type="button" className="console-link-button" onClick={() => setOpen(null)}>
            Close message
          </button>
        </article>
      )}
    </section>
  );
}

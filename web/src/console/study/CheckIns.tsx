/** Participants who asked for their worker to get in touch (from the closing page), and marking each handled. */
import { useEffect, useState } from 'react';
import { listCheckIns, markCheckInHandled } from '../consoleApi';
import { Pager, ProblemBox, formatDateTime, toProblem, useAction, usePages, useSession } from '../ui';

/** Requests per page: a large cohort's requests are read a page at a time. */
const PAGE_SIZE = 100;

export function CheckInsSection(props: { studyId: string; teamEmail?: string | undefined }) {
  const { studyId } = props;
  const { token, explain } = useSession();
  const [list, setList] = useState<Awaited<ReturnType<typeof listCheckIns>> | null>(null);
  const action = useAction();
  const { setProblem } = action;
  const [tick, setTick] = useState(0);
  const pages = usePages();
  const { after } = pages;

  useEffect(() => {
    let live = true;
    listCheckIns(token, studyId, { limit: PAGE_SIZE, ...(after ? { after } : {}) }).then(
      (l) => live && setList(l),
      (error: unknown) => live && setProblem(toProblem(error, explain)),
    );
    return () => {
      live = false;
    };
  }, [token, studyId, explain, tick, setProblem, after]);

  const handle = (waveId: string, participantCode: string) =>
    action.run(async () => {
      await markCheckInHandled(token, studyId, waveId, participantCode);
      setTick((t) => t + 1);
    });

  return (
    <section id="check-ins" className="console-card" aria-labelledby="check-ins-heading">
      <h2 id="check-ins-heading">Check-in requests</h2>
      <p className="muted">{props.teamEmail ? `Each request is also emailed to ${props.teamEmail}.` : "Each request is also emailed to the platform's study team address."}</p>
      <button type="button" className="console-link-button" onClick={() => setTick((t) => t + 1)}>
        Refresh check-ins
      </button>
      <ProblemBox problem={action.problem} />
      {list && list.checkIns.length === 0 && <p>{pages.number === 1 && !list.next ? 'No check-in requests.' : 'No check-in requests on this page.'}</p>}
      {list && list.checkIns.length > 0 && (
        <table className="console-table">
          <caption>Participants who asked for their worker to get in touch</caption>
          <thead>
            <tr>
              <th scope="col">Participant</th>
              <th scope="col">Wave</th>
              <th scope="col">Language</th>
              <th scope="col">Requested</th>
              <th scope="col">Handled</th>
            </tr>
          </thead>
          <tbody>
            {list.checkIns.map((c) => (
              <tr key={`${c.waveId}/${c.participantCode}`}>
                <td>{c.participantCode}</td>
                <td>{c.waveId}</td>
                <td>{c.language === 'cy' ? 'Welsh' : 'English'}</td>
                <td>{formatDateTime(c.requestedAt)}</td>
                <td>
                  {c.handledAt ? (
                    formatDateTime(c.handledAt)
                  ) : (
                    <button type="button" className="console-link-button" onClick={() => void handle(c.waveId, c.participantCode)}>
                      Mark handled<span className="visually-hidden"> for {c.participantCode}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list && <Pager pages={pages} next={list.next} what="requests" />}
    </section>
  );
}

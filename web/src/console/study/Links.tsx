/**
 * Personal links: issue them per wave (on a link sheet, or by email), send due
 * reminders, and the links just issued, shown once (they are stored only as
 * hashes): download, print, reissue the ones skipped.
 */
import { useEffect, useState } from 'react';
import type { IssueLinksResult } from '../../../../functions/contracts/participants.js';
import { issueLinks, sendReminders } from '../consoleApi';
import { linkSheetCsv, saveBlob, type SheetLink } from '../linkSheet';
import { ProblemBox, useAction, useSession, type Study, type Wave } from '../ui';
import { RecentContactChanges, recentlyChangedCodes } from './RecentContactChanges';
import type { Delivery, Issued } from './types';

export type Reissue = (waveId: string, codes: string[], delivery: Delivery, merge?: boolean, confirmRecentContactChanges?: boolean) => Promise<void>;

const toSheetLink = (l: IssueLinksResult['links'][number]): SheetLink => ({ participantCode: l.participantCode, link: new URL(l.path, location.origin).href });

/**
 * The links on screen, and the ways to change them; `onChange` after each
 * issue (participants' standing has changed). While links are on screen,
 * closing or reloading the tab asks first: they can't be shown again.
 */
export function useIssuedLinks(study: Study, onChange: () => void): { issued: Issued | null; show(issued: Issued): void; dismiss(): void; reissue: Reissue } {
  const { token } = useSession();
  const [issued, setIssued] = useState<Issued | null>(null);

  /**
   * Reissues links. From the skipped list (`merge`) the links already on screen
   * are kept, as they can't be shown again; from the participants list the new
   * link replaces what was on screen, as a fresh issue does.
   */
  const reissue: Reissue = async (waveId, codes, delivery, merge = false, confirmRecentContactChanges = false) => {
    const result = await issueLinks(token, study.studyId, waveId, { reissue: true, participantCodes: codes, delivery, ...(confirmRecentContactChanges ? { confirmRecentContactChanges } : {}) });
    const fresh = result.links.map(toSheetLink);
    const replaced = new Set([...fresh.map((l) => l.participantCode), ...(result.emailed ?? [])]);
    const waveName = study.waves.find((w) => w.waveId === waveId)?.name.en ?? waveId;
    setIssued((current) => {
      const same = merge && current && current.waveId === waveId ? current : null;
      return {
        waveId,
        waveName,
        reissue: true,
        delivery,
        links: [...(same?.links ?? []).filter((l) => !replaced.has(l.participantCode)), ...fresh].sort((a, b) => a.participantCode.localeCompare(b.participantCode)),
        emailed: [...new Set([...(same?.emailed ?? []), ...(result.emailed ?? [])])].sort(),
        skipped: [...(same?.skipped ?? []).filter((x) => !replaced.has(x.participantCode) && !codes.includes(x.participantCode)), ...result.skipped],
      };
    });
    onChange();
  };

  // Links on screen can't be shown again: ask before the tab is closed or reloaded.
  useEffect(() => {
    if (!issued || issued.links.length === 0) return;
    const warn = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [issued]);

  return {
    issued,
    show: (result) => {
      setIssued(result);
      onChange();
    },
    dismiss: () => setIssued(null),
    reissue,
  };
}

export function LinksSection(props: { study: Study; waves: Wave[]; issued: Issued | null; onIssued(issued: Issued): void; onPrint(): void; onDismiss(): void; reissue: Reissue }) {
  const { issued } = props;
  return (
    <section id="links" className="console-card" aria-labelledby="links-heading">
      <h2 id="links-heading">Links</h2>
      {props.waves.length === 0 && <p>Add a wave first.</p>}
      {props.waves.map((wave) => (
        <WaveLinks
          key={wave.waveId}
          studyId={props.study.studyId}
          waveId={wave.waveId}
          waveName={wave.name.en}
          reminders={wave.reminders?.afterDays ?? null}
          onIssued={props.onIssued}
        />
      ))}
      {issued && (
        <IssuedLinks
          issued={issued}
          studyId={props.study.studyId}
          onPrint={props.onPrint}
          onDismiss={props.onDismiss}
          onReissue={(codes) => props.reissue(issued.waveId, codes, 'sheet', true)}
        />
      )}
    </section>
  );
}

function WaveLinks(props: { studyId: string; waveId: string; waveName: string; reminders: number[] | null; onIssued(issued: Issued): void }) {
  const { token } = useSession();
  const action = useAction();
  const [delivery, setDelivery] = useState<Delivery>('sheet');
  const [reminded, setReminded] = useState<string | null>(null);
  /** Codes whose email address changed in the last 24 hours: the server waits for a "Send anyway". */
  const [recent, setRecent] = useState<string[] | null>(null);

  const issue = (confirmRecentContactChanges = false) =>
    action.run(
      async () => {
        const result = await issueLinks(token, props.studyId, props.waveId, { reissue: false, delivery, ...(confirmRecentContactChanges ? { confirmRecentContactChanges } : {}) });
        setRecent(null);
        props.onIssued({ waveId: props.waveId, waveName: props.waveName, reissue: false, delivery, skipped: result.skipped, links: result.links.map(toSheetLink), emailed: result.emailed ?? [] });
      },
      {
        onError: (error, asProblem) => {
          const codes = recentlyChangedCodes(error);
          setRecent(codes);
          return codes ? null : asProblem(error);
        },
      },
    );
  const choose = (next: Delivery) => {
    setDelivery(next);
    setRecent(null);
  };

  const remind = () => {
    setReminded(null);
    return action.run(async () => {
      const run = await sendReminders(token, props.studyId, props.waveId);
      setReminded(
        `${run.sent} reminder${run.sent === 1 ? '' : 's'} sent (${run.due} due of ${run.emailed} emailed)` +
          (run.failed ? `; ${run.failed} could not be sent and will be tried again` : '') +
          (run.skipped ? `; ${run.skipped} skipped` : '') +
          '.',
      );
    });
  };

  const name = `delivery-${props.waveId}`;
  return (
    <div className="console-wave-links" role="group" aria-labelledby={`links-${props.waveId}`}>
      <h3 id={`links-${props.waveId}`}>{props.waveName}</h3>
      <fieldset className="console-delivery">
        <legend>How links reach participants<span className="visually-hidden"> ({props.waveName})</span></legend>
        <label className="console-check">
          <input type="radio" name={name} checked={delivery === 'sheet'} onChange={() => choose('sheet')} />
          Link sheet (personal advisers hand them out)<span className="visually-hidden"> for {props.waveName}</span>
        </label>
        <label className="console-check">
          <input type="radio" name={name} checked={delivery === 'email'} onChange={() => choose('email')} />
          Email (participants with an email address held)<span className="visually-hidden"> for {props.waveName}</span>
        </label>
      </fieldset>
      <p className="console-buttons">
        <button type="button" className="button-primary" disabled={action.busy || recent !== null} onClick={() => void issue()}>
          {delivery === 'email' ? 'Email links' : 'Issue links'}
          <span className="visually-hidden"> for {props.waveName}</span>
        </button>
        {props.reminders && (
          <button type="button" className="console-link-button" disabled={action.busy} onClick={() => void remind()}>
            Send due reminders<span className="visually-hidden"> for {props.waveName}</span>
          </button>
        )}
      </p>
      {props.reminders && <p className="muted console-hint">Reminders go out {props.reminders.join(' and ')} days after the invitation email; they are also sent automatically every day.</p>}
      {reminded && (
        <p className="notice" role="status">
          {reminded}
        </p>
      )}
      {recent && (
        <RecentContactChanges
          id={`recent-${props.waveId}`}
          codes={recent}
          forWhat={`${props.waveName} links by email`}
          busy={action.busy}
          onSend={() => void issue(true)}
          onCancel={() => setRecent(null)}
        />
      )}
      <ProblemBox problem={action.problem} />
    </div>
  );
}

function IssuedLinks(props: { issued: Issued; studyId: string; onPrint(): void; onDismiss(): void; onReissue(codes: string[]): Promise<void> }) {
  const { issued } = props;
  const action = useAction();
  const reissue = (codes: string[]) => action.run(() => props.onReissue(codes));
  const filename = `links-${props.studyId}-${issued.waveId}.csv`;
  return (
    <div className="console-issued" aria-labelledby="issued-heading">
      <h3 id="issued-heading">
        {issued.reissue ? 'Reissued' : 'New'} links: {issued.waveName}
      </h3>
      {issued.delivery === 'email' && (
        <p className="notice" role="status">
          {issued.emailed.length} participant{issued.emailed.length === 1 ? '' : 's'} emailed their link{issued.reissue ? ' (their old links have stopped working)' : ''}.
          {issued.links.length > 0 ? ' Some emails could not be sent: their links are below, to hand out instead.' : ''}
        </p>
      )}
      {(issued.delivery === 'sheet' || issued.links.length > 0) && (
      <p className="notice notice-warn" role="status">
        {issued.links.length} link{issued.links.length === 1 ? '' : 's'} issued. These links are shown only now: they are stored scrambled and cannot be shown again. Download or print the link sheet before you leave this page
        {issued.reissue ? '; the old links have stopped working' : ''}.
      </p>
      )}
      {issued.links.length > 0 && (
        <p className="console-buttons">
          <button type="button" className="button-primary" onClick={() => saveBlob(new Blob([linkSheetCsv(issued.links)], { type: 'text/csv;charset=utf-8' }), filename)}>
            Download link sheet (CSV)
          </button>
          <button type="button" className="console-link-button" onClick={props.onPrint}>
            Print link sheet
          </button>
          <button type="button" className="console-link-button" onClick={props.onDismiss}>
            I have saved them: hide the links
          </button>
        </p>
      )}
      <ProblemBox problem={action.problem} />
      {issued.skipped.length > 0 && (
        <table className="console-table">
          <caption>{issued.delivery === 'email' ? 'Not emailed' : 'Not issued'}</caption>
          <thead>
            <tr>
              <th scope="col">Participant</th>
              <th scope="col">Reason</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {issued.skipped.map((s) => (
              <tr key={s.participantCode}>
                <td>{s.participantCode}</td>
                <td>{s.reason}</td>
                <td>
                  {s.reason.startsWith('already has a link') && (
                    <button type="button" className="console-link-button" disabled={action.busy} onClick={() => void reissue([s.participantCode])}>
                      Reissue<span className="visually-hidden"> a link for {s.participantCode}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {issued.links.length > 0 && (
        <div className="console-table-wrap">
          <table className="console-table" id="issued-links">
            <caption>Personal links for {issued.waveName}</caption>
            <thead>
              <tr>
                <th scope="col">Participant</th>
                <th scope="col">Link</th>
              </tr>
            </thead>
            <tbody>
              {issued.links.map((l) => (
                <tr key={l.participantCode}>
                  <td>{l.participantCode}</td>
                  <td className="console-link-cell">{l.link}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

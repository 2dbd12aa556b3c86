/**
 * Personal links: issue them per wave (on a link sheet, or by email), send due
 * reminders, and the links just issued, shown once (they are stored only as
 * hashes): download, print, reissue the ones skipped.
 */
import { useEffect, useState } from 'react';
import type { IssueLinksResult } from '../../../../functions/contracts/participants.js';
import type { LinkJob } from '../../../../functions/contracts/link-jobs.js';
import { createLinkJob, downloadLinkSheet, getLinkJob, issueLinks, listLinkJobs, sendReminders } from '../consoleApi';
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
      <KeptSheets study={props.study} issued={issued} onShow={props.onIssued} />
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
  /** A link job's progress while it runs. */
  const [progress, setProgress] = useState<LinkJob['progress'] | null>(null);

  const issue = (confirmRecentContactChanges = false) =>
    action.run(
      async () => {
        // A link job, however few the links: the sheet is kept for a day if this tab is closed or the connection drops.
        const started = await createLinkJob(token, props.studyId, props.waveId, { reissue: false, delivery, ...(confirmRecentContactChanges ? { confirmRecentContactChanges } : {}) });
        setRecent(null);
        const job = await untilFinished(token, props.studyId, started, setProgress);
        setProgress(null);
        if (job.status === 'failed') throw new Error(job.error ?? 'The links could not be issued.');
        const sheet = await downloadLinkSheet(token, props.studyId, job.jobId);
        props.onIssued({
          waveId: props.waveId,
          waveName: props.waveName,
          reissue: false,
          delivery,
          skipped: sheet.skipped,
          links: sheet.links.map(toSheetLink),
          emailed: sheet.emailed ?? [],
          availableUntil: job.sheetAvailableUntil ?? undefined,
        });
      },
      {
        onError: (error, asProblem) => {
          setProgress(null);
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
      {progress && (
        <p className="notice" role="status">
          Issuing links: {progress.done.toLocaleString('en-GB')} of {progress.total.toLocaleString('en-GB')} participants done.
        </p>
      )}
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
        {issued.links.length} link{issued.links.length === 1 ? '' : 's'} issued.{' '}
        {issued.availableUntil
          ? `This sheet can be shown again until ${shortTime(issued.availableUntil)} (under "Link sheets kept for you"); after that these links cannot be shown again, as they are stored scrambled. Download or print the link sheet now`
          : 'These links are shown only now: they are stored scrambled and cannot be shown again. Download or print the link sheet before you leave this page'}
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

/** How often a running link job is asked how far it has got. */
const POLL_MS = 1000;

/** Waits for a link job to finish or fail, reporting its progress. */
async function untilFinished(token: string, studyId: string, job: LinkJob, onProgress: (progress: LinkJob['progress']) => void): Promise<LinkJob> {
  let current = job;
  while (current.status === 'queued' || current.status === 'running') {
    onProgress(current.progress);
    await new Promise((done) => setTimeout(done, POLL_MS));
    current = await getLinkJob(token, studyId, current.jobId);
  }
  return current;
}

const shortTime = (iso: string) => new Date(iso).toLocaleString('en-GB', { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/**
 * The caller's link sheets still kept (a day after each job): a tab closed or
 * a connection lost while links were on screen loses nothing.
 */
function KeptSheets(props: { study: Study; issued: Issued | null; onShow(issued: Issued): void }) {
  const { token } = useSession();
  const action = useAction();
  const [jobs, setJobs] = useState<LinkJob[]>([]);
  // A job started from this page and then left (reloaded, closed) still shows, with its progress, until it finishes.
  const unfinished = jobs.some((job) => job.status === 'queued' || job.status === 'running');
  useEffect(() => {
    let live = true;
    const load = () =>
      listLinkJobs(token, props.study.studyId)
        .then((list) => live && setJobs(list.jobs.filter((job) => job.status === 'queued' || job.status === 'running' || (job.status === 'finished' && job.sheetAvailableUntil && (job.counts?.links ?? 0) > 0))))
        .catch(() => undefined);
    void load();
    const timer = unfinished ? setInterval(() => void load(), 2 * POLL_MS) : undefined;
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [token, props.study.studyId, props.issued, unfinished]);
  if (jobs.length === 0) return null;
  const waveName = (waveId: string) => props.study.waves.find((w) => w.waveId === waveId)?.name.en ?? waveId;
  const show = (job: LinkJob) =>
    action.run(async () => {
      const sheet = await downloadLinkSheet(token, props.study.studyId, job.jobId);
      props.onShow({
        waveId: job.waveId,
        waveName: waveName(job.waveId),
        reissue: job.reissue,
        delivery: job.delivery,
        links: sheet.links.map(toSheetLink),
        skipped: sheet.skipped,
        emailed: sheet.emailed ?? [],
        availableUntil: job.sheetAvailableUntil ?? undefined,
      });
    });
  return (
    <div className="console-kept-sheets">
      <h3 id="kept-sheets-heading">Link sheets kept for you</h3>
      <ul aria-labelledby="kept-sheets-heading">
        {jobs.map((job) =>
          job.status !== 'finished' ? (
            <li key={job.jobId}>
              {waveName(job.waveId)}: issuing links, {job.progress.done.toLocaleString('en-GB')} of {job.progress.total.toLocaleString('en-GB')} participants done (started {shortTime(job.requestedAt)}).
            </li>
          ) : (
            <li key={job.jobId}>
              {waveName(job.waveId)}: {job.counts?.links ?? 0} link{job.counts?.links === 1 ? '' : 's'} {job.reissue ? 'reissued' : 'issued'} {shortTime(job.finishedAt ?? job.requestedAt)}, kept until {shortTime(job.sheetAvailableUntil!)}.{' '}
              <button type="button" className="console-link-button" disabled={action.busy} onClick={() => void show(job)}>
                Show these links<span className="visually-hidden"> ({waveName(job.waveId)}, {shortTime(job.finishedAt ?? job.requestedAt)})</span>
              </button>
            </li>
          ),
        )}
      </ul>
      <ProblemBox problem={action.problem} />
    </div>
  );
}

/**
 * A study's dataset exports (analysts and admins): start an anonymised export,
 * follow it while it is built, read what it holds, and download it. Every
 * request and every download is recorded in the study's audit log by the server.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { CreateExportRequest, ExportJob } from '../../../../functions/contracts/exports.js';
import { exportDownloadUrl, getExport, listExports, startExport } from '../consoleApi';
import { PageLink, ProblemBox, formatDateTime, groupLabel, sroiPath, toProblem, useAction, useSession, type Problem, type Study } from '../ui';

/** How often a running export is asked how far it has got. */
export const POLL_MS = 1500;

const running = (job: ExportJob) => job.status === 'queued' || job.status === 'running';
const count = (n: number) => n.toLocaleString('en-GB');

export function ExportsView(props: { study: Study }) {
  const { study } = props;
  const { token, explain } = useSession();
  const [includePartial, setIncludePartial] = useState(false);
  const [includeFreeText, setIncludeFreeText] = useState(false);
  const [studyStableKey, setStudyStableKey] = useState(false);
  const [k, setK] = useState('5');
  /** Starting an export (key 'start'), or preparing an export's download (key: its id). */
  const action = useAction();
  const [jobs, setJobs] = useState<ExportJob[] | null>(null);
  const [listProblem, setListProblem] = useState<Problem | null>(null);
  /** One sentence for screen readers: started, finished, failed, downloading. */
  const [status, setStatus] = useState('');
  const jobsRef = useRef<ExportJob[] | null>(null);
  jobsRef.current = jobs;

  const refresh = useCallback(() => {
    listExports(token, study.studyId).then(
      (list) => {
        setJobs(list.exports);
        setListProblem(null);
      },
      (error: unknown) => setListProblem(toProblem(error, explain)),
    );
  }, [token, study.studyId, explain]);

  useEffect(refresh, [refresh]);

  // While any export is queued or running, ask how far each has got.
  const pending = (jobs ?? []).filter(running).map((job) => job.exportId).join(' ');
  useEffect(() => {
    if (!pending) return;
    let live = true;
    const timer = setTimeout(async () => {
      const ids = pending.split(' ');
      const fresh: ExportJob[] = [];
      for (const id of ids) {
        try {
          fresh.push(await getExport(token, study.studyId, id));
        } catch (error) {
          if (live) setListProblem(toProblem(error, explain));
        }
      }
      if (!live) return;
      const before = new Map((jobsRef.current ?? []).map((job) => [job.exportId, job]));
      for (const job of fresh) {
        const was = before.get(job.exportId);
        if (was && running(was) && job.status === 'done') setStatus(`The export of ${formatDateTime(job.requestedAt)} is ready to download.`);
        if (was && running(was) && job.status === 'failed') setStatus(`The export of ${formatDateTime(job.requestedAt)} failed.`);
      }
      const byId = new Map(fresh.map((job) => [job.exportId, job]));
      // Always a new list, so this effect runs again while anything is still pending (after a failed poll too).
      setJobs((list) => (list ?? []).map((job) => byId.get(job.exportId) ?? job));
    }, POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [pending, jobs, token, study.studyId, explain]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const kValue = Number(k);
    if (!Number.isInteger(kValue) || kValue < 2 || kValue > 100) return action.setProblem({ message: 'k must be a whole number from 2 to 100.', details: [] });
    const body: CreateExportRequest = { includePartial, includeFreeText, studyStableKey, k: kValue };
    await action.run(
      async () => {
        const job = await startExport(token, study.studyId, body);
        setJobs((list) => [job, ...(list ?? []).filter((j) => j.exportId !== job.exportId)]);
        setStatus('Export started. Its progress is shown below.');
      },
      { key: 'start' },
    );
  };

  const download = (job: ExportJob) =>
    action.run(
      async () => {
        const link = await exportDownloadUrl(token, study.studyId, job.exportId);
        setStatus(`Downloading ${link.fileName}. This download is recorded in the study's audit log.`);
        // The package is sent as an attachment: the browser saves it and this page stays.
        window.location.assign(link.url);
      },
      { key: job.exportId },
    );

  return (
    <>
      <h1>
        Dataset exports <span className="muted">{study.title.en}</span>
      </h1>
      <p>
        Each export is one zip of anonymised files: the answers (long and wide), scale scores and change from baseline, a codebook in English and Welsh, scripts to load it
        in R or SPSS, and a README saying exactly what was removed. No names, codes, contact details, links or dates ever leave: participants get new pseudonyms in each
        export, and dates become days since baseline. Packages are kept for 7 days.
      </p>
      {study.group && <p className="notice console-group-note">Your exports hold the participants of {groupLabel(study, study.group)} only, and you see only those exports.</p>}
      <p>
        <PageLink to={sroiPath(study.studyId)}>Run an SROI analysis on an export</PageLink>
      </p>

      <section className="console-card" aria-labelledby="new-export-heading">
        <h2 id="new-export-heading">New export</h2>
        <form className="console-form console-form-wide" onSubmit={submit}>
          <fieldset>
            <legend>What to include</legend>
            <label className="console-check">
              <input type="checkbox" checked={includePartial} onChange={(e) => setIncludePartial(e.target.checked)} aria-describedby="export-partial-hint" />
              Include unfinished questionnaires
            </label>
            <p id="export-partial-hint" className="console-hint muted console-option-hint">
              Answers from questionnaires someone started but didn't finish. Left out unless you tick this.
            </p>
            <label className="console-check">
              <input type="checkbox" checked={includeFreeText} onChange={(e) => setIncludeFreeText(e.target.checked)} aria-describedby="export-free-text-hint" />
              Include free-text answers (weakens anonymisation)
            </label>
            <p id="export-free-text-hint" className="console-hint muted console-option-hint">
              What people wrote in their own words. It can name a person, a place or a service, and so identify someone even without their name. Left out unless you tick
              this; asking for it is recorded in the audit log and the package's README carries a warning. Only tick it if your analysis needs it and you can keep the file
              secure.
            </p>
            <label className="console-check">
              <input type="checkbox" checked={studyStableKey} onChange={(e) => setStudyStableKey(e.target.checked)} aria-describedby="export-stable-key-hint" />
              Same pseudonyms as other exports of this study (weakens anonymisation)
            </label>
            <p id="export-stable-key-hint" className="console-hint muted console-option-hint">
              Normally every export gives participants new pseudonyms, so two exports can't be joined. Tick this to keep each person's pseudonym the same across this
              study's exports, for example to add a later wave to an earlier file. Joined files say more about each person, which makes them easier to recognise; asking for it
              is recorded in the audit log.
            </p>
          </fieldset>
          <label>
            Smallest group size (k)
            <input type="number" inputMode="numeric" min={2} max={100} step={1} required value={k} onChange={(e) => setK(e.target.value)} aria-describedby="export-k-hint" />
          </label>
          <p id="export-k-hint" className="console-hint muted">
            Protects people in small groups. Wherever fewer than k participants share the same combination of the study's quasi-identifiers (for example local authority, age
            band and gender), those values are generalised or blanked, so no one stands out. 5 is the usual choice; a higher k protects more and blanks more. The README and the
            summary say how many values were blanked.
          </p>
          <ProblemBox problem={action.problem} />
          <button type="submit" className="button-primary" disabled={action.running('start')}>
            {action.running('start') ? 'Starting…' : 'Start export'}
          </button>
        </form>
      </section>

      <p role="status" aria-live="polite" className="console-live">
        {status}
      </p>

      <section className="console-card" aria-labelledby="export-list-heading">
        <h2 id="export-list-heading">This study's exports</h2>
        <p className="muted">Downloading a package is recorded in the study's audit log, with your name and the time.</p>
        <ProblemBox problem={listProblem} />
        {jobs === null && !listProblem && <p className="muted">Loading exports…</p>}
        {jobs?.length === 0 && <p>No exports yet.</p>}
        {jobs && jobs.length > 0 && (
          <ul className="console-exports">
            {jobs.map((job) => (
              <ExportItem key={job.exportId} job={job} downloading={action.running(job.exportId)} onDownload={() => void download(job)} />
            ))}
          </ul>
        )}
        <button type="button" className="console-link-button" onClick={refresh}>
          Refresh exports
        </button>
      </section>
    </>
  );
}

const STATUS_TEXT: Record<ExportJob['status'], string> = { queued: 'Waiting to start', running: 'Being built', done: 'Ready', failed: 'Failed' };

const PHASE_TEXT: Record<ExportJob['progress']['phase'], string> = {
  queued: 'Waiting to start',
  reading: 'Reading responses',
  writing: 'Writing the files',
  packing: 'Packing the zip',
  done: 'Finishing',
};

/** The progress in words: the text equivalent of the bar. */
export function progressText(progress: ExportJob['progress']): string {
  const phase = PHASE_TEXT[progress.phase];
  if (progress.phase === 'reading') return `${phase}: ${count(progress.done)} read so far`;
  if (progress.total !== null && progress.total > 0) {
    return `${phase}: ${count(progress.done)} of ${count(progress.total)} parts (${Math.floor((progress.done / progress.total) * 100)}%)`;
  }
  return `${phase}…`;
}

function optionsText(options: ExportJob['options']): string {
  return [
    options.includePartial ? 'unfinished questionnaires included' : 'completed questionnaires only',
    options.includeFreeText ? 'free text included' : 'no free text',
    options.studyStableKey ? 'same pseudonyms as other exports' : 'new pseudonyms',
    `k = ${options.k}`,
  ].join(', ');
}

function ExportItem(props: { job: ExportJob; downloading: boolean; onDownload(): void }) {
  const { job } = props;
  const headingId = `export-${job.exportId}`;
  const progressId = `export-progress-${job.exportId}`;
  const { total, done } = job.progress;
  // Known only while the files are written: reading and packing show an indeterminate bar.
  const determinate = total !== null && total > 0 && job.progress.phase === 'writing';
  return (
    <li className="console-export">
      <h3 id={headingId}>
        Export of {formatDateTime(job.requestedAt)}{' '}
        <span className={`console-export-status console-export-${job.status}`}>{STATUS_TEXT[job.status]}</span>
        {job.summary?.synthetic && (
          <>
            {' '}
            <span className="console-badge" title="Made-up participants from the synthetic cohort generator">
              SYNTHETIC
            </span>
          </>
        )}
      </h3>
      <p className="muted">
        {job.exportId} · {optionsText(job.options)}
      </p>
      {running(job) && (
        <div className="console-export-progress">
          <label htmlFor={progressId}>
            Progress<span className="visually-hidden"> of the export of {formatDateTime(job.requestedAt)}</span>
          </label>
          {determinate ? (
            <progress id={progressId} max={total} value={done} aria-describedby={`${progressId}-text`} />
          ) : (
            <progress id={progressId} aria-describedby={`${progressId}-text`} />
          )}
          <span id={`${progressId}-text`} className="console-export-progress-text">
            {progressText(job.progress)}
          </span>
        </div>
      )}
      {job.status === 'done' && job.summary && (
        <p className="console-export-summary">
          {count(job.summary.participants)} participants, {count(job.summary.responses)} responses, {count(job.summary.suppressedValues)} value
          {job.summary.suppressedValues === 1 ? '' : 's'} blanked to protect small groups
          {job.summary.synthetic ? '. Synthetic data: these are not real people.' : '.'}
          {job.finishedAt && <span className="muted"> Finished {formatDateTime(job.finishedAt)}.</span>}
        </p>
      )}
      {job.status === 'done' && (
        <button type="button" className="button-primary" disabled={props.downloading} onClick={props.onDownload} aria-describedby={`${headingId}-audit`}>
          {props.downloading ? 'Preparing download…' : 'Download'}
          <span className="visually-hidden"> the export of {formatDateTime(job.requestedAt)}</span>
        </button>
      )}
      {job.status === 'done' && (
        <p id={`${headingId}-audit`} className="console-hint muted console-after-button">
          {job.fileName ?? 'The zip'}
          {job.bytes !== undefined ? ` (${formatBytes(job.bytes)})` : ''}. The download is recorded in the audit log.
        </p>
      )}
      {job.status === 'failed' && <p className="notice notice-warn">{job.error ?? "This export failed. Start a new one; if it fails again, tell the platform's administrator."}</p>}
    </li>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

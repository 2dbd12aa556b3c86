/** A study's page: waves, participants, links, progress, withdrawals, check-ins and (admins) the audit log. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { IssueLinksResult, StudyProgress } from '../../../functions/contracts/participants.js';
import type { AuditLog, Role, StudyList } from '../../../functions/contracts/researcher.js';
import { ApiProblem } from '../api';
import {
  downloadAuditCsv,
  importParticipants,
  issueLinks,
  listCheckIns,
  markCheckInHandled,
  readAuditLog,
  studyProgress,
  withdrawParticipant,
} from './consoleApi';
import { linkSheetCsv, saveBlob, type SheetLink } from './linkSheet';
import { AddWaveForm, ProblemBox, toProblem, type Problem } from './SetupForms';
import { knownAttributes } from './studyMemory';

type Study = StudyList['studies'][number];
type Explain = (error: unknown) => string;
type Issued = { waveId: string; waveName: string; links: SheetLink[]; skipped: IssueLinksResult['skipped']; reissue: boolean };

export function StudyPage(props: { token: string; role: Role; study: Study; explain: Explain; reload(): void; wavePath(waveId: string): string; navigate(to: string): void }) {
  const { token, study, explain } = props;
  const [issued, setIssued] = useState<Issued | null>(null);
  const [printing, setPrinting] = useState(false);
  const [progressVersion, setProgressVersion] = useState(0);
  const waves = [...study.waves].sort((a, b) => a.ordinal - b.ordinal);
  const bumpProgress = useCallback(() => setProgressVersion((v) => v + 1), []);

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

  if (printing && issued) return <PrintSheet studyTitle={study.title.en} issued={issued} onBack={() => setPrinting(false)} />;

  return (
    <>
      <h1>
        {study.title.en} <span className="muted">{study.studyId}</span>
      </h1>
      <nav aria-label="On this page" className="console-toc no-print">
        <a href="#waves">Waves</a> · <a href="#participants">Participants</a> · <a href="#links">Links</a> · <a href="#progress">Progress</a> ·{' '}
        <a href="#withdraw">Withdraw</a> · <a href="#check-ins">Check-ins</a>
        {props.role === 'admin' && (
          <>
            {' '}
            · <a href="#audit">Audit log</a>
          </>
        )}
      </nav>

      <section id="waves" className="console-card" aria-labelledby="waves-heading">
        <h2 id="waves-heading">Waves</h2>
        {waves.length === 0 ? (
          <p>No waves yet.</p>
        ) : (
          <table className="console-table">
            <caption>Waves of {study.title.en}</caption>
            <thead>
              <tr>
                <th scope="col">Ordinal</th>
                <th scope="col">Wave</th>
                <th scope="col">Window</th>
                <th scope="col">Responses</th>
              </tr>
            </thead>
            <tbody>
              {waves.map((wave) => (
                <tr key={wave.waveId}>
                  <td>{wave.ordinal}</td>
                  <td>
                    {wave.name.en} <span className="muted">({wave.waveId})</span>
                  </td>
                  <td>{windowText(wave.window)}</td>
                  <td>
                    <a
                      href={props.wavePath(wave.waveId)}
                      onClick={(e) => {
                        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
                        e.preventDefault();
                        props.navigate(props.wavePath(wave.waveId));
                      }}
                    >
                      View responses<span className="visually-hidden"> to {wave.name.en}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <AddWaveForm token={token} studyId={study.studyId} nextOrdinal={waves.length === 0 ? 0 : Math.max(...waves.map((w) => w.ordinal)) + 1} explain={explain} onCreated={props.reload} />
      </section>

      <ImportSection token={token} studyId={study.studyId} explain={explain} onImported={bumpProgress} />

      <section id="links" className="console-card" aria-labelledby="links-heading">
        <h2 id="links-heading">Links</h2>
        {waves.length === 0 && <p>Add a wave first.</p>}
        {waves.map((wave) => (
          <WaveLinks
            key={wave.waveId}
            token={token}
            studyId={study.studyId}
            waveId={wave.waveId}
            waveName={wave.name.en}
            explain={explain}
            onIssued={(result) => {
              setIssued(result);
              bumpProgress();
            }}
          />
        ))}
        {issued && (
          <IssuedLinks
            issued={issued}
            studyId={study.studyId}
            onPrint={() => setPrinting(true)}
            onDismiss={() => setIssued(null)}
            onReissue={async (codes) => {
              const result = await issueLinks(token, study.studyId, issued.waveId, { reissue: true, participantCodes: codes });
              // Keep the links already on screen (they can't be shown again): add the reissued ones.
              const fresh = result.links.map(toSheetLink);
              const replaced = new Set(fresh.map((l) => l.participantCode));
              setIssued((current) =>
                current && {
                  ...current,
                  reissue: true,
                  links: [...current.links.filter((l) => !replaced.has(l.participantCode)), ...fresh].sort((a, b) => a.participantCode.localeCompare(b.participantCode)),
                  skipped: [...current.skipped.filter((x) => !replaced.has(x.participantCode)), ...result.skipped],
                },
              );
              bumpProgress();
            }}
            explain={explain}
          />
        )}
      </section>

      <ProgressSection token={token} study={study} explain={explain} version={progressVersion} />
      <WithdrawSection token={token} studyId={study.studyId} explain={explain} onDone={bumpProgress} />
      <CheckInsSection token={token} studyId={study.studyId} explain={explain} />
      {props.role === 'admin' && <AuditSection token={token} scopes={[study.studyId, '_platform']} explain={explain} />}
    </>
  );
}

export function windowText(window: Study['waves'][number]['window']): string {
  if (window.kind === 'fixed') return `${formatDateTime(window.opensAt)} – ${formatDateTime(window.closesAt)}`;
  return `opens ${window.opensAfterDays} days after baseline, for ${window.openForDays} days`;
}

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

// --- Participants -----------------------------------------------------------

function ImportSection(props: { token: string; studyId: string; explain: Explain; onImported(): void }) {
  const [csv, setCsv] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [imported, setImported] = useState<number | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setImported(null);
    const text = file ? await file.text() : csv;
    if (text.trim() === '') {
      setProblem({ message: 'Choose a CSV file or paste the CSV first.', details: [] });
      return;
    }
    setBusy(true);
    try {
      const result = await importParticipants(props.token, props.studyId, text);
      setImported(result.imported);
      props.onImported();
    } catch (error) {
      setProblem(toProblem(error, props.explain));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section id="participants" className="console-card" aria-labelledby="participants-heading">
      <h2 id="participants-heading">Participants</h2>
      <form className="console-form console-form-wide" onSubmit={submit}>
        <p className="muted console-hint">
          A CSV whose first column is <code>participant_code</code>, then one column per declared attribute. All rows are imported, or none.
        </p>
        <label>
          CSV file
          <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
        <label>
          Or paste the CSV
          <textarea rows={6} value={csv} onChange={(e) => setCsv(e.target.value)} disabled={file !== null} />
        </label>
        <ProblemBox problem={problem} />
        {imported !== null && (
          <p className="notice" role="status">
            Imported {imported} participant{imported === 1 ? '' : 's'}.
          </p>
        )}
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import participants'}
        </button>
      </form>
    </section>
  );
}

// --- Links -------------------------------------------------------------------

function WaveLinks(props: { token: string; studyId: string; waveId: string; waveName: string; explain: Explain; onIssued(issued: Issued): void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [code, setCode] = useState('');

  const issue = async (codes: string[] | undefined, reissue: boolean) => {
    setBusy(true);
    setProblem(null);
    try {
      const result = await issueLinks(props.token, props.studyId, props.waveId, { reissue, ...(codes ? { participantCodes: codes } : {}) });
      props.onIssued({
        waveId: props.waveId,
        waveName: props.waveName,
        reissue,
        skipped: result.skipped,
        links: result.links.map(toSheetLink),
      });
    } catch (error) {
      setProblem(toProblem(error, props.explain));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="console-wave-links" role="group" aria-labelledby={`links-${props.waveId}`}>
      <h3 id={`links-${props.waveId}`}>{props.waveName}</h3>
      <button type="button" className="button-primary" disabled={busy} onClick={() => void issue(undefined, false)}>
        Issue links<span className="visually-hidden"> for {props.waveName}</span>
      </button>
      <form
        className="console-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (code.trim()) void issue([code.trim()], true);
        }}
      >
        <label>
          Participant code to reissue<span className="visually-hidden"> ({props.waveName})</span>
          <input value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <button type="submit" className="console-link-button" disabled={busy}>
          Reissue link<span className="visually-hidden"> for {props.waveName}</span>
        </button>
      </form>
      <ProblemBox problem={problem} />
    </div>
  );
}

const toSheetLink = (l: IssueLinksResult['links'][number]): SheetLink => ({ participantCode: l.participantCode, link: new URL(l.path, location.origin).href });

function IssuedLinks(props: { issued: Issued; studyId: string; onPrint(): void; onDismiss(): void; onReissue(codes: string[]): Promise<void>; explain: Explain }) {
  const { issued } = props;
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const reissue = async (codes: string[]) => {
    setBusy(true);
    setProblem(null);
    try {
      await props.onReissue(codes);
    } catch (error) {
      setProblem(toProblem(error, props.explain));
    } finally {
      setBusy(false);
    }
  };
  const filename = `links-${props.studyId}-${issued.waveId}.csv`;
  return (
    <div className="console-issued" aria-labelledby="issued-heading">
      <h3 id="issued-heading">
        {issued.reissue ? 'Reissued' : 'New'} links: {issued.waveName}
      </h3>
      <p className="notice notice-warn" role="status">
        {issued.links.length} link{issued.links.length === 1 ? '' : 's'} issued. These links are shown only now: they are stored scrambled and cannot be shown again. Download or print the link sheet before you leave this page
        {issued.reissue ? '; the old links have stopped working' : ''}.
      </p>
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
      <ProblemBox problem={problem} />
      {issued.skipped.length > 0 && (
        <table className="console-table">
          <caption>Skipped: already have a link for this wave</caption>
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
                  <button type="button" className="console-link-button" disabled={busy} onClick={() => void reissue([s.participantCode])}>
                    Reissue<span className="visually-hidden"> a link for {s.participantCode}</span>
                  </button>
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

type QrModule = typeof import('./qr');

function QrCode({ qr, text, label }: { qr: QrModule; text: string; label: string }) {
  const { size, d } = qr.qrPath(text);
  return (
    <svg className="console-qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shapeRendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

function PrintSheet(props: { studyTitle: string; issued: Issued; onBack(): void }) {
  const [qr, setQr] = useState<QrModule | 'failed' | null>(null);
  useEffect(() => {
    document.body.classList.add('console-printing');
    let live = true;
    import('./qr').then(
      (module) => live && setQr(module),
      () => live && setQr('failed'),
    );
    return () => {
      live = false;
      document.body.classList.remove('console-printing');
    };
  }, []);
  return (
    <div className="console-print-sheet">
      <p className="console-buttons no-print">
        <button type="button" className="button-primary" disabled={qr === null} onClick={() => window.print()}>
          Print
        </button>
        <button type="button" className="console-link-button" onClick={props.onBack}>
          Back to the study
        </button>
      </p>
      <p className="notice notice-warn no-print">Each link works as a password for one participant: hand each slip only to its participant, and destroy spare copies.</p>
      <h1>
        Link sheet: {props.studyTitle}, {props.issued.waveName}
      </h1>
      {qr === null && (
        <p className="muted no-print" role="status">
          Preparing the QR codes…
        </p>
      )}
      {qr === 'failed' && (
        <p className="notice notice-warn no-print" role="alert">
          Couldn't load the QR codes (check your connection); the sheet lists the links without them.
        </p>
      )}
      <ul className="console-slips">
        {props.issued.links.map((l) => (
          <li key={l.participantCode} className="console-slip">
            {qr !== null && qr !== 'failed' && <QrCode qr={qr} text={l.link} label={`QR code for ${l.participantCode}'s link`} />}
            <div>
              <p className="console-slip-code">{l.participantCode}</p>
              <p className="console-link-cell">{l.link}</p>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

// --- Progress -----------------------------------------------------------------

const STATUS_ROWS = [
  ['invited', 'Invited'],
  ['opened', 'Opened'],
  ['consented', 'Consented'],
  ['in_progress', 'In progress'],
  ['completed', 'Completed'],
  ['declined', 'Declined'],
  ['withdrawn', 'Withdrawn'],
] as const;

function ProgressSection(props: { token: string; study: Study; explain: Explain; version: number }) {
  const { token, study, explain, version } = props;
  const attributes = knownAttributes(study.studyId);
  const [attribute, setAttribute] = useState('');
  const [value, setValue] = useState('');
  const [filter, setFilter] = useState<{ attribute: string; value: string } | null>(null);
  const [progress, setProgress] = useState<StudyProgress | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [tick, setTick] = useState(0);
  const waveNames = new Map(study.waves.map((w) => [w.waveId, w.name.en]));

  useEffect(() => {
    let live = true;
    studyProgress(token, study.studyId, filter).then(
      (p) => {
        if (!live) return;
        setProgress(p);
        setProblem(null);
      },
      (error: unknown) => live && setProblem(toProblem(error, explain)),
    );
    return () => {
      live = false;
    };
  }, [token, study.studyId, filter, explain, version, tick, study.waves.length]);

  const chosen = attributes?.find((a) => a.id === attribute);

  return (
    <section id="progress" className="console-card" aria-labelledby="progress-heading">
      <h2 id="progress-heading">Progress</h2>
      <form
        className="console-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(attribute && value ? { attribute, value } : null);
        }}
      >
        {attributes ? (
          <>
            <label>
              Attribute
              <select
                value={attribute}
                onChange={(e) => {
                  setAttribute(e.target.value);
                  setValue('');
                }}
              >
                <option value="">(everyone)</option>
                {attributes.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.label.en}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Value
              <select value={value} onChange={(e) => setValue(e.target.value)} disabled={!chosen}>
                <option value="">(choose)</option>
                {chosen?.values.map((v) => (
                  <option key={v.value} value={v.value}>
                    {v.label.en}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : (
          <>
            <label>
              Attribute id
              <input value={attribute} onChange={(e) => setAttribute(e.target.value)} />
            </label>
            <label>
              Value
              <input value={value} onChange={(e) => setValue(e.target.value)} />
            </label>
          </>
        )}
        <button type="submit" className="console-link-button">
          Filter
        </button>
        <button
          type="button"
          className="console-link-button"
          onClick={() => {
            setAttribute('');
            setValue('');
            setFilter(null);
          }}
        >
          Everyone
        </button>
        <button type="button" className="console-link-button" onClick={() => setTick((t) => t + 1)}>
          Refresh progress
        </button>
      </form>
      <ProblemBox problem={problem} />
      {progress && (
        <>
          <p role="status">
            {progress.participants} participant{progress.participants === 1 ? '' : 's'}
            {progress.filter ? ` with ${progress.filter.attribute} = ${progress.filter.value}` : ' in the study'}.
          </p>
          {progress.waves.length === 0 && <p>No waves yet.</p>}
          {[...progress.waves]
            .sort((a, b) => a.ordinal - b.ordinal)
            .map((wave) => {
              const name = waveNames.get(wave.waveId) ?? wave.waveId;
              const max = Math.max(1, progress.participants);
              return (
                <div key={wave.waveId} className="console-progress-wave">
                  <h3>{name}</h3>
                  {wave.ordinal > 0 && (
                    <p>
                      Retention from baseline: {wave.retentionFromBaseline === null ? 'not yet (nobody has completed the baseline)' : `${Math.round(wave.retentionFromBaseline * 100)}%`}
                    </p>
                  )}
                  <div className="console-progress-grid">
                    <table className="console-table">
                      <caption>Progress: {name}</caption>
                      <thead>
                        <tr>
                          <th scope="col">Status</th>
                          <th scope="col">Participants</th>
                        </tr>
                      </thead>
                      <tbody>
                        {STATUS_ROWS.map(([key, label]) => (
                          <tr key={key}>
                            <th scope="row">{label}</th>
                            <td>{wave.counts[key]}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                    <figure className="console-bars">
                      <figcaption>Chart: {name}</figcaption>
                      <ul>
                        {STATUS_ROWS.map(([key, label]) => (
                          <li key={key}>
                            <span className="console-bar-label">{label}</span>
                            <span className="console-bar-track">
                              <span className={`console-bar console-bar-${key}`} style={{ width: `${(wave.counts[key] / max) * 100}%` }} />
                            </span>
                            <span className="console-bar-value">{wave.counts[key]}</span>
                          </li>
                        ))}
                      </ul>
                    </figure>
                  </div>
                </div>
              );
            })}
        </>
      )}
    </section>
  );
}

// --- Withdrawal ----------------------------------------------------------------

function WithdrawSection(props: { token: string; studyId: string; explain: Explain; onDone(): void }) {
  const [code, setCode] = useState('');
  const [scope, setScope] = useState<'future-waves' | 'erase-all'>('future-waves');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const confirm = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const result = await withdrawParticipant(props.token, props.studyId, code.trim(), { scope });
      setDone(
        result.scope === 'erase-all'
          ? `${code.trim()} has been withdrawn and everything held about them erased (${result.itemsErased} item${result.itemsErased === 1 ? '' : 's'}).`
          : `${code.trim()} has been withdrawn: they won't be asked anything more. What they gave is kept.`,
      );
      setCode('');
      setConfirming(false);
      props.onDone();
    } catch (error) {
      setProblem(toProblem(error, props.explain));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section id="withdraw" className="console-card" aria-labelledby="withdraw-heading">
      <h2 id="withdraw-heading">Withdraw a participant</h2>
      {!confirming ? (
        <form
          className="console-form console-form-wide"
          onSubmit={(e) => {
            e.preventDefault();
            setDone(null);
            setProblem(null);
            if (code.trim()) setConfirming(true);
          }}
        >
          <label>
            Participant code
            <input required value={code} onChange={(e) => setCode(e.target.value)} />
          </label>
          <fieldset>
            <legend>What should happen</legend>
            <label className="console-check">
              <input type="radio" name="withdraw-scope" checked={scope === 'future-waves'} onChange={() => setScope('future-waves')} />
              Stop future waves (keep what they have already given)
            </label>
            <label className="console-check">
              <input type="radio" name="withdraw-scope" checked={scope === 'erase-all'} onChange={() => setScope('erase-all')} />
              Erase all their data
            </label>
          </fieldset>
          <button type="submit" className="button-primary">
            Continue
          </button>
        </form>
      ) : (
        <div className="notice notice-warn" role="alertdialog" aria-labelledby="withdraw-confirm-heading" aria-describedby="withdraw-confirm-text">
          <h3 id="withdraw-confirm-heading">Confirm withdrawal of {code.trim()}</h3>
          <p id="withdraw-confirm-text">
            {scope === 'erase-all'
              ? `Everything held about ${code.trim()} will be permanently erased: their answers in every wave, consents, links, attributes and contact details. This cannot be undone, and their answers will be missing from every analysis.`
              : `${code.trim()} will not be asked to take part in any more waves and their links will stop working. The answers they have already given are kept.`}
          </p>
          <p className="console-buttons">
            <button type="button" className="button-danger" disabled={busy} onClick={() => void confirm()}>
              {scope === 'erase-all' ? 'Yes, erase all their data' : 'Yes, stop future waves'}
            </button>
            <button type="button" className="console-link-button" disabled={busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </p>
        </div>
      )}
      <ProblemBox problem={problem} />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
    </section>
  );
}

// --- Check-ins -------------------------------------------------------------------

function CheckInsSection(props: { token: string; studyId: string; explain: Explain }) {
  const { token, studyId, explain } = props;
  const [list, setList] = useState<Awaited<ReturnType<typeof listCheckIns>> | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    listCheckIns(token, studyId).then(
      (l) => live && setList(l),
      (error: unknown) => live && setProblem(toProblem(error, explain)),
    );
    return () => {
      live = false;
    };
  }, [token, studyId, explain, tick]);

  const handle = async (waveId: string, participantCode: string) => {
    setProblem(null);
    try {
      await markCheckInHandled(token, studyId, waveId, participantCode);
      setTick((t) => t + 1);
    } catch (error) {
      setProblem(toProblem(error, explain));
    }
  };

  return (
    <section id="check-ins" className="console-card" aria-labelledby="check-ins-heading">
      <h2 id="check-ins-heading">Check-in requests</h2>
      <button type="button" className="console-link-button" onClick={() => setTick((t) => t + 1)}>
        Refresh check-ins
      </button>
      <ProblemBox problem={problem} />
      {list && list.checkIns.length === 0 && <p>No check-in requests.</p>}
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
    </section>
  );
}

// --- Audit log -----------------------------------------------------------------------

export function AuditSection(props: { token: string; scopes: string[]; explain: Explain }) {
  const { token, explain } = props;
  const [scope, setScope] = useState(props.scopes[0] ?? '_platform');
  const [month, setMonth] = useState(new Date().toISOString().slice(0, 7));
  const [log, setLog] = useState<AuditLog | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const show = async (event?: FormEvent) => {
    event?.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      setLog(await readAuditLog(token, scope, month));
    } catch (error) {
      setProblem(toProblem(error, explain));
    } finally {
      setBusy(false);
    }
  };

  const download = async () => {
    setProblem(null);
    try {
      saveBlob(await downloadAuditCsv(token, scope, month), `audit-${scope}-${month}.csv`);
    } catch (error) {
      setProblem(error instanceof ApiProblem || error instanceof Error ? toProblem(error, explain) : { message: 'Download failed.', details: [] });
    }
  };

  return (
    <section id="audit" className="console-card" aria-labelledby="audit-heading">
      <h2 id="audit-heading">Audit log</h2>
      <form className="console-inline-form" onSubmit={(e) => void show(e)}>
        <label>
          Scope
          <select value={scope} onChange={(e) => setScope(e.target.value)}>
            {props.scopes.map((s) => (
              <option key={s} value={s}>
                {s === '_platform' ? 'Platform (sign-ins, users)' : s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Month
          <input type="month" required value={month} onChange={(e) => setMonth(e.target.value)} />
        </label>
        <button type="submit" className="console-link-button" disabled={busy}>
          Show audit log
        </button>
        <button type="button" className="console-link-button" onClick={() => void download()}>
          Download CSV
        </button>
      </form>
      <ProblemBox problem={problem} />
      {log && (
        <div className="console-table-wrap">
          <table className="console-table">
            <caption>
              Audit log of {log.scope}, {log.month} ({log.entries.length} entr{log.entries.length === 1 ? 'y' : 'ies'})
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
    </section>
  );
}

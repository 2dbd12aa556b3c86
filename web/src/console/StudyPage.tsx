/**
 * A study's page for its owners and researchers: waves, participants, links,
 * progress, withdrawals, check-ins and (platform admins) the audit log. Owners
 * also add waves and consent versions. A member placed in a data access group
 * is told so wherever participants are counted or listed (the server already
 * limits what they get); an ungrouped member of a study with groups can look
 * at one group.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { IssueLinksResult, ParticipantList as ParticipantPage, SentMessage, SentMessageList, StudyProgress } from '../../../functions/contracts/participants.js';
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
  listParticipants,
  listSentMessages,
  readSentMessage,
  sendReminders,
  withdrawParticipant,
} from './consoleApi';
import { linkSheetCsv, saveBlob, type SheetLink } from './linkSheet';
import { ConsentSection, useConsentTexts } from './ConsentTexts';
import { AddWaveForm, ProblemBox, toProblem, type Problem } from './SetupForms';

type Study = StudyList['studies'][number];
type Explain = (error: unknown) => string;
type Delivery = 'sheet' | 'email';
type Issued = { waveId: string; waveName: string; links: SheetLink[]; skipped: IssueLinksResult['skipped']; reissue: boolean; delivery: Delivery; emailed: string[] };

export function StudyPage(props: { token: string; role: Role; study: Study; explain: Explain; reload(): void; wavePath(waveId: string): string; navigate(to: string): void }) {
  const { token, study, explain } = props;
  const owner = study.role === 'owner';
  const [issued, setIssued] = useState<Issued | null>(null);
  const [printing, setPrinting] = useState(false);
  const [progressVersion, setProgressVersion] = useState(0);
  const waves = [...study.waves].sort((a, b) => a.ordinal - b.ordinal);
  const bumpProgress = useCallback(() => setProgressVersion((v) => v + 1), []);
  const consentTexts = useConsentTexts(token, study.studyId, explain);
  const consentVersions = useMemo(() => consentTexts.consents?.map((c) => c.version) ?? null, [consentTexts.consents]);

  /**
   * Reissues links. From the skipped list (`merge`) the links already on screen
   * are kept, as they can't be shown again; from the participants list the new
   * link replaces what was on screen, as a fresh issue does.
   */
  const reissue = async (waveId: string, codes: string[], delivery: Delivery, merge = false, confirmRecentContactChanges = false) => {
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
    bumpProgress();
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

  if (printing && issued) return <PrintSheet studyTitle={study.title.en} issued={issued} onBack={() => setPrinting(false)} />;

  return (
    <>
      <h1>
        {study.title.en} <span className="muted">{study.studyId}</span>
      </h1>
      <nav aria-label="On this page" className="console-toc no-print">
        <a href="#consents">Consent texts</a> · <a href="#waves">Waves</a> · <a href="#participants">Import</a> · <a href="#links">Links</a> · <a href="#participant-list">Participants</a> ·{' '}
        <a href="#progress">Progress</a> · <a href="#withdraw">Withdraw</a> · <a href="#check-ins">Check-ins</a> · <a href="#messages">Sent messages</a>
        {/* The audit log is the platform admins'; exports and SROI are for the study's owners (and analysts). */}
        {props.role === 'admin' && (
          <>
            {' '}
            · <a href="#audit">Audit log</a>
          </>
        )}
        {owner && (
          <>
            {' '}
            · <PageLink to={`/console/studies/${encodeURIComponent(study.studyId)}/exports`} navigate={props.navigate}>Dataset exports</PageLink> ·{' '}
            <PageLink to={`/console/studies/${encodeURIComponent(study.studyId)}/sroi`} navigate={props.navigate}>SROI analysis</PageLink>
          </>
        )}
      </nav>
      {study.group && <GroupNote study={study} />}

      <ConsentSection token={token} studyId={study.studyId} consents={consentTexts.consents} problem={consentTexts.problem} explain={explain} onAdded={consentTexts.reload} canAdd={owner} />

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
                <th scope="col">Reminders</th>
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
                  <td>{wave.reminders ? `${wave.reminders.afterDays.join(', ')} days after the email` : 'none'}</td>
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
        {owner ? (
          <AddWaveForm token={token} studyId={study.studyId} consentVersions={consentVersions} nextOrdinal={waves.length === 0 ? 0 : Math.max(...waves.map((w) => w.ordinal)) + 1} explain={explain} onCreated={props.reload} />
        ) : (
          <p className="muted">The study's owners add waves.</p>
        )}
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
            reminders={wave.reminders?.afterDays ?? null}
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
            onReissue={(codes) => reissue(issued.waveId, codes, 'sheet', true)}
            explain={explain}
          />
        )}
      </section>

      <ParticipantList
        token={token}
        study={study}
        explain={explain}
        version={progressVersion}
        onReissue={(waveId, codes, delivery, confirmRecentContactChanges) => reissue(waveId, codes, delivery, false, confirmRecentContactChanges)}
      />
      <ProgressSection token={token} study={study} explain={explain} version={progressVersion} />
      <WithdrawSection token={token} studyId={study.studyId} explain={explain} onDone={bumpProgress} />
      <CheckInsSection token={token} studyId={study.studyId} explain={explain} />
      <SentMessages token={token} studyId={study.studyId} explain={explain} version={progressVersion} />
      {props.role === 'admin' && <AuditSection token={token} scopes={[study.studyId, '_platform']} explain={explain} />}
    </>
  );
}

/** A link to another console page, followed without reloading on a plain click. */
function PageLink(props: { to: string; navigate(to: string): void; children: string }) {
  return (
    <a
      href={props.to}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        props.navigate(props.to);
      }}
    >
      {props.children}
    </a>
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

// --- Data access groups ------------------------------------------------------------

/** A group's name as the study declares it (the grouping attribute's value label), or the value itself. */
export function groupLabel(study: Pick<Study, 'attributes' | 'groupBy'>, value: string): string {
  const attribute = study.attributes.find((a) => a.id === study.groupBy);
  return attribute?.values.find((v) => v.value === value)?.label.en ?? value;
}

/** The caller is placed in a data access group: the server gives them that group's participants only. */
function GroupNote({ study }: { study: Study }) {
  if (!study.group) return null;
  return <p className="notice console-group-note">You see participants of {groupLabel(study, study.group)} only.</p>;
}

/** The groups an ungrouped member may look at one at a time; null when the study has none or the caller is placed in one. */
function groupChoices(study: Study): { attribute: string; values: { value: string; label: string }[] } | null {
  if (study.group || !study.groupBy || study.groups.length === 0) return null;
  return { attribute: study.groupBy, values: study.groups.map((value) => ({ value, label: groupLabel(study, value) })) };
}

/** A choice of one data access group (or all), for members who see the whole study. */
function GroupFilter(props: {
  label: string;
  everyone: string;
  hiddenShow: string;
  groups: NonNullable<ReturnType<typeof groupChoices>>;
  chosen: string;
  onChoose(value: string): void;
  onShow(): void;
}) {
  return (
    <form
      className="console-inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        props.onShow();
      }}
    >
      <label>
        {props.label}
        <select value={props.chosen} onChange={(e) => props.onChoose(e.target.value)}>
          <option value="">{props.everyone}</option>
          {props.groups.values.map((g) => (
            <option key={g.value} value={g.value}>
              {g.label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="console-link-button">
        Show<span className="visually-hidden"> {props.hiddenShow}</span>
      </button>
    </form>
  );
}

// --- Email addresses changed recently ------------------------------------------------

/** 409 contact_recently_changed: the codes whose email address changed in the last 24 hours (each detail names one); null for anything else. */
function recentlyChangedCodes(error: unknown): string[] | null {
  if (!(error instanceof ApiProblem) || error.status !== 409 || error.code !== 'contact_recently_changed') return null;
  return error.details.map((d) => d.message.split(':')[0]!.trim()).filter((code) => code !== '');
}

/**
 * The server would not email live links to addresses changed in the last 24
 * hours without a person's say-so (replacing an address and reissuing the link
 * to it is how an account would be taken over): which ones, and "Send anyway".
 */
function RecentContactChanges(props: { id: string; codes: string[]; forWhat: string; busy: boolean; onSend(): void; onCancel(): void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => box.current?.focus(), []);
  return (
    <div ref={box} tabIndex={-1} className="notice notice-warn console-confirm" role="alertdialog" aria-labelledby={`${props.id}-title`} aria-describedby={`${props.id}-text`}>
      <p id={`${props.id}-title`}>
        <strong>Email addresses changed in the last 24 hours</strong>
      </p>
      <p id={`${props.id}-text`}>
        The email address of {props.codes.length === 1 ? 'this participant was' : `these ${props.codes.length} participants was`} changed in the last 24 hours. A personal link
        works like a password: check the change was genuine (for example with the participant's worker) before a live link goes to the new address. Sending anyway is recorded
        in the audit log.
      </p>
      <ul className="console-problems" aria-label="Participants whose email address changed recently">
        {props.codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <p className="console-buttons">
        <button type="button" className="button-danger" disabled={props.busy} onClick={props.onSend}>
          Send anyway<span className="visually-hidden"> {props.forWhat}</span>
        </button>
        <button type="button" className="console-link-button" disabled={props.busy} onClick={props.onCancel}>
          Don't send<span className="visually-hidden"> {props.forWhat}</span>
        </button>
      </p>
    </div>
  );
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

function WaveLinks(props: { token: string; studyId: string; waveId: string; waveName: string; reminders: number[] | null; explain: Explain; onIssued(issued: Issued): void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [delivery, setDelivery] = useState<Delivery>('sheet');
  const [reminded, setReminded] = useState<string | null>(null);
  /** Codes whose email address changed in the last 24 hours: the server waits for a "Send anyway". */
  const [recent, setRecent] = useState<string[] | null>(null);

  const issue = async (confirmRecentContactChanges = false) => {
    setBusy(true);
    setProblem(null);
    try {
      const result = await issueLinks(props.token, props.studyId, props.waveId, { reissue: false, delivery, ...(confirmRecentContactChanges ? { confirmRecentContactChanges } : {}) });
      setRecent(null);
      props.onIssued({ waveId: props.waveId, waveName: props.waveName, reissue: false, delivery, skipped: result.skipped, links: result.links.map(toSheetLink), emailed: result.emailed ?? [] });
    } catch (error) {
      const codes = recentlyChangedCodes(error);
      setRecent(codes);
      if (!codes) setProblem(toProblem(error, props.explain));
    } finally {
      setBusy(false);
    }
  };
  const choose = (next: Delivery) => {
    setDelivery(next);
    setRecent(null);
  };

  const remind = async () => {
    setBusy(true);
    setProblem(null);
    setReminded(null);
    try {
      const run = await sendReminders(props.token, props.studyId, props.waveId);
      setReminded(
        `${run.sent} reminder${run.sent === 1 ? '' : 's'} sent (${run.due} due of ${run.emailed} emailed)` +
          (run.failed ? `; ${run.failed} could not be sent and will be tried again` : '') +
          (run.skipped ? `; ${run.skipped} skipped` : '') +
          '.',
      );
    } catch (error) {
      setProblem(toProblem(error, props.explain));
    } finally {
      setBusy(false);
    }
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
        <button type="button" className="button-primary" disabled={busy || recent !== null} onClick={() => void issue()}>
          {delivery === 'email' ? 'Email links' : 'Issue links'}
          <span className="visually-hidden"> for {props.waveName}</span>
        </button>
        {props.reminders && (
          <button type="button" className="console-link-button" disabled={busy} onClick={() => void remind()}>
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
          busy={busy}
          onSend={() => void issue(true)}
          onCancel={() => setRecent(null)}
        />
      )}
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
      <ProblemBox problem={problem} />
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
                    <button type="button" className="console-link-button" disabled={busy} onClick={() => void reissue([s.participantCode])}>
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
  // The attributes the study declares (from the study list): filter by choosing, not by typing ids.
  const attributes = study.attributes.length > 0 ? study.attributes : null;
  const [attribute, setAttribute] = useState('');
  const [value, setValue] = useState('');
  const [filter, setFilter] = useState<{ attribute: string; value: string } | null>(null);
  const [progress, setProgress] = useState<StudyProgress | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [tick, setTick] = useState(0);
  const waveNames = new Map(study.waves.map((w) => [w.waveId, w.name.en]));
  const groups = groupChoices(study);
  const [group, setGroup] = useState('');

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
      <GroupNote study={study} />
      {groups && (
        <GroupFilter
          label="Progress of group"
          everyone="Whole study"
          hiddenShow="the progress of this group"
          groups={groups}
          chosen={group}
          onChoose={setGroup}
          onShow={() => {
            setAttribute(group ? groups.attribute : '');
            setValue(group);
            setFilter(group ? { attribute: groups.attribute, value: group } : null);
          }}
        />
      )}
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
          <p className="muted">This study declares no participant attributes to filter by.</p>
        )}
        {attributes && (
          <>
            <button type="submit" className="console-link-button">
              Filter
            </button>
            <button
              type="button"
              className="console-link-button"
              onClick={() => {
                setAttribute('');
                setValue('');
                setGroup('');
                setFilter(null);
              }}
            >
              Everyone
            </button>
          </>
        )}
        <button type="button" className="console-link-button" onClick={() => setTick((t) => t + 1)}>
          Refresh progress
        </button>
      </form>
      <ProblemBox problem={problem} />
      {progress && (
        <>
          <p role="status">
            {progress.participants} participant{progress.participants === 1 ? '' : 's'}
            {progress.group ? ` in your group (${groupLabel(study, progress.group)})` : ''}
            {progress.filter ? ` with ${progress.filter.attribute} = ${progress.filter.value}` : progress.group ? '' : ' in the study'}.
          </p>
          {progress.waves.length === 0 && <p>No waves yet.</p>}
          <RetentionChart progress={progress} waveNames={waveNames} />
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

/**
 * Retention from baseline to each follow-up as bars, with the numbers as
 * text in each row (the bars themselves are hidden from screen readers).
 */
function RetentionChart({ progress, waveNames }: { progress: StudyProgress; waveNames: Map<string, string> }) {
  const followUps = [...progress.waves].filter((w) => w.ordinal > 0).sort((a, b) => a.ordinal - b.ordinal);
  if (followUps.length === 0) return null;
  const baseline = progress.waves.find((w) => w.ordinal === 0);
  const base = baseline?.counts.completed ?? 0;
  return (
    <figure className="console-bars console-retention" aria-labelledby="retention-caption">
      <figcaption id="retention-caption">
        Chart: retention from baseline{base > 0 ? ` (${base} completed the baseline)` : ''}
      </figcaption>
      <ul>
        {followUps.map((wave) => {
          const name = waveNames.get(wave.waveId) ?? wave.waveId;
          const share = wave.retentionFromBaseline;
          return (
            <li key={wave.waveId}>
              <span className="console-bar-label">{name}</span>
              <span className="console-bar-track" aria-hidden="true">
                <span className="console-bar console-bar-retention" style={{ width: `${Math.round((share ?? 0) * 100)}%` }} />
              </span>
              <span className="console-bar-value">{share === null ? 'not yet' : `${Math.round(share * 100)}%`}</span>
            </li>
          );
        })}
      </ul>
    </figure>
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

// --- Participants list -------------------------------------------------------------

const PAGE_SIZE = 100;
const STATUS_LABELS: Record<string, string> = Object.fromEntries([['not_invited', 'Not invited'], ...STATUS_ROWS]);
/** Looking at one group: the server's largest page, and at most this many of them per screen (then "Next" carries on). */
const SCAN_PAGE_SIZE = 500;
const SCAN_PAGES = 10;

/**
 * A page of participants; for one group (an ungrouped member looking at one),
 * server pages read on until a page's worth of that group's participants is
 * found, so that a page is never empty while later ones hold some.
 */
async function participantsPage(
  token: string,
  studyId: string,
  page: { after?: string; prefix?: string },
  group: { attribute: string; value: string } | null,
): Promise<ParticipantPage> {
  if (!group) return listParticipants(token, studyId, { limit: PAGE_SIZE, ...page });
  const found: ParticipantPage['participants'] = [];
  let after = page.after;
  for (let read = 0; read < SCAN_PAGES; read += 1) {
    const next = await listParticipants(token, studyId, { limit: SCAN_PAGE_SIZE, ...(after ? { after } : {}), ...(page.prefix ? { prefix: page.prefix } : {}) });
    found.push(...next.participants.filter((p) => p.attributes[group.attribute] === group.value));
    after = next.next ?? undefined;
    if (!after || found.length >= PAGE_SIZE) break;
  }
  return { participants: found, next: after ?? null };
}

/**
 * The study's participants a page at a time (100 rows: quick to draw and to
 * read, even for studies of thousands), found by code, with a reissue button
 * per wave. Contact details are never shown: only whether one is held.
 */
function ParticipantList(props: {
  token: string;
  study: Study;
  explain: Explain;
  version: number;
  onReissue(waveId: string, codes: string[], delivery: Delivery, confirmRecentContactChanges?: boolean): Promise<void>;
}) {
  const { token, study, explain } = props;
  const waves = [...study.waves].sort((a, b) => a.ordinal - b.ordinal);
  const groups = groupChoices(study);
  const [prefix, setPrefix] = useState('');
  const [search, setSearch] = useState('');
  const [groupChoice, setGroupChoice] = useState('');
  /** The group shown (ungrouped members of a study with groups); '' for all. */
  const [group, setGroup] = useState('');
  /** A reissue by email the server held back: the address changed in the last 24 hours. */
  const [recent, setRecent] = useState<{ waveId: string; waveName: string; code: string; codes: string[] } | null>(null);
  // Cursors of the pages before this one: "Previous" pops one.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  // With what it was asked for: the caption describes the rows on screen, not a search still on its way.
  const [page, setPage] = useState<(ParticipantPage & { search: string; group: string; number: number }) | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [delivery, setDelivery] = useState<Delivery>('sheet');
  const [busy, setBusy] = useState<string | null>(null);
  const after = cursors[cursors.length - 1];

  const groupAttribute = groups?.attribute ?? null;
  useEffect(() => {
    let live = true;
    const only = group && groupAttribute ? { attribute: groupAttribute, value: group } : null;
    participantsPage(token, study.studyId, { ...(after ? { after } : {}), ...(search ? { prefix: search } : {}) }, only).then(
      (p) => {
        if (!live) return;
        setPage({ ...p, search, group, number: cursors.length });
        setProblem(null);
      },
      (error: unknown) => live && setProblem(toProblem(error, explain)),
    );
    return () => {
      live = false;
    };
  }, [token, study.studyId, explain, after, cursors.length, search, group, groupAttribute, props.version]);

  const reissue = async (waveId: string, code: string, confirmRecentContactChanges = false) => {
    setBusy(`${waveId}/${code}`);
    setProblem(null);
    try {
      await props.onReissue(waveId, [code], delivery, confirmRecentContactChanges);
      setRecent(null);
    } catch (error) {
      const codes = recentlyChangedCodes(error);
      setRecent(codes ? { waveId, waveName: waves.find((w) => w.waveId === waveId)?.name.en ?? waveId, code, codes } : null);
      if (!codes) setProblem(toProblem(error, explain));
    } finally {
      setBusy(null);
    }
  };

  const groupName = page?.group ? groupLabel(study, page.group) : null;
  return (
    <section id="participant-list" className="console-card" aria-labelledby="participant-list-heading">
      <h2 id="participant-list-heading">Participants</h2>
      <GroupNote study={study} />
      {groups && (
        <GroupFilter
          label="Participants of group"
          everyone="All groups"
          hiddenShow="the participants of this group"
          groups={groups}
          chosen={groupChoice}
          onChoose={setGroupChoice}
          onShow={() => {
            setGroup(groupChoice);
            setCursors([undefined]);
          }}
        />
      )}
      <form
        className="console-inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(prefix.trim());
          setCursors([undefined]);
        }}
      >
        <label>
          Find participant code (starts with)
          <input value={prefix} onChange={(e) => setPrefix(e.target.value)} />
        </label>
        <button type="submit" className="console-link-button">
          Find
        </button>
        <label>
          Reissued links go
          <select
            value={delivery}
            onChange={(e) => {
              setDelivery(e.target.value as Delivery);
              setRecent(null);
            }}
          >
            <option value="sheet">on a link sheet</option>
            <option value="email">by email</option>
          </select>
        </label>
      </form>
      {recent && (
        <RecentContactChanges
          id="recent-reissue"
          codes={recent.codes}
          forWhat={`the ${recent.waveName} link to ${recent.code} by email`}
          busy={busy !== null}
          onSend={() => void reissue(recent.waveId, recent.code, true)}
          onCancel={() => setRecent(null)}
        />
      )}
      <ProblemBox problem={problem} />
      {page && page.participants.length === 0 && (
        <p>
          {page.search ? `No participant code starts with ${page.search}${groupName ? ` in ${groupName}` : ''}.` : groupName ? `No participants of ${groupName}.` : 'No participants yet.'}
        </p>
      )}
      {page && page.participants.length > 0 && (
        <>
          <div className="console-table-wrap console-participants">
            <table className="console-table">
              <caption>
                Participants{groupName ? ` of ${groupName}` : ''}
                {page.search ? ` whose code starts with ${page.search}` : ''}, page {page.number}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Participant</th>
                  <th scope="col">Attributes</th>
                  <th scope="col">Contact held</th>
                  {waves.map((w) => (
                    <th key={w.waveId} scope="col">
                      {w.name.en}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {page.participants.map((p) => (
                  <tr key={p.participantCode}>
                    <th scope="row">
                      {p.participantCode}
                      {p.withdrawn && <span className="muted"> (withdrawn)</span>}
                    </th>
                    <td>
                      {Object.entries(p.attributes)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(', ')}
                    </td>
                    <td>{[p.contact.email ? 'email' : null, p.contact.phone ? 'phone' : null].filter(Boolean).join(', ') || 'none'}</td>
                    {waves.map((w) => {
                      const standing = p.waves[w.waveId];
                      return (
                        <td key={w.waveId}>
                          {STATUS_LABELS[standing?.status ?? 'not_invited']}
                          {standing?.delivery === 'email' && <span className="muted"> · emailed</span>}
                          {!p.withdrawn && (
                            <>
                              {' '}
                              <button
                                type="button"
                                className="console-link-button"
                                disabled={busy !== null || (delivery === 'email' && !p.contact.email)}
                                onClick={() => void reissue(w.waveId, p.participantCode)}
                              >
                                {standing?.delivery ? 'Reissue' : 'Issue'}
                                <span className="visually-hidden">
                                  {' '}
                                  {w.name.en} link for {p.participantCode}
                                </span>
                              </button>
                            </>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="console-buttons">
            <button type="button" className="console-link-button" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              Previous participants
            </button>
            <button type="button" className="console-link-button" disabled={!page.next} onClick={() => page.next && setCursors((c) => [...c, page.next!])}>
              Next participants
            </button>
          </p>
        </>
      )}
    </section>
  );
}

// --- Sent messages (embedded mode) --------------------------------------------------

/**
 * The outbox of an embedded installation: what would have been emailed.
 * Hidden where there is no outbox (in AWS the route does not exist; SES's own
 * tools show what was sent).
 */
function SentMessages(props: { token: string; studyId: string; explain: Explain; version: number }) {
  const { token, studyId, explain } = props;
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
      (l) => live && setList(l),
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
                        void readSentMessage(token, studyId, m.id).then(setOpen, (error: unknown) => setProblem(toProblem(error, explain)))
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

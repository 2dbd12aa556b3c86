/** Study setup forms: a new study (admins and researchers: its creator is its first owner) and a new wave (owners). */
import { useEffect, useState, type FormEvent } from 'react';
import { CreateStudyRequest, CreateWaveRequest, type CreateWaveResult } from '../../../functions/contracts/studies.js';
import { ApiProblem } from '../api';
import { createStudy, createWave } from './consoleApi';

export type Problem = { message: string; details: string[] };

/** An API failure (or a form the contract refuses) as a message and a list of details. */
export function toProblem(error: unknown, explain: (error: unknown) => string): Problem {
  if (error instanceof ApiProblem) return { message: explain(error), details: error.details.map((d) => `${d.path}: ${d.message}`) };
  return { message: explain(error), details: [] };
}

function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string[] {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || '(form)'}: ${issue.message}`);
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

type AttributeDraft = { id: string; labelEn: string; labelCy: string; values: string; quasiIdentifier: boolean };
type ContactDraft = { nameEn: string; nameCy: string; descriptionEn: string; descriptionCy: string; phone: string; url: string };

const splitList = (text: string) =>
  text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

export function NewStudyForm(props: { token: string; explain(error: unknown): string; onCreated(studyId: string): void }) {
  const [studyId, setStudyId] = useState('');
  const [titleEn, setTitleEn] = useState('');
  const [titleCy, setTitleCy] = useState('');
  const [consentVersion, setConsentVersion] = useState('v1');
  const [consentEn, setConsentEn] = useState('');
  const [consentCy, setConsentCy] = useState('');
  const [attributes, setAttributes] = useState<AttributeDraft[]>([]);
  const [contacts, setContacts] = useState<ContactDraft[]>([]);
  const [groupBy, setGroupBy] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  // Groups come from a declared attribute: the choice lapses when that attribute is renamed or removed.
  const declared = attributes.map((a) => a.id.trim()).filter((id, i, ids) => id !== '' && ids.indexOf(id) === i);
  const grouping = declared.includes(groupBy) ? groupBy : '';

  const setAttribute = (i: number, change: Partial<AttributeDraft>) => setAttributes((list) => list.map((a, j) => (j === i ? { ...a, ...change } : a)));
  const setContact = (i: number, change: Partial<ContactDraft>) => setContacts((list) => list.map((c, j) => (j === i ? { ...c, ...change } : c)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const request = CreateStudyRequest.safeParse({
      studyId: studyId.trim(),
      title: { en: titleEn.trim(), cy: titleCy.trim() },
      consent: { version: consentVersion.trim(), text: { en: consentEn, cy: consentCy } },
      ...(grouping ? { groupBy: grouping } : {}),
      attributes: attributes.map((a) => ({
        id: a.id.trim(),
        label: { en: a.labelEn.trim(), cy: a.labelCy.trim() || a.labelEn.trim() },
        values: splitList(a.values).map((value) => ({ value, label: { en: value, cy: value } })),
        quasiIdentifier: a.quasiIdentifier,
      })),
      supportContacts: contacts.map((c) => ({
        name: { en: c.nameEn.trim(), cy: c.nameCy.trim() || c.nameEn.trim() },
        description: { en: c.descriptionEn.trim(), cy: c.descriptionCy.trim() || c.descriptionEn.trim() },
        ...(c.phone.trim() ? { phone: c.phone.trim() } : {}),
        ...(c.url.trim() ? { url: c.url.trim() } : {}),
      })),
    });
    if (!request.success) {
      setProblem({ message: 'Please correct the form.', details: issuesOf(request.error) });
      return;
    }
    setBusy(true);
    try {
      const created = await createStudy(props.token, request.data);
      props.onCreated(created.studyId);
    } catch (error) {
      setProblem(toProblem(error, props.explain));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="console-form console-form-wide" onSubmit={submit} aria-labelledby="new-study-heading">
      <h2 id="new-study-heading">New study</h2>
      <label>
        Study id
        <input required value={studyId} onChange={(e) => setStudyId(e.target.value)} aria-describedby="study-id-hint" />
      </label>
      <p id="study-id-hint" className="muted console-hint">
        2–41 lower-case letters, digits and hyphens, starting with a letter. It can't be changed later.
      </p>
      <fieldset>
        <legend>Title</legend>
        <label>
          Title (English)
          <input required value={titleEn} onChange={(e) => setTitleEn(e.target.value)} />
        </label>
        <label>
          Title (Welsh)
          <input required value={titleCy} onChange={(e) => setTitleCy(e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Consent</legend>
        <label>
          Consent version
          <input required value={consentVersion} onChange={(e) => setConsentVersion(e.target.value)} />
        </label>
        <label>
          Consent text (English)
          <textarea required rows={5} value={consentEn} onChange={(e) => setConsentEn(e.target.value)} />
        </label>
        <label>
          Consent text (Welsh)
          <textarea required rows={5} value={consentCy} onChange={(e) => setConsentCy(e.target.value)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Participant attributes</legend>
        <p className="muted console-hint">The only things kept about a participant besides their code. Use categories, never names or contact details.</p>
        {attributes.map((a, i) => (
          <fieldset key={i} className="console-subfieldset">
            <legend>Attribute {i + 1}</legend>
            <label>
              Attribute id
              <input required value={a.id} onChange={(e) => setAttribute(i, { id: e.target.value })} />
            </label>
            <label>
              Label (English)
              <input required value={a.labelEn} onChange={(e) => setAttribute(i, { labelEn: e.target.value })} />
            </label>
            <label>
              Label (Welsh)
              <input value={a.labelCy} onChange={(e) => setAttribute(i, { labelCy: e.target.value })} />
            </label>
            <label>
              Allowed values (comma-separated)
              <input required value={a.values} onChange={(e) => setAttribute(i, { values: e.target.value })} />
            </label>
            <label className="console-check">
              <input type="checkbox" checked={a.quasiIdentifier} onChange={(e) => setAttribute(i, { quasiIdentifier: e.target.checked })} />
              Quasi-identifier (counts towards k-anonymity in exports)
            </label>
            <button type="button" className="console-link-button" onClick={() => setAttributes((list) => list.filter((_, j) => j !== i))}>
              Remove attribute {i + 1}
            </button>
          </fieldset>
        ))}
        <button type="button" className="console-link-button" onClick={() => setAttributes((list) => [...list, { id: '', labelEn: '', labelCy: '', values: '', quasiIdentifier: false }])}>
          Add attribute
        </button>
        <label>
          Data access groups: group participants by
          <select value={grouping} onChange={(e) => setGroupBy(e.target.value)} aria-describedby="group-by-hint">
            <option value="">No groups (every member sees the whole study)</option>
            {declared.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <p id="group-by-hint" className="muted console-hint">
          Optional. When several organisations share a study (for example local authorities), group its participants by one attribute: a member placed in a group sees
          only that group's participants. Owners always see the whole study.
        </p>
      </fieldset>
      <fieldset>
        <legend>Support contacts (optional)</legend>
        {contacts.map((c, i) => (
          <fieldset key={i} className="console-subfieldset">
            <legend>Contact {i + 1}</legend>
            <label>
              Name (English)
              <input required value={c.nameEn} onChange={(e) => setContact(i, { nameEn: e.target.value })} />
            </label>
            <label>
              Name (Welsh)
              <input value={c.nameCy} onChange={(e) => setContact(i, { nameCy: e.target.value })} />
            </label>
            <label>
              Description (English)
              <input required value={c.descriptionEn} onChange={(e) => setContact(i, { descriptionEn: e.target.value })} />
            </label>
            <label>
              Description (Welsh)
              <input value={c.descriptionCy} onChange={(e) => setContact(i, { descriptionCy: e.target.value })} />
            </label>
            <label>
              Phone
              <input type="tel" value={c.phone} onChange={(e) => setContact(i, { phone: e.target.value })} />
            </label>
            <label>
              Web address
              <input type="url" value={c.url} onChange={(e) => setContact(i, { url: e.target.value })} />
            </label>
            <button type="button" className="console-link-button" onClick={() => setContacts((list) => list.filter((_, j) => j !== i))}>
              Remove contact {i + 1}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          className="console-link-button"
          onClick={() => setContacts((list) => [...list, { nameEn: '', nameCy: '', descriptionEn: '', descriptionCy: '', phone: '', url: '' }])}
        >
          Add support contact
        </button>
      </fieldset>
      <ProblemBox problem={problem} />
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Creating…' : 'Create study'}
      </button>
    </form>
  );
}

/** `ons4@1.0.0, swemwbs@1.0.0` → pins; anything malformed is kept for the contract to refuse. */
function parsePins(text: string): { id: string; version: string }[] {
  return splitList(text).map((pin) => {
    const at = pin.lastIndexOf('@');
    return at > 0 ? { id: pin.slice(0, at).trim(), version: pin.slice(at + 1).trim() } : { id: pin, version: '' };
  });
}

/** One `instrument id = reference` per line. */
function parseRegistrations(text: string): Record<string, string> | undefined {
  const entries = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const eq = line.indexOf('=');
      return eq > 0 ? [line.slice(0, eq).trim(), line.slice(eq + 1).trim()] : [line, ''];
    });
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function isoFromLocal(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** `consentVersions`: the study's, oldest first (offered in a list, the newest chosen); null while unknown (then typed). */
export function AddWaveForm(props: { token: string; studyId: string; nextOrdinal: number; consentVersions: string[] | null; explain(error: unknown): string; onCreated(): void }) {
  const [waveId, setWaveId] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [nameCy, setNameCy] = useState('');
  const [ordinal, setOrdinal] = useState(String(props.nextOrdinal));
  const [kind, setKind] = useState<'fixed' | 'relative'>(props.nextOrdinal === 0 ? 'fixed' : 'relative');
  const [opensAt, setOpensAt] = useState('');
  const [closesAt, setClosesAt] = useState('');
  const [opensAfterDays, setOpensAfterDays] = useState('182');
  const [openForDays, setOpenForDays] = useState('42');
  const [instruments, setInstruments] = useState('ons4@1.0.0');
  const [consentVersion, setConsentVersion] = useState(props.consentVersions?.at(-1) ?? 'v1');
  const offered = props.consentVersions && props.consentVersions.length > 0 ? props.consentVersions : null;
  // The newest version is the choice when the list arrives and whenever a version is added (usually for the next wave).
  const newest = offered?.at(-1);
  useEffect(() => {
    if (newest) setConsentVersion(newest);
  }, [newest]);
  const [registrations, setRegistrations] = useState('');
  const [reminderDays, setReminderDays] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<CreateWaveResult | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setCreated(null);
    const regs = parseRegistrations(registrations);
    // "7, 14" → [7, 14]; left as typed for the contract to refuse anything else.
    const days = splitList(reminderDays).map((d) => (/^\d+$/.test(d) ? Number(d) : d));
    const request = CreateWaveRequest.safeParse({
      waveId: waveId.trim(),
      name: { en: nameEn.trim(), cy: nameCy.trim() },
      ordinal: Number(ordinal),
      window:
        kind === 'fixed'
          ? { kind, opensAt: isoFromLocal(opensAt), closesAt: isoFromLocal(closesAt) }
          : { kind, opensAfterDays: Number(opensAfterDays), openForDays: Number(openForDays) },
      instruments: parsePins(instruments),
      consentVersion: consentVersion.trim(),
      ...(regs ? { registrations: regs } : {}),
      ...(days.length > 0 ? { reminders: { afterDays: days } } : {}),
    });
    if (!request.success) {
      setProblem({ message: 'Please correct the form.', details: issuesOf(request.error) });
      return;
    }
    setBusy(true);
    try {
      setCreated(await createWave(props.token, props.studyId, request.data));
      setWaveId('');
      setNameEn('');
      setNameCy('');
      setOrdinal(String(request.data.ordinal + 1));
      setReminderDays('');
      setKind('relative');
      props.onCreated();
    } catch (error) {
      setProblem(toProblem(error, props.explain));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="console-form console-form-wide" onSubmit={submit} aria-labelledby="add-wave-heading">
      <h3 id="add-wave-heading">Add wave</h3>
      <label>
        Wave id
        <input required value={waveId} onChange={(e) => setWaveId(e.target.value)} />
      </label>
      <label>
        Name (English)
        <input required value={nameEn} onChange={(e) => setNameEn(e.target.value)} />
      </label>
      <label>
        Name (Welsh)
        <input required value={nameCy} onChange={(e) => setNameCy(e.target.value)} />
      </label>
      <label>
        Ordinal (0 = baseline)
        <input type="number" min={0} max={20} required value={ordinal} onChange={(e) => setOrdinal(e.target.value)} />
      </label>
      <fieldset>
        <legend>Window</legend>
        <label className="console-check">
          <input type="radio" name="window-kind" checked={kind === 'fixed'} onChange={() => setKind('fixed')} />
          Fixed dates
        </label>
        <label className="console-check">
          <input type="radio" name="window-kind" checked={kind === 'relative'} onChange={() => setKind('relative')} />
          Relative to each participant's baseline
        </label>
        {kind === 'fixed' ? (
          <>
            <label>
              Opens at
              <input type="datetime-local" required value={opensAt} onChange={(e) => setOpensAt(e.target.value)} />
            </label>
            <label>
              Closes at
              <input type="datetime-local" required value={closesAt} onChange={(e) => setClosesAt(e.target.value)} />
            </label>
          </>
        ) : (
          <>
            <label>
              Opens after (days after baseline completed)
              <input type="number" min={1} max={3650} required value={opensAfterDays} onChange={(e) => setOpensAfterDays(e.target.value)} />
            </label>
            <label>
              Open for (days)
              <input type="number" min={1} max={365} required value={openForDays} onChange={(e) => setOpenForDays(e.target.value)} />
            </label>
          </>
        )}
      </fieldset>
      <label>
        Instrument versions (comma-separated id@version)
        <input required value={instruments} onChange={(e) => setInstruments(e.target.value)} />
      </label>
      <label>
        Consent version
        {offered ? (
          <select required value={consentVersion} onChange={(e) => setConsentVersion(e.target.value)}>
            {offered.map((version) => (
              <option key={version} value={version}>
                {version}
              </option>
            ))}
          </select>
        ) : (
          <input required value={consentVersion} onChange={(e) => setConsentVersion(e.target.value)} />
        )}
      </label>
      <label>
        Registration references (one per line: instrument id = reference)
        <textarea rows={2} value={registrations} onChange={(e) => setRegistrations(e.target.value)} />
      </label>
      <label>
        Reminder emails (optional: days after the invitation email, comma-separated)
        <input inputMode="numeric" value={reminderDays} onChange={(e) => setReminderDays(e.target.value)} aria-describedby="reminder-days-hint" placeholder="e.g. 7, 14" />
      </label>
      <p id="reminder-days-hint" className="muted console-hint">
        Only participants whose link was emailed, and who have not finished, declined or withdrawn, are reminded. A reminder sends a new link and the old one stops working. Links on a sheet are never reminded.
      </p>
      <ProblemBox problem={problem} />
      {created && (
        <div className="notice" role="status">
          <p>Wave {created.waveId} created.</p>
          {created.warnings.length > 0 && (
            <>
              <p>Version comparability warnings:</p>
              <ul>
                {created.warnings.map((w, i) => (
                  <li key={i}>
                    <strong>{w.instrumentId}</strong>: {w.message}
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add wave'}
      </button>
    </form>
  );
}

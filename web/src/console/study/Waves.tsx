/** A study's waves: the list, with the way to each wave's responses, and (owners) a form to add one. */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { CreateWaveRequest, type CreateWaveResult } from '../../../../functions/contracts/studies.js';
import { createWave, listInstruments } from '../consoleApi';
import { PageLink, ProblemBox, formProblem, splitList, useAction, useLoad, useSession, wavePath, windowText, type Study } from '../ui';
import { InstrumentPicker, pinsOf, type PickedInstruments } from './InstrumentPicker';

/** `consentVersions`: the study's, oldest first; null while unknown. */
export function WavesSection(props: { study: Study; consentVersions: string[] | null; onCreated(): void }) {
  const { study } = props;
  const waves = [...study.waves].sort((a, b) => a.ordinal - b.ordinal);
  return (
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
              <th scope="col">Instruments</th>
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
                <td>{wave.instruments.map((pin) => `${pin.id}@${pin.version}`).join(', ')}</td>
                <td>{wave.reminders ? `${wave.reminders.afterDays.join(', ')} days after the email` : 'none'}</td>
                <td>
                  <PageLink to={wavePath(study.studyId, wave.waveId)}>
                    View responses<span className="visually-hidden"> to {wave.name.en}</span>
                  </PageLink>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {study.role === 'owner' ? (
        <AddWaveForm
          studyId={study.studyId}
          consentVersions={props.consentVersions}
          nextOrdinal={waves.length === 0 ? 0 : Math.max(...waves.map((w) => w.ordinal)) + 1}
          onCreated={props.onCreated}
        />
      ) : (
        <p className="muted">The study's owners add waves.</p>
      )}
    </section>
  );
}

function isoFromLocal(value: string): string {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** `consentVersions`: the study's, oldest first (offered in a list, the newest chosen); null while unknown (then typed). */
function AddWaveForm(props: { studyId: string; nextOrdinal: number; consentVersions: string[] | null; onCreated(): void }) {
  const { token } = useSession();
  const [waveId, setWaveId] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [nameCy, setNameCy] = useState('');
  const [publicEn, setPublicEn] = useState('');
  const [publicCy, setPublicCy] = useState('');
  const [ordinal, setOrdinal] = useState(String(props.nextOrdinal));
  const [kind, setKind] = useState<'fixed' | 'relative'>(props.nextOrdinal === 0 ? 'fixed' : 'relative');
  const [opensAt, setOpensAt] = useState('');
  const [closesAt, setClosesAt] = useState('');
  const [opensAfterDays, setOpensAfterDays] = useState('182');
  const [openForDays, setOpenForDays] = useState('42');
  const library = useLoad(useCallback(() => listInstruments(token), [token]));
  const [picked, setPicked] = useState<PickedInstruments>({});
  const [consentVersion, setConsentVersion] = useState(props.consentVersions?.at(-1) ?? 'v1');
  const offered = props.consentVersions && props.consentVersions.length > 0 ? props.consentVersions : null;
  // The newest version is the choice when the list arrives and whenever a version is added (usually for the next wave).
  const newest = offered?.at(-1);
  useEffect(() => {
    if (newest) setConsentVersion(newest);
  }, [newest]);
  const [reminderDays, setReminderDays] = useState('');
  const action = useAction();
  const [created, setCreated] = useState<CreateWaveResult | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    // "7, 14" → [7, 14]; left as typed for the contract to refuse anything else.
    const days = splitList(reminderDays).map((d) => (/^\d+$/.test(d) ? Number(d) : d));
    const request = CreateWaveRequest.safeParse({
      waveId: waveId.trim(),
      name: { en: nameEn.trim(), cy: nameCy.trim() },
      ...(publicEn.trim() || publicCy.trim() ? { publicName: { en: publicEn.trim(), cy: publicCy.trim() } } : {}),
      ordinal: Number(ordinal),
      window:
        kind === 'fixed'
          ? { kind, opensAt: isoFromLocal(opensAt), closesAt: isoFromLocal(closesAt) }
          : { kind, opensAfterDays: Number(opensAfterDays), openForDays: Number(openForDays) },
      ...pinsOf(picked),
      consentVersion: consentVersion.trim(),
      ...(days.length > 0 ? { reminders: { afterDays: days } } : {}),
    });
    if (!request.success) return action.setProblem(formProblem(request.error));
    await action.run(async () => {
      setCreated(await createWave(token, props.studyId, request.data));
      setWaveId('');
      setNameEn('');
      setNameCy('');
      setPublicEn('');
      setPublicCy('');
      setOrdinal(String(request.data.ordinal + 1));
      setReminderDays('');
      setKind('relative');
      props.onCreated();
    });
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
        Name participants see (English, optional)
        <input value={publicEn} maxLength={80} onChange={(e) => setPublicEn(e.target.value)} aria-describedby="wave-public-hint" />
      </label>
      <label>
        Name participants see (Welsh, optional)
        <input value={publicCy} maxLength={80} onChange={(e) => setPublicCy(e.target.value)} aria-describedby="wave-public-hint" />
      </label>
      <p id="wave-public-hint" className="muted console-hint">
        Participants see no wave name unless you write one for them here, such as "Six months on" / "Chwe mis yn ddiweddarach".
      </p>
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
      <ProblemBox problem={library.problem} />
      {library.data ? (
        <InstrumentPicker library={library.data.instruments} picked={picked} onChange={setPicked} />
      ) : (
        !library.problem && <p className="muted">Loading the instrument library…</p>
      )}
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
        Reminder emails (optional: days after the invitation email, comma-separated)
        <input inputMode="numeric" value={reminderDays} onChange={(e) => setReminderDays(e.target.value)} aria-describedby="reminder-days-hint" placeholder="e.g. 7, 14" />
      </label>
      <p id="reminder-days-hint" className="muted console-hint">
        Only participants whose link was emailed, and who have not finished, declined or withdrawn, are reminded. A reminder sends a new link and the old one stops working. Links on a sheet are never reminded.
      </p>
      <ProblemBox problem={action.problem} />
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
      <button type="submit" className="button-primary" disabled={action.busy}>
        {action.busy ? 'Adding…' : 'Add wave'}
      </button>
    </form>
  );
}

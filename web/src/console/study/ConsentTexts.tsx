/**
 * A study's consent text versions: the list, and a form to add one (a version
 * never changes: a changed wording is a new version). The wave form offers
 * these versions.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { AddConsentTextRequest, type ConsentTextSummary } from '../../../../functions/contracts/studies.js';
import { addConsentText, listConsentTexts } from '../consoleApi';
import { ProblemBox, formProblem, useAction, useLoad, useSession, type Problem } from '../ui';

/** The study's consent versions (null while loading or when they could not be loaded), and a way to read them again. */
export function useConsentTexts(studyId: string): { consents: ConsentTextSummary[] | null; problem: Problem | null; reload(): void } {
  const { token } = useSession();
  const load = useCallback(() => listConsentTexts(token, studyId), [token, studyId]);
  const { data, problem, reload } = useLoad(load);
  return { consents: data?.consents ?? null, problem, reload };
}

/** `canAdd`: the caller owns the study (only owners add consent versions, as they add waves). */
export function ConsentSection(props: { studyId: string; consents: ConsentTextSummary[] | null; problem: Problem | null; onAdded(): void; canAdd?: boolean }) {
  const { consents } = props;
  return (
    <section id="consents" className="console-card" aria-labelledby="consents-heading">
      <h2 id="consents-heading">Consent texts</h2>
      <ProblemBox problem={props.problem} />
      {consents === null && !props.problem && <p className="muted">Loading consent texts…</p>}
      {consents && (
        <table className="console-table">
          <caption>Consent text versions</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Added</th>
              <th scope="col">Text</th>
            </tr>
          </thead>
          <tbody>
            {consents.map((consent) => (
              <tr key={consent.version}>
                <th scope="row">{consent.version}</th>
                <td>{new Date(consent.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}</td>
                <td>
                  <details>
                    <summary>
                      Read<span className="visually-hidden"> consent text {consent.version}</span>
                    </summary>
                    <p className="console-consent-text" lang="en">
                      {consent.text.en}
                    </p>
                    <p className="console-consent-text" lang="cy">
                      {consent.text.cy}
                    </p>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.canAdd !== false && <AddConsentForm studyId={props.studyId} onAdded={props.onAdded} />}
    </section>
  );
}

function AddConsentForm(props: { studyId: string; onAdded(): void }) {
  const { token } = useSession();
  const [version, setVersion] = useState('');
  const [en, setEn] = useState('');
  const [cy, setCy] = useState('');
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const request = AddConsentTextRequest.safeParse({ version: version.trim(), text: { en, cy } });
    if (!request.success) return action.setProblem(formProblem(request.error));
    await action.run(async () => {
      const result = await addConsentText(token, props.studyId, request.data);
      setDone(result.created ? `Consent version ${result.version} added.` : `Consent version ${result.version} already has exactly this text.`);
      setVersion('');
      setEn('');
      setCy('');
      props.onAdded();
    });
  };

  return (
    <form className="console-form console-form-wide" onSubmit={submit} aria-labelledby="add-consent-heading">
      <h3 id="add-consent-heading">Add a consent version</h3>
      <p className="muted console-hint" id="consent-version-hint">
        A version never changes once added: to change the wording, add a new version and choose it for the next waves.
      </p>
      <label>
        New consent version
        <input required value={version} onChange={(e) => setVersion(e.target.value)} aria-describedby="consent-version-hint" />
      </label>
      <label>
        New consent text (English)
        <textarea required rows={5} value={en} onChange={(e) => setEn(e.target.value)} />
      </label>
      <label>
        New consent text (Welsh)
        <textarea required rows={5} value={cy} onChange={(e) => setCy(e.target.value)} />
      </label>
      <ProblemBox problem={action.problem} />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <button type="submit" className="button-primary" disabled={action.busy}>
        {action.busy ? 'Adding…' : 'Add consent version'}
      </button>
    </form>
  );
}

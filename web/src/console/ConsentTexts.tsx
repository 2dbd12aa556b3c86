/**
 * A study's consent text versions: the list, and a form to add one (a version
 * never changes: a changed wording is a new version). The wave form offers
 * these versions.
 */
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { AddConsentTextRequest, type ConsentTextSummary } from '../../../functions/contracts/studies.js';
import { addConsentText, listConsentTexts } from './consoleApi';
import { ProblemBox, toProblem, type Problem } from './SetupForms';

type Explain = (error: unknown) => string;

/** The study's consent versions (null while loading or when they could not be loaded), and a way to read them again. */
export function useConsentTexts(token: string, studyId: string, explain: Explain): { consents: ConsentTextSummary[] | null; problem: Problem | null; reload(): void } {
  const [consents, setConsents] = useState<ConsentTextSummary[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    listConsentTexts(token, studyId).then(
      (list) => {
        if (!live) return;
        setConsents(list.consents);
        setProblem(null);
      },
      (error: unknown) => live && setProblem(toProblem(error, explain)),
    );
    return () => {
      live = false;
    };
  }, [token, studyId, explain, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { consents, problem, reload };
}

/** `canAdd`: the caller owns the study (only owners add consent versions, as they add waves). */
export function ConsentSection(props: { token: string; studyId: string; consents: ConsentTextSummary[] | null; problem: Problem | null; explain: Explain; onAdded(): void; canAdd?: boolean }) {
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
      {props.canAdd !== false && <AddConsentForm token={props.token} studyId={props.studyId} explain={props.explain} onAdded={props.onAdded} />}
    </section>
  );
}

function AddConsentForm(props: { token: string; studyId: string; explain: Explain; onAdded(): void }) {
  const [version, setVersion] = useState('');
  const [en, setEn] = useState('');
  const [cy, setCy] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    setDone(null);
    const request = AddConsentTextRequest.safeParse({ version: version.trim(), text: { en, cy } });
    if (!request.success) {
      setProblem({ message: 'Please correct the form.', details: request.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(form)'}: ${issue.message}`) });
      return;
    }
    setBusy(true);
    try {
      const result = await addConsentText(props.token, props.studyId, request.data);
      setDone(result.created ? `Consent version ${result.version} added.` : `Consent version ${result.version} already has exactly this text.`);
      setVersion('');
      setEn('');
      setCy('');
      props.onAdded();
    } catch (error) {
      setProblem(toProblem(error, props.explain));
    } finally {
      setBusy(false);
    }
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
      <ProblemBox problem={problem} />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Adding…' : 'Add consent version'}
      </button>
    </form>
  );
}

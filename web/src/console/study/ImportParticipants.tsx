/** Importing a study's participants from CSV: all rows, or none. */
import { useState, type FormEvent } from 'react';
import { importParticipants } from '../consoleApi';
import { ProblemBox, useAction, useSession } from '../ui';

export function ImportSection(props: { studyId: string; onImported(): void }) {
  const { token } = useSession();
  const [csv, setCsv] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const action = useAction();
  const [imported, setImported] = useState<number | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    action.setProblem(null);
    setImported(null);
    const text = file ? await file.text() : csv;
    if (text.trim() === '') return action.setProblem({ message: 'Choose a CSV file or paste the CSV first.', details: [] });
    await action.run(async () => {
      const result = await importParticipants(token, props.studyId, text);
      setImported(result.imported);
      props.onImported();
    });
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
        <ProblemBox problem={action.problem} />
        {imported !== null && (
          <p className="notice" role="status">
            Imported {imported} participant{imported === 1 ? '' : 's'}.
          </p>
        )}
        <button type="submit" className="button-primary" disabled={action.busy}>
          {action.busy ? 'Importing…' : 'Import participants'}
        </button>
      </form>
    </section>
  );
}

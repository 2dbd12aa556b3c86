/** Withdrawing a participant, after a confirmation: stop future waves, or erase everything held about them. */
import { useState } from 'react';
import { withdrawParticipant } from '../consoleApi';
import { ProblemBox, useAction, useSession } from '../ui';

export function WithdrawSection(props: { studyId: string; onDone(): void }) {
  const { token } = useSession();
  const [code, setCode] = useState('');
  const [scope, setScope] = useState<'future-waves' | 'erase-all'>('future-waves');
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);

  const confirm = () =>
    action.run(async () => {
      const result = await withdrawParticipant(token, props.studyId, code.trim(), { scope });
      setDone(
        result.scope === 'erase-all'
          ? `${code.trim()} has been withdrawn and everything held about them erased (${result.itemsErased} item${result.itemsErased === 1 ? '' : 's'}).`
          : `${code.trim()} has been withdrawn: they won't be asked anything more. What they gave is kept.`,
      );
      setCode('');
      setConfirming(false);
      props.onDone();
    });

  return (
    <section id="withdraw" className="console-card" aria-labelledby="withdraw-heading">
      <h2 id="withdraw-heading">Withdraw a participant</h2>
      {!confirming ? (
        <form
          className="console-form console-form-wide"
          onSubmit={(e) => {
            e.preventDefault();
            setDone(null);
            action.setProblem(null);
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
            <button type="button" className="button-danger" disabled={action.busy} onClick={() => void confirm()}>
              {scope === 'erase-all' ? 'Yes, erase all their data' : 'Yes, stop future waves'}
            </button>
            <button type="button" className="console-link-button" disabled={action.busy} onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </p>
        </div>
      )}
      <ProblemBox problem={action.problem} />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
    </section>
  );
}

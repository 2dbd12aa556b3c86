/**
 * Email addresses changed recently. The server would not email live links to
 * addresses changed in the last 24 hours without a person's say-so (replacing
 * an address and reissuing the link to it is how an account would be taken
 * over): which ones, and "Send anyway".
 */
import { useEffect, useRef } from 'react';
import { ApiProblem } from '../../api';

/** 409 contact_recently_changed: the codes whose email address changed in the last 24 hours (each detail names one); null for anything else. */
export function recentlyChangedCodes(error: unknown): string[] | null {
  if (!(error instanceof ApiProblem) || error.status !== 409 || error.code !== 'contact_recently_changed') return null;
  return error.details.map((d) => d.message.split(':')[0]!.trim()).filter((code) => code !== '');
}

export function RecentContactChanges(props: { id: string; codes: string[]; forWhat: string; busy: boolean; onSend(): void; onCancel(): void }) {
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

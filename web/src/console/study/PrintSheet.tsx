/** The printed link sheet: a slip per participant, with a QR code of their link (the QR code maker is a chunk of its own, loaded here). */
import { useEffect, useState } from 'react';
import type { Issued } from './types';

type QrModule = typeof import('../qr');

function QrCode({ qr, text, label }: { qr: QrModule; text: string; label: string }) {
  const { size, d } = qr.qrPath(text);
  return (
    <svg className="console-qr" viewBox={`0 0 ${size} ${size}`} role="img" aria-label={label} shapeRendering="crispEdges">
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

export function PrintSheet(props: { studyTitle: string; issued: Issued; onBack(): void }) {
  const [qr, setQr] = useState<QrModule | 'failed' | null>(null);
  useEffect(() => {
    document.body.classList.add('console-printing');
    let live = true;
    import('../qr').then(
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

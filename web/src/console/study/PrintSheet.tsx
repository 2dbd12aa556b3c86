/**
 * The printed link sheet: A4 pages of 8 slips (2 × 4, 105 × 74 mm) that cut
 * cleanly along the dashed lines, one per participant. A slip is for the young
 * person: the study's name, one line in English and Welsh, the link in large
 * type and its QR code; the participant code is small, for the adviser handing
 * it over. The QR code maker is a chunk of its own, loaded here.
 */
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

/** What the young person reads on their slip, in both languages. */
const SLIP_WORDS = {
  en: "Scan or type this link to take part. It's just for you.",
  cy: "Sganiwch neu teipiwch y ddolen hon i gymryd rhan. Mae hi ar eich cyfer chi yn unig.",
};

export function PrintSheet(props: { studyTitle: { en: string; cy: string }; issued: Issued; onBack(): void }) {
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
        Link sheet: {props.studyTitle.en}, {props.issued.waveName}
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
      <p className="muted no-print">Printed on A4 at 100% (no fitting to the page), each page holds 8 slips: cut along the dashed lines.</p>
      <ul className="console-slips">
        {props.issued.links.map((l) => (
          <li key={l.participantCode} className="console-slip">
            <p className="console-slip-study">
              {props.studyTitle.en}
              {props.studyTitle.cy !== props.studyTitle.en && <span lang="cy"> · {props.studyTitle.cy}</span>}
            </p>
            <p className="console-slip-words">{SLIP_WORDS.en}</p>
            <p className="console-slip-words" lang="cy">
              {SLIP_WORDS.cy}
            </p>
            <div className="console-slip-link">
              {qr !== null && qr !== 'failed' && <QrCode qr={qr} text={l.link} label={`QR code for ${l.participantCode}'s link`} />}
              <p className="console-slip-url">{l.link}</p>
            </div>
            <p className="console-slip-code">{l.participantCode}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}

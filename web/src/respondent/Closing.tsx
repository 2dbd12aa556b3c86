/**
 * The pages that end a visit: thank-you (with a check-in offer) and the
 * polite ending after "No thanks". Both list the study's support contacts.
 * A lazy chunk of their own (see loadSurveyRunner.ts): on screen only after the first screen.
 */
import { useEffect, useState } from 'react';
import type { OpenLinkResult, SupportContact } from '../../../functions/contracts/respondent.js';
import { requestCheckIn } from '../api';
import type { Lang } from '../i18n';
import { t } from './strings-after-first-screen';
import type { Outbox } from './outbox';

type Link = OpenLinkResult;

export function ThanksPage(props: { lang: Lang; token: string; link: Link; already: boolean; outbox: Outbox }) {
  const { lang, token, link, already, outbox } = props;
  const unsent = useUnsentSubmissions(outbox);
  const [hadUnsent, setHadUnsent] = useState(unsent > 0);
  useEffect(() => {
    if (unsent > 0) setHadUnsent(true);
  }, [unsent]);

  return (
    <div className="message">
      <h1>{t(lang, already ? 'alreadyDoneTitle' : 'thanksTitle')}</h1>
      {unsent > 0 ? (
        <div className="notice notice-calm" role="status">
          <p>{t(lang, 'queuedBody')}</p>
          <p className="muted">{t(lang, 'queuedHint')}</p>
        </div>
      ) : (
        <>
          {hadUnsent && (
            <p className="notice notice-calm" role="status">
              {t(lang, 'sentNow')}
            </p>
          )}
          <p>{t(lang, already ? 'alreadyDoneBody' : 'thanksBody')}</p>
        </>
      )}
      <section aria-labelledby="what-next-title">
        <h2 id="what-next-title">{t(lang, 'whatNextTitle')}</h2>
        <p>{t(lang, 'whatNextNotRead')}</p>
        <p>{t(lang, 'whatNextWho')}</p>
        <p>{t(lang, 'whatNextTakeBack')}</p>
      </section>
      <CheckIn lang={lang} token={token} requested={link.checkInRequested} onSent={outbox.flush} />
      <SupportContacts lang={lang} contacts={link.study.supportContacts} />
    </div>
  );
}

export function DeclinedPage({ lang, link }: { lang: Lang; link: Link }) {
  return (
    <div className="message">
      <h1>{t(lang, 'declinedTitle')}</h1>
      <p>{t(lang, 'declinedBody')}</p>
      <p>{t(lang, 'declinedChangeMind')}</p>
      <SupportContacts lang={lang} contacts={link.study.supportContacts} />
    </div>
  );
}

/** How many final submissions are kept on the phone, not yet sent; updates as they go. */
function useUnsentSubmissions(outbox: Outbox): number {
  const [unsent, setUnsent] = useState(() => outbox.unsentSubmissions());
  useEffect(() => {
    setUnsent(outbox.unsentSubmissions());
    return outbox.subscribe(() => setUnsent(outbox.unsentSubmissions()));
  }, [outbox]);
  return unsent;
}

function CheckIn(props: { lang: Lang; token: string; requested: boolean; onSent(): void }) {
  const { lang, token, requested, onSent } = props;
  const [state, setState] = useState<'idle' | 'sending' | 'done' | 'failed'>(requested ? 'done' : 'idle');
  const ask = () => {
    setState('sending');
    requestCheckIn(token, { language: lang }).then(
      () => {
        setState('done');
        onSent(); // the signal is good: send any answers still kept on the phone
      },
      () => setState('failed'),
    );
  };
  return (
    <section className="card" aria-labelledby="check-in-title">
      <h2 id="check-in-title">{t(lang, 'checkInTitle')}</h2>
      <p>{t(lang, 'checkInBody')}</p>
      {state === 'done' ? (
        <p className="done" role="status">
          {t(lang, 'checkInDone')}
        </p>
      ) : (
        <>
          <button type="button" className="button-secondary" onClick={ask} disabled={state === 'sending'} aria-busy={state === 'sending'}>
            {state === 'sending' ? t(lang, 'sending') : t(lang, 'checkInButton')}
          </button>
          {state === 'failed' && (
            <p className="status-warn" role="alert">
              {t(lang, 'checkInFailed')}
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** Only web addresses: a contact's `url` is never run as a script or opened as another scheme. */
function webAddress(url: string | undefined): URL | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed : null;
  } catch {
    return null;
  }
}

/** "080880 23456" → "08088023456"; keeps a leading +. */
const telOf = (phone: string) => phone.replace(/(?!^\+)[^\d]/g, '');

export function SupportContacts({ lang, contacts }: { lang: Lang; contacts: SupportContact[] }) {
  if (contacts.length === 0) return null;
  return (
    <section className="support" aria-labelledby="support-title">
      <h2 id="support-title">{t(lang, 'supportTitle')}</h2>
      <ul className="contacts">
        {contacts.map((contact, i) => {
          const site = webAddress(contact.url);
          return (
            <li key={i} className="card">
              <h3>{contact.name[lang]}</h3>
              <p>{contact.description[lang]}</p>
              {contact.phone && (
                <p>
                  <a className="contact-phone" href={`tel:${telOf(contact.phone)}`}>
                    {t(lang, 'supportCall', { phone: contact.phone })}
                  </a>
                </p>
              )}
              {contact.hours && <p className="muted">{contact.hours[lang]}</p>}
              {site && (
                <p>
                  <a href={site.href} target="_blank" rel="noopener noreferrer">
                    {t(lang, 'supportWebsite')} ({site.hostname.replace(/^www\./, '')})
                  </a>
                </p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/**
 * The respondent page, /s/<token>. This file is on the first screen: keep it
 * small, and keep survey-core out of it (see loadSurveyRunner.ts).
 *
 * Phases: loading → problem
 *                 | consent → declined
 *                 |         → intro → survey → thanks
 * A link opened again goes straight to the phase its state calls for. The
 * closing pages (declined, thanks) are a lazy chunk of their own, loaded with
 * the survey or, for a link opened when already finished, on their own.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ConsentDecision, OpenLinkResult } from '../../../functions/contracts/respondent.js';
import { ApiProblem, openLink, recordConsent } from '../api';
import { formatDate, t, type Lang, type StringKey } from '../i18n';
import { LanguageSwitch } from '../LanguageSwitch';
import { loadClosingPages, loadSurvey, type ClosingPages } from './loadSurveyRunner';
import { createOutbox } from './outbox';
import { QuickExitButton, useDoubleEscapeToExit } from './QuickExit';
import type { RunnableLink, SurveyRunnerProps } from './SurveyRunner';

export type Problem = 'notValid' | 'notOpen' | 'closed' | 'tooMany' | 'network' | 'server';

type Link = OpenLinkResult;

type Phase =
  | { kind: 'loading' }
  | { kind: 'problem'; problem: Problem }
  | { kind: 'consent'; link: Link; busy: boolean; notice: 'failed' | 'changed' | null }
  | { kind: 'declined'; link: Link; Closing: ClosingPages }
  | { kind: 'intro'; link: Link; starting: boolean }
  | { kind: 'survey'; link: RunnableLink; Runner: (props: SurveyRunnerProps) => ReactNode; Closing: ClosingPages }
  | { kind: 'thanks'; link: Link; already: boolean; Closing: ClosingPages };

export function problemOf(error: unknown): Problem {
  if (error instanceof ApiProblem) {
    if (error.code === 'link_not_valid' || error.status === 404) return 'notValid';
    if (error.code === 'link_not_open_yet') return 'notOpen';
    if (error.code === 'link_closed' || error.status === 410) return 'closed';
    if (error.code === 'too_many_attempts') return 'tooMany';
    return 'server';
  }
  return 'network';
}

const isDone = (link: Link) => link.instruments.every((i) => i.response?.status === 'complete');

/** Consent text: paragraphs separated by a blank line. */
const paragraphs = (text: string) => text.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);

/** Where this phone keeps the language chosen on it (before consent too): only 'en' or 'cy', nothing about the study. */
const LANGUAGE_KEY = 'pont.language';

/**
 * The language to open in before the link says, and whether it is known: the
 * one chosen on this phone, else the phone's own (a Welsh phone opens in
 * Welsh), else unknown (then the screens before the link loads say both).
 */
function firstLanguage(): { lang: Lang; known: boolean } {
  try {
    const chosen = localStorage.getItem(LANGUAGE_KEY);
    if (chosen === 'en' || chosen === 'cy') return { lang: chosen, known: true };
  } catch {
    // Storage refused (some private modes): the phone's language still counts.
  }
  const languages = typeof navigator === 'undefined' ? [] : navigator.languages?.length ? navigator.languages : [navigator.language];
  const spoken = languages.find((code) => /^(cy|en)(-|$)/i.test(code ?? ''));
  return spoken ? { lang: spoken.toLowerCase().startsWith('cy') ? 'cy' : 'en', known: true } : { lang: 'en', known: false };
}

function rememberLanguage(lang: Lang) {
  try {
    localStorage.setItem(LANGUAGE_KEY, lang);
  } catch {
    // Not kept on this phone; the participant's choice is still saved with their answers.
  }
}

export function RespondentApp({ token }: { token: string }) {
  const [first] = useState(firstLanguage);
  const [lang, setLang] = useState<Lang>(first.lang);
  /** False until the link, a tap or the phone has said which language: until then, the page says things in both. */
  const [langKnown, setLangKnown] = useState(first.known);
  const chooseLanguage = useCallback((chosen: Lang) => {
    setLang(chosen);
    setLangKnown(true);
    rememberLanguage(chosen);
  }, []);
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });
  const outbox = useMemo(() => createOutbox(token), [token]);
  useEffect(() => outbox.attach(), [outbox]);
  useDoubleEscapeToExit();

  const load = useCallback(
    (notice: 'changed' | null = null) => {
      if (!token) {
        setPhase({ kind: 'problem', problem: 'notValid' });
        return;
      }
      setPhase({ kind: 'loading' });
      openLink(token)
        // Answers kept on this phone and newer than the server's replace them (and are sent).
        .then((opened) => outbox.reconcile(opened))
        .then(async (link): Promise<Phase> => {
          // The participant's saved choice comes first, then this phone's.
          if (link.language) setLang(link.language);
          setLangKnown(true);
          const { decision } = link.consent;
          if (decision === 'declined') {
            outbox.clear();
            return { kind: 'declined', link, Closing: await loadClosingPages() };
          }
          if (decision === null) return { kind: 'consent', link, busy: false, notice };
          if (isDone(link)) return { kind: 'thanks', link, already: outbox.unsentSubmissions() === 0, Closing: await loadClosingPages() };
          return { kind: 'intro', link, starting: false };
        })
        .then(setPhase, (error: unknown) => setPhase({ kind: 'problem', problem: problemOf(error) }));
    },
    [token, outbox],
  );

  useEffect(() => load(), [load]);

  // Prefetch the survey chunk and the surveys while the participant reads the first screen.
  const firstScreenLink = phase.kind === 'intro' || phase.kind === 'consent' ? phase.link : null;
  useEffect(() => {
    if (firstScreenLink) loadSurvey(firstScreenLink).catch(() => undefined);
  }, [firstScreenLink]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  // When the page changes under the participant's feet (survey started, finished…), move
  // keyboard and screen-reader focus to the top of the new content, not back to <body>.
  const mainRef = useRef<HTMLElement>(null);
  const shownKind = useRef(phase.kind);
  useEffect(() => {
    const before = shownKind.current;
    shownKind.current = phase.kind;
    if (before === phase.kind || before === 'loading' || phase.kind === 'loading' || phase.kind === 'intro') return;
    mainRef.current?.focus({ preventScroll: true });
  }, [phase.kind]);

  // Never the study's name: the title stays in the phone's history, which someone else may read.
  useEffect(() => {
    document.title = 'Pont';
  }, []);

  const start = (link: Link) => {
    setPhase({ kind: 'intro', link, starting: true });
    loadSurvey(link).then(
      (loaded) => setPhase({ kind: 'survey', link: loaded.link, Runner: loaded.Runner, Closing: loaded.Closing }),
      () => setPhase({ kind: 'problem', problem: 'network' }),
    );
  };

  const decide = (link: Link, decision: ConsentDecision) => {
    setPhase({ kind: 'consent', link, busy: true, notice: null });
    recordConsent(token, { version: link.consent.version, decision, language: lang }).then(
      (result) => {
        const decided: Link = { ...link, consent: { ...link.consent, decision: result.decision, decidedAt: result.decidedAt } };
        if (result.decision === 'declined') {
          outbox.clear();
          loadClosingPages().then(
            (Closing) => setPhase({ kind: 'declined', link: { ...decided, instruments: [] }, Closing }),
            () => setPhase({ kind: 'problem', problem: 'network' }),
          );
        } else {
          outbox.flush();
          start(decided);
        }
      },
      (error: unknown) => {
        if (error instanceof ApiProblem) {
          // The study's information changed while it was on screen: show the new one.
          if (error.code === 'consent_version_changed') return load('changed');
          // Decided already (another tab or device): go where that decision leads.
          if (error.code === 'consent_already_recorded') return load();
          const problem = problemOf(error);
          if (problem !== 'server') return setPhase({ kind: 'problem', problem });
        }
        setPhase({ kind: 'consent', link, busy: false, notice: 'failed' });
      },
    );
  };

  // A final submission kept on the phone and sent from the thank-you page can still be
  // refused: reopen the survey with its answers (they are kept), or say what happened.
  const phaseKind = useRef(phase.kind);
  phaseKind.current = phase.kind;
  useEffect(
    () =>
      outbox.subscribe((event) => {
        if (event.kind === 'state' || phaseKind.current !== 'thanks') return;
        if (event.kind === 'refused') load();
        else if (event.problem.code === 'already_completed') return; // finished is finished
        else if (event.problem.code === 'consent_required' || event.problem.code === 'consent_declined') load();
        else setPhase({ kind: 'problem', problem: problemOf(event.problem) });
      }),
    [outbox, load],
  );

  // No connection: try again by itself as soon as the phone is back online.
  const offline = phase.kind === 'problem' && phase.problem === 'network';
  useEffect(() => {
    if (!offline) return;
    const retry = () => load();
    window.addEventListener('online', retry);
    return () => window.removeEventListener('online', retry);
  }, [offline, load]);

  const onAllDone = useCallback(() => {
    window.scrollTo(0, 0);
    setPhase((current) =>
      current.kind === 'survey' ? { kind: 'thanks', link: current.link, already: false, Closing: current.Closing } : current,
    );
  }, []);
  const onLinkProblem = useCallback(
    (error: ApiProblem) => {
      // Consent missing or declined after all (another device): ask again / end politely.
      if (error.code === 'consent_required' || error.code === 'consent_declined') load();
      else setPhase({ kind: 'problem', problem: problemOf(error) });
    },
    [load],
  );

  return (
    <>
      <header className="topbar topbar-respondent">
        <span className="brand">Pont</span>
        <div className="topbar-actions">
          <LanguageSwitch lang={lang} onChange={chooseLanguage} />
          <QuickExitButton lang={lang} />
        </div>
      </header>
      <main ref={mainRef} tabIndex={-1} className={phase.kind === 'survey' ? 'page page-wide' : 'page'}>
        {phase.kind === 'loading' && <p className="muted">{langKnown ? t(lang, 'loading') : `${t('en', 'loading')} / ${t('cy', 'loading')}`}</p>}
        {phase.kind === 'problem' &&
          (langKnown ? (
            <ProblemPage lang={lang} problem={phase.problem} kept={outbox.hasKept()} onRetry={() => load()} />
          ) : (
            // Nothing has said which language yet: the same page in both, Welsh first; one main heading for the page.
            (['cy', 'en'] as const).map((both, i) => (
              <div key={both} lang={both}>
                <ProblemPage lang={both} problem={phase.problem} kept={outbox.hasKept()} onRetry={() => load()} heading={i === 0 ? 'h1' : 'h2'} />
              </div>
            ))
          ))}
        {phase.kind === 'consent' && (
          <Consent
            lang={lang}
            link={phase.link}
            busy={phase.busy}
            notice={phase.notice}
            onDecide={(decision) => decide(phase.link, decision)}
          />
        )}
        {phase.kind === 'declined' && <phase.Closing.DeclinedPage lang={lang} link={phase.link} />}
        {phase.kind === 'intro' && (
          <Intro lang={lang} link={phase.link} starting={phase.starting} onStart={() => start(phase.link)} />
        )}
        {phase.kind === 'survey' && (
          <phase.Runner
            token={token}
            link={phase.link}
            lang={lang}
            outbox={outbox}
            onAllDone={onAllDone}
            onLinkProblem={onLinkProblem}
          />
        )}
        {phase.kind === 'thanks' && (
          <phase.Closing.ThanksPage lang={lang} token={token} link={phase.link} already={phase.already} outbox={outbox} />
        )}
      </main>
    </>
  );
}

function StudyHeading({ lang, link }: { lang: Lang; link: Link }) {
  const closes = formatDate(lang, link.wave.closesAt);
  return (
    <>
      <h1>{link.study.title[lang]}</h1>
      {(link.wave.name || closes) && (
        <p className="muted">
          {[link.wave.name?.[lang], closes && t(lang, 'introOpenUntil', { date: closes })].filter(Boolean).join(' · ')}
        </p>
      )}
    </>
  );
}

function Consent(props: {
  lang: Lang;
  link: Link;
  busy: boolean;
  notice: 'failed' | 'changed' | null;
  onDecide(decision: ConsentDecision): void;
}) {
  const { lang, link, busy, notice, onDecide } = props;
  return (
    <>
      <StudyHeading lang={lang} link={link} />
      {notice === 'changed' && <p className="notice notice-calm">{t(lang, 'consentChanged')}</p>}
      <section aria-labelledby="consent-title">
        <h2 id="consent-title">{t(lang, 'consentTitle')}</h2>
        {paragraphs(link.consent.text[lang]).map((text, i) => (
          <p key={i}>{text}</p>
        ))}
      </section>
      <div className="choices">
        <button type="button" className="button-primary" onClick={() => onDecide('agreed')} disabled={busy} aria-busy={busy}>
          {t(lang, 'consentYes')}
        </button>
        <button type="button" className="button-secondary" onClick={() => onDecide('declined')} disabled={busy}>
          {t(lang, 'consentNo')}
        </button>
      </div>
      {notice === 'failed' && (
        <p className="notice notice-warn" role="alert">
          {t(lang, 'consentFailed')}
        </p>
      )}
    </>
  );
}

function Intro(props: { lang: Lang; link: Link; starting: boolean; onStart(): void }) {
  const { lang, link, starting, onStart } = props;
  const resuming = link.instruments.some((i) => i.response !== null);
  return (
    <>
      <StudyHeading lang={lang} link={link} />
      <p>{t(lang, 'introLead')}</p>
      <button type="button" className="button-primary" onClick={onStart} disabled={starting} aria-busy={starting}>
        {starting ? t(lang, 'loading') : t(lang, resuming ? 'carryOn' : 'start')}
      </button>
    </>
  );
}

const problemText: Record<Problem, { title: StringKey; body: StringKey; retry: boolean }> = {
  notValid: { title: 'notValidTitle', body: 'notValidBody', retry: false },
  notOpen: { title: 'notOpenTitle', body: 'notOpenBody', retry: false },
  closed: { title: 'closedTitle', body: 'closedBody', retry: false },
  tooMany: { title: 'tooManyTitle', body: 'tooManyBody', retry: false },
  network: { title: 'networkTitle', body: 'networkBody', retry: true },
  server: { title: 'serverTitle', body: 'serverBody', retry: true },
};

function ProblemPage(props: { lang: Lang; problem: Problem; kept: boolean; onRetry(): void; heading?: 'h1' | 'h2' }) {
  const { lang, problem, kept, onRetry } = props;
  const text = problemText[problem];
  const Heading = props.heading ?? 'h1';
  return (
    <div className="message">
      <Heading className="message-title">{t(lang, text.title)}</Heading>
      <p>{t(lang, text.body)}</p>
      {kept && problem === 'network' && <p className="notice notice-calm">{t(lang, 'queuedBody')}</p>}
      {text.retry && (
        <button type="button" className="button-primary" onClick={onRetry}>
          {t(lang, 'retry')}
        </button>
      )}
    </div>
  );
}

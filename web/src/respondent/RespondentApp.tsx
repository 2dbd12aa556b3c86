/**
 * The respondent page, /s/<token>. This file is on the first screen: keep it
 * small, and keep survey-core out of it (see loadSurveyRunner.ts).
 *
 * Phases: loading → problem | intro → survey → thanks.
 */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { OpenLinkResult } from '../../../functions/contracts/respondent.js';
import { ApiProblem, openLink } from '../api';
import { formatDate, t, type Lang } from '../i18n';
import { LanguageSwitch } from '../LanguageSwitch';
import { loadSurveyRunner } from './loadSurveyRunner';
import type { SurveyRunnerProps } from './SurveyRunner';

export type Problem = 'notValid' | 'notOpen' | 'closed' | 'network' | 'server';

type Phase =
  | { kind: 'loading' }
  | { kind: 'problem'; problem: Problem }
  | { kind: 'intro'; link: OpenLinkResult; starting: boolean }
  | { kind: 'survey'; link: OpenLinkResult; Runner: (props: SurveyRunnerProps) => ReactNode }
  | { kind: 'thanks'; already: boolean };

export function problemOf(error: unknown): Problem {
  if (error instanceof ApiProblem) {
    if (error.code === 'link_not_valid' || error.status === 404) return 'notValid';
    if (error.code === 'link_not_open_yet') return 'notOpen';
    if (error.code === 'link_closed' || error.status === 410) return 'closed';
    return 'server';
  }
  return 'network';
}

const isDone = (link: OpenLinkResult) => link.instruments.every((i) => i.response?.status === 'complete');

export function RespondentApp({ token }: { token: string }) {
  const [lang, setLang] = useState<Lang>('en');
  const [phase, setPhase] = useState<Phase>({ kind: 'loading' });

  const load = useCallback(() => {
    if (!token) {
      setPhase({ kind: 'problem', problem: 'notValid' });
      return;
    }
    setPhase({ kind: 'loading' });
    openLink(token).then(
      (link) => {
        if (link.language) setLang(link.language);
        setPhase(isDone(link) ? { kind: 'thanks', already: true } : { kind: 'intro', link, starting: false });
      },
      (error: unknown) => setPhase({ kind: 'problem', problem: problemOf(error) }),
    );
  }, [token]);

  useEffect(load, [load]);

  // Prefetch the survey chunk while the participant reads the first screen.
  const introShowing = phase.kind === 'intro';
  useEffect(() => {
    if (introShowing) loadSurveyRunner().catch(() => undefined);
  }, [introShowing]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const studyTitle = phase.kind === 'intro' || phase.kind === 'survey' ? phase.link.study.title[lang] : null;
  useEffect(() => {
    document.title = studyTitle ? `${studyTitle} – Pont` : 'Pont';
  }, [studyTitle]);

  const start = (link: OpenLinkResult) => {
    setPhase({ kind: 'intro', link, starting: true });
    loadSurveyRunner().then(
      (module) => setPhase({ kind: 'survey', link, Runner: module.SurveyRunner }),
      () => setPhase({ kind: 'problem', problem: 'network' }),
    );
  };

  const onAllDone = useCallback(() => {
    window.scrollTo(0, 0);
    setPhase({ kind: 'thanks', already: false });
  }, []);
  const onLinkProblem = useCallback((error: ApiProblem) => setPhase({ kind: 'problem', problem: problemOf(error) }), []);

  return (
    <>
      <header className="topbar">
        <span className="brand">Pont</span>
        <LanguageSwitch lang={lang} onChange={setLang} />
      </header>
      <main className={phase.kind === 'survey' ? 'page page-wide' : 'page'}>
        {phase.kind === 'loading' && <p className="muted">{t(lang, 'loading')}</p>}
        {phase.kind === 'problem' && <ProblemPage lang={lang} problem={phase.problem} onRetry={load} />}
        {phase.kind === 'intro' && (
          <Intro lang={lang} link={phase.link} starting={phase.starting} onStart={() => start(phase.link)} />
        )}
        {phase.kind === 'survey' && (
          <phase.Runner
            token={token}
            link={phase.link}
            lang={lang}
            onAllDone={onAllDone}
            onLinkProblem={onLinkProblem}
          />
        )}
        {phase.kind === 'thanks' && (
          <Message
            title={t(lang, phase.already ? 'alreadyDoneTitle' : 'thanksTitle')}
            body={t(lang, phase.already ? 'alreadyDoneBody' : 'thanksBody')}
          />
        )}
      </main>
    </>
  );
}

function Intro(props: { lang: Lang; link: OpenLinkResult; starting: boolean; onStart(): void }) {
  const { lang, link, starting, onStart } = props;
  const closes = formatDate(lang, link.wave.closesAt);
  const resuming = link.instruments.some((i) => i.response !== null);
  return (
    <>
      <h1>{link.study.title[lang]}</h1>
      <p className="muted">
        {link.wave.name[lang]}
        {closes && <> · {t(lang, 'introOpenUntil', { date: closes })}</>}
      </p>
      <p>{t(lang, 'introLead')}</p>
      <button type="button" className="button-primary" onClick={onStart} disabled={starting} aria-busy={starting}>
        {starting ? t(lang, 'loading') : t(lang, resuming ? 'carryOn' : 'start')}
      </button>
    </>
  );
}

const problemText: Record<Problem, { title: Parameters<typeof t>[1]; body: Parameters<typeof t>[1]; retry: boolean }> = {
  notValid: { title: 'notValidTitle', body: 'notValidBody', retry: false },
  notOpen: { title: 'notOpenTitle', body: 'notOpenBody', retry: false },
  closed: { title: 'closedTitle', body: 'closedBody', retry: false },
  network: { title: 'networkTitle', body: 'networkBody', retry: true },
  server: { title: 'serverTitle', body: 'serverBody', retry: true },
};

function ProblemPage({ lang, problem, onRetry }: { lang: Lang; problem: Problem; onRetry(): void }) {
  const text = problemText[problem];
  return (
    <Message title={t(lang, text.title)} body={t(lang, text.body)}>
      {text.retry && (
        <button type="button" className="button-primary" onClick={onRetry}>
          {t(lang, 'retry')}
        </button>
      )}
    </Message>
  );
}

function Message({ title, body, children }: { title: string; body: string; children?: ReactNode }) {
  return (
    <div className="message">
      <h1>{title}</h1>
      <p>{body}</p>
      {children}
    </div>
  );
}

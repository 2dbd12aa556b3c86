/**
 * Instrument preview, /preview (its own lazy chunk; never loaded on /s/).
 * Served only by `npm run pont -- instrument preview <file>` (cli/preview/),
 * which answers GET /api/preview/instrument and streams a Server-Sent Event
 * at every save of the file.
 *
 * The survey is the respondent page's own SurveyRunner in preview mode:
 * same chunk, same styles, same checks, but nothing is saved or sent. On a
 * change the file is fetched again and the survey starts afresh in the
 * language already chosen; a save that leaves the content as it was keeps
 * the answers given so far.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { PreviewResult, type PreviewInstrument } from '../../../functions/contracts/preview.js';
import { ApiProblem, requestJson } from '../api';
import { t, type Lang } from '../i18n';
import { LanguageSwitch } from '../LanguageSwitch';
import { loadSurveyRunner } from '../respondent/loadSurveyRunner';
import type { RunnableLink, SurveyRunnerProps } from '../respondent/SurveyRunner';
import { previewLink } from './previewLink';
import './preview.css';

// DRAFT WELSH, like i18n.ts: to be reviewed by a Welsh translator. Kept here,
// not in i18n.ts, so that participants' first screen doesn't carry them.
const strings = {
  en: {
    banner: 'Preview – answers are not saved',
    live: 'Updates when you save the file',
    offline: 'Lost contact with the preview server. Is it still running?',
    problemsTitle: "This instrument file has problems, so it can't be shown yet. Fix them and save the file: this page updates by itself.",
    finishedTitle: 'Preview finished',
    finishedBody: 'Participants would see the thank-you page now. Nothing was saved.',
    startAgain: 'Start again',
    unreachableTitle: "Can't reach the preview server",
    unreachableBody: 'Start it with npm run pont -- instrument preview <file>, then try again.',
  },
  cy: {
    banner: "Rhagolwg – dydy'r atebion ddim yn cael eu cadw",
    live: "Yn diweddaru pan fyddwch chi'n cadw'r ffeil",
    offline: "Wedi colli cysylltiad â'r gweinydd rhagolwg. Ydy e'n dal i redeg?",
    problemsTitle: 'Mae problemau yn y ffeil offeryn hon, felly does dim modd ei dangos eto. Trwsiwch nhw a chadwch y ffeil: bydd y dudalen hon yn diweddaru ar ei phen ei hun.',
    finishedTitle: 'Rhagolwg wedi gorffen',
    finishedBody: 'Byddai cyfranogwyr yn gweld y dudalen diolch nawr. Chafodd dim byd ei gadw.',
    startAgain: 'Dechrau eto',
    unreachableTitle: 'Methu cyrraedd y gweinydd rhagolwg',
    unreachableBody: 'Dechreuwch ef gydag npm run pont -- instrument preview <ffeil>, yna triwch eto.',
  },
} satisfies Record<Lang, Record<string, string>>;

type Runner = (props: SurveyRunnerProps) => ReactNode;

type View =
  | { kind: 'loading' }
  | { kind: 'unreachable' }
  | { kind: 'loaded'; result: PreviewResult; Runner: Runner };

const noop = () => undefined;

export default function PreviewApp() {
  const [lang, setLang] = useState<Lang>('en');
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [live, setLive] = useState<'connecting' | 'live' | 'offline'>('connecting');
  const [finished, setFinished] = useState(false);
  /** Bumped by "Start again" to run the same content afresh. */
  const [run, setRun] = useState(0);
  const latest = useRef(0);
  /** The content hash of the instrument on screen (null: none, or problems). */
  const shown = useRef<string | null>(null);

  const load = useCallback(() => {
    const request = ++latest.current;
    Promise.all([requestJson(PreviewResult, '/api/preview/instrument'), loadSurveyRunner()]).then(
      ([result, module]) => {
        if (request !== latest.current) return; // a newer save is already on its way
        const hash = result.instrument?.contentHash ?? null;
        if (hash !== null && hash === shown.current) return; // saved without a change: keep the answers
        shown.current = hash;
        setFinished(false);
        setView({ kind: 'loaded', result, Runner: module.SurveyRunner });
      },
      (error: unknown) => {
        if (request !== latest.current) return;
        if (!(error instanceof ApiProblem)) console.error(error);
        setView({ kind: 'unreachable' });
      },
    );
  }, []);

  useEffect(load, [load]);

  // One message per save of the file. After a lost connection (the server was
  // restarted), fetch again too: the file may have changed in between.
  useEffect(() => {
    const events = new EventSource('/api/preview/events');
    let reconnecting = false;
    events.onopen = () => {
      setLive('live');
      if (reconnecting) load();
      reconnecting = true;
    };
    events.onmessage = load;
    events.onerror = () => setLive('offline');
    return () => events.close();
  }, [load]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const instrument = view.kind === 'loaded' ? view.result.instrument : null;
  const title = instrument?.title[lang];
  useEffect(() => {
    document.title = title ? `Preview: ${title} – Pont` : 'Preview – Pont';
  }, [title]);

  const link = useMemo(() => (instrument ? previewLink(instrument) : null), [instrument]);
  const onAllDone = useCallback(() => {
    window.scrollTo(0, 0);
    setFinished(true);
  }, []);
  const startAgain = () => {
    setFinished(false);
    setRun((n) => n + 1);
  };

  const text = strings[lang];
  const surveyShowing = view.kind === 'loaded' && link !== null && !finished;

  return (
    <>
      <header className="topbar">
        <span className="brand">Pont</span>
        <LanguageSwitch lang={lang} onChange={setLang} />
      </header>
      <div className="preview-banner" role="note">
        <strong>{text.banner}</strong>
        <span className="preview-banner-detail">
          {view.kind === 'loaded' && <code>{view.result.file}</code>}
          <span className={live === 'offline' ? 'preview-live preview-live-off' : 'preview-live'} data-live={live} aria-live="polite">
            {live === 'live' ? text.live : live === 'offline' ? text.offline : ''}
          </span>
        </span>
      </div>
      <main className={surveyShowing ? 'page page-wide' : 'page'}>
        {view.kind === 'loading' && <p className="muted">{t(lang, 'loading')}</p>}
        {view.kind === 'unreachable' && (
          <div className="message">
            <h1>{text.unreachableTitle}</h1>
            <p>{text.unreachableBody}</p>
            <button type="button" className="button-primary" onClick={load}>
              {t(lang, 'retry')}
            </button>
          </div>
        )}
        {view.kind === 'loaded' && !instrument && (
          <div className="notice notice-warn preview-problems" role="alert">
            <p>{text.problemsTitle}</p>
            <ul>
              {view.result.problems.map((problem, i) => (
                <li key={i}>
                  <code>{problem.path}</code>: {problem.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {surveyShowing && (
          <view.Runner
            key={`${link.instruments[0]!.contentHash}:${run}`}
            token=""
            link={link}
            lang={lang}
            onAllDone={onAllDone}
            onLinkProblem={noop}
            preview
          />
        )}
        {view.kind === 'loaded' && link && finished && (
          <div className="message">
            <h1>{text.finishedTitle}</h1>
            <p>{text.finishedBody}</p>
            <button type="button" className="button-primary" onClick={startAgain}>
              {text.startAgain}
            </button>
          </div>
        )}
      </main>
    </>
  );
}

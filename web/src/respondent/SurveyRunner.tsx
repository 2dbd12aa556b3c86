/**
 * The lazy "survey" chunk: survey-core, survey-react-ui, their fontless
 * stylesheet and the Welsh SurveyJS strings. Loaded with import() from
 * loadSurveyRunner.ts; nothing on the first screen imports this statically.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Helpers, Model, settings, type Question } from 'survey-core';
import { Survey } from 'survey-react-ui';
import 'survey-core/i18n/welsh';
// Only the rules our question types can use: the build sets the rest aside (survey-styles.ts).
import 'survey-core/survey-core.fontless.css';
import './survey.css';

import type { ErrorDetail } from '../../../functions/contracts/common.js';
import type { OpenLinkResult, SurveyJson } from '../../../functions/contracts/respondent.js';
import { ApiProblem, NetworkProblem } from '../api';
import type { Lang } from '../i18n';
import { t } from './strings-after-first-screen';
import { isFatal, type Outbox, type SaveState, type Snapshot } from './outbox';
import { loadTrimmedSurveyStyles, surveyNeedsTrimmedStyles, watchForTrimmedFeatures } from './trimmed-survey-styles';
import { applyWelshSurveyStrings } from './welsh-survey-strings';

applyWelshSurveyStrings();

type Instrument = OpenLinkResult['instruments'][number] & { survey: SurveyJson };

/** A link whose instruments carry their surveys (fetched apart from the link: see loadSurvey). */
export type RunnableLink = Omit<OpenLinkResult, 'instruments'> & { instruments: Instrument[] };

export type SurveyRunnerProps = {
  token: string;
  link: RunnableLink;
  lang: Lang;
  /** Where answers go (kept on the phone, then sent). Absent in preview: nothing is saved or sent. */
  outbox?: Outbox;
  /** Every instrument of the link is now complete (sent, or kept on the phone to send). */
  onAllDone(): void;
  /** The link stopped working mid-way (closed, not valid…). */
  onLinkProblem(problem: ApiProblem): void;
  /** Instrument preview (/preview): run the survey as participants see it, but send nothing. */
  preview?: boolean;
};

/** Answers given are sent this long after the first change not yet sent: often enough to carry on on another phone, rarely enough for little data. */
const SEND_AFTER_MS = 3_000;

/** Narrow screens: matrices one row at a time, ratings as a list (SurveyJS's own mobile layout). */
const NARROW = '(max-width: 599.98px)';
const REDUCED_MOTION = '(prefers-reduced-motion: reduce)';

const media = (query: string) => (typeof matchMedia === 'function' ? matchMedia(query) : null);

// No animations or smooth scrolling for people who asked their phone for less motion.
const reducedMotion = media(REDUCED_MOTION);
settings.animationEnabled = !reducedMotion?.matches;
reducedMotion?.addEventListener('change', (event) => {
  settings.animationEnabled = !event.matches;
});
// survey-core asks for smooth scrolling in a few places regardless (pop-up lists, panels);
// CSS `scroll-behavior` can't overrule a script's explicit `behavior: "smooth"`.
if (reducedMotion && typeof Element !== 'undefined') {
  const scrollIntoView = Element.prototype.scrollIntoView;
  Element.prototype.scrollIntoView = function (this: Element, arg?: boolean | ScrollIntoViewOptions) {
    const calm = reducedMotion.matches && typeof arg === 'object' && arg.behavior === 'smooth' ? { ...arg, behavior: 'auto' as const } : arg;
    return scrollIntoView.call(this, calm);
  };
}

/** Runs the link's unfinished instruments one after the other. */
export function SurveyRunner({ link, lang, outbox, onAllDone, onLinkProblem, preview = false }: SurveyRunnerProps) {
  const todo = useMemo(() => link.instruments.filter((i) => i.response?.status !== 'complete'), [link]);
  const [index, setIndex] = useState(0);
  const instrument = todo[index];

  useEffect(() => {
    if (!instrument) onAllDone();
  }, [instrument, onAllDone]);

  if (!instrument) return null;

  const next = () => {
    window.scrollTo(0, 0);
    if (index + 1 < todo.length) setIndex(index + 1);
    else onAllDone();
  };

  return (
    <InstrumentSurvey
      key={instrument.id}
      instrument={instrument}
      lang={lang}
      part={link.instruments.indexOf(instrument) + 1}
      parts={link.instruments.length}
      onDone={next}
      onLinkProblem={onLinkProblem}
      outbox={preview ? undefined : outbox}
    />
  );
}

type InstrumentSurveyProps = {
  instrument: Instrument;
  lang: Lang;
  part: number;
  parts: number;
  onDone(): void;
  onLinkProblem(problem: ApiProblem): void;
  outbox: Outbox | undefined;
};

type Submit = 'idle' | 'sending' | 'invalid' | 'failed';

function InstrumentSurvey({ instrument, lang, part, parts, onDone, onLinkProblem, outbox }: InstrumentSurveyProps) {
  const saved = instrument.response?.status === 'partial' ? instrument.response : undefined;
  // `made` counts the models made: a language switch makes a new one (below).
  const morePartsAfter = part < parts;
  const [current, setCurrent] = useState(() => ({ model: createModel(instrument, lang, morePartsAfter, saved?.answers, saved?.pageName), lang, made: 1 }));
  const { model } = current;
  const [saveState, setSaveState] = useState<SaveState>(() => outbox?.state(instrument.id) ?? 'idle');
  const [submit, setSubmit] = useState<Submit>('idle');
  const [serverErrors, setServerErrors] = useState<ErrorDetail[]>([]);
  const problemsRef = useRef<HTMLDivElement>(null);
  // A question type or panel whose styles the build set aside: load them before the first render.
  const [stylesReady, setStylesReady] = useState(() => !surveyNeedsTrimmedStyles(model));
  /** Answers changed since the last save (sent when the page is hidden); the answers have been submitted. */
  const progress = useRef({ dirty: false, finished: false });

  // Event handlers read the latest props through this ref.
  const live = useRef({ lang, onDone, onLinkProblem });
  useEffect(() => {
    live.current = { lang, onDone, onLinkProblem };
  });

  // Switching language makes the model again, with the answers given, on the same page: survey-core
  // keeps some texts in the language they were first drawn in (on a phone, the "Cancel" of a drop-down's
  // pop-up list; a rating's drop-down placeholder). Not while the answers are being submitted: the new
  // model would not know, and that submission's ending belongs to the old one; its texts switch at least.
  useEffect(() => {
    if (current.lang === lang) return;
    if (submit === 'sending') {
      current.model.locale = lang;
      return;
    }
    const next = remakeModel(instrument, current.model, lang, morePartsAfter);
    if (submit === 'invalid') showServerErrors(next, serverErrors, t(lang, 'answerNotAccepted'));
    setCurrent({ model: next, lang, made: current.made + 1 });
  }, [lang, current, instrument, submit, serverErrors, morePartsAfter]);

  useEffect(() => {
    if (stylesReady) return;
    let mounted = true;
    // Offline or failed: show the survey anyway, plainer.
    void loadTrimmedSurveyStyles()
      .catch(() => undefined)
      .then(() => mounted && setStylesReady(true));
    return () => {
      mounted = false;
    };
  }, [stylesReady]);
  // The same for a survey feature (a logo, a timer…) the instrument turns on: loaded when first drawn.
  const sectionRef = useRef<HTMLElement>(null);
  useEffect(() => (sectionRef.current ? watchForTrimmedFeatures(sectionRef.current) : undefined), []);

  // Phones: SurveyJS's mobile layout below 600 px, kept up to date as the window changes.
  useEffect(() => {
    const narrow = media(NARROW);
    if (!narrow) return;
    const update = () => model.setIsMobile(narrow.matches);
    update();
    narrow.addEventListener('change', update);
    return () => narrow.removeEventListener('change', update);
  }, [model]);

  useEffect(() => {
    if (!outbox) {
      // Preview: survey-core still checks the answers in the browser; nothing is saved or sent.
      const onComplete = () => live.current.onDone();
      model.onComplete.add(onComplete);
      return () => model.onComplete.remove(onComplete);
    }
    const id = instrument.id;
    const snapshot = (): Snapshot => ({
      answers: model.data as Record<string, unknown>,
      language: live.current.lang,
      ...(model.currentPage?.name ? { pageName: model.currentPage.name } : {}),
    });

    const unsubscribe = outbox.subscribe((event) => {
      if (event.instrumentId !== id) return;
      // ('refused' comes back through submit()'s promise here.)
      if (event.kind === 'state') setSaveState(event.state);
      else if (event.kind !== 'fatal') return;
      else if (event.problem.code === 'already_completed') live.current.onDone();
      else live.current.onLinkProblem(event.problem);
    });

    let submitting = false;
    // `finished`: submitted (sent or kept to send); SurveyJS may still touch values; nothing more is saved.
    // Both flags outlive this model (a language switch makes another).
    const state = progress.current;
    const onPageChanged = () => {
      if (state.finished) return;
      state.dirty = false;
      outbox.save(id, snapshot());
    };
    // Every answer is kept on the phone at once, not after a pause: a phone can kill the tab at any moment
    // without a pagehide (an OS out of memory, a closed browser). The outbox writes at most one at a time,
    // the latest answers each time, so fast typing costs few writes. It is sent SEND_AFTER_MS after the first
    // change not yet sent (so at most that often while answering), and at the next page change: opening the
    // link on another phone carries on with every answer given, not only those of finished pages.
    let sendTimer: ReturnType<typeof setTimeout> | undefined;
    const sendSoon = () => {
      sendTimer = undefined;
      if (!state.dirty || state.finished || submitting) return;
      state.dirty = false;
      outbox.save(id, snapshot());
    };
    const onValueChanged = () => {
      if (state.finished || submitting) return;
      state.dirty = true;
      outbox.stash(id, snapshot());
      sendTimer ??= setTimeout(sendSoon, SEND_AFTER_MS);
    };

    const submitAnswers = async (options: { allow: boolean }) => {
      setSubmit('sending');
      setServerErrors([]);
      clearUnusedAnswers(model);
      try {
        // 'queued' (no signal) still lets the participant finish: the answers go when they're back online.
        await outbox.submit(id, snapshot());
        state.finished = true;
        state.dirty = false;
        options.allow = true;
      } catch (error) {
        options.allow = false;
        if (error instanceof ApiProblem && error.code === 'already_completed') {
          state.finished = true;
          options.allow = true; // submitted earlier (another tab or device)
        } else if (isFatal(error)) {
          live.current.onLinkProblem(error);
        } else if (error instanceof ApiProblem && error.status === 422) {
          const details = error.details.length > 0 ? error.details : [{ path: '', message: error.message }];
          showServerErrors(model, details, t(live.current.lang, 'answerNotAccepted'));
          setServerErrors(details);
          setSubmit('invalid');
        } else {
          if (!(error instanceof NetworkProblem) && !(error instanceof ApiProblem)) console.error(error);
          setSubmit('failed');
        }
      }
    };
    // SurveyJS awaits this; it must never reject, or navigation stays blocked.
    const onCompleting = (_: unknown, options: { allow: boolean }) => {
      // A second tap while the first is on its way: ignore it; the first one decides.
      if (submitting) {
        options.allow = false;
        return Promise.resolve();
      }
      submitting = true;
      return submitAnswers(options)
        .catch((error: unknown) => {
          console.error(error);
          options.allow = false;
          setSubmit('failed');
        })
        .finally(() => {
          submitting = false;
        });
    };
    const onComplete = () => live.current.onDone();
    // The page is being hidden or closed (home button, reload, quick exit): keep and send what changed.
    const onPageHide = () => {
      if (state.dirty && !submitting && !state.finished) {
        state.dirty = false;
        outbox.save(id, snapshot(), { keepalive: true });
      }
    };
    const onHide = () => {
      if (document.visibilityState === 'hidden') onPageHide();
    };

    model.onCurrentPageChanged.add(onPageChanged);
    model.onValueChanged.add(onValueChanged);
    model.onCompleting.add(onCompleting);
    model.onComplete.add(onComplete);
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      clearTimeout(sendTimer);
      unsubscribe();
      model.onCurrentPageChanged.remove(onPageChanged);
      model.onValueChanged.remove(onValueChanged);
      model.onCompleting.remove(onCompleting);
      model.onComplete.remove(onComplete);
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onPageHide);
    };
  }, [model, instrument.id, outbox]);

  useEffect(() => {
    if (submit === 'invalid' || submit === 'failed') problemsRef.current?.scrollIntoView({ block: 'start' });
  }, [submit, serverErrors]);

  const status =
    submit === 'sending' ? t(lang, 'sending')
    : saveState === 'saving' ? t(lang, 'saving')
    : saveState === 'saved' ? t(lang, 'saved')
    : saveState === 'local' ? t(lang, 'savedOnPhone')
    : saveState === 'failed' ? t(lang, 'saveFailed')
    : '';

  return (
    <section ref={sectionRef} className="instrument">
      <h1 className="instrument-title">{instrument.title[lang]}</h1>
      <div className="instrument-bar">
        <span>{parts > 1 ? t(lang, 'partOf', { n: part, total: parts }) : ''}</span>
        <span className={saveState === 'failed' && submit !== 'sending' ? 'status status-warn' : 'status'} role="status" aria-live="polite">
          {status}
        </span>
      </div>
      <div ref={problemsRef} className="problems-anchor">
        {submit === 'invalid' && (
          <div className="notice notice-warn">
            <p>{t(lang, 'fixTheseTitle')}</p>
            <ul>
              {serverErrors.map((detail, i) => {
                // The server's own words are English and technical: the page says it in the participant's language.
                const title = findQuestion(model, detail.path)?.title;
                return (
                  <li key={i}>
                    {title && <strong className="problem-question">{title}</strong>}
                    {t(lang, title ? 'answerNotAccepted' : 'answersNotAccepted')}
                  </li>
                );
              })}
            </ul>
          </div>
        )}
        {submit === 'failed' && <p className="notice notice-warn">{t(lang, 'sendFailed')}</p>}
      </div>
      {stylesReady ? <Survey key={current.made} model={model} /> : <p className="muted">{t(lang, 'loading')}</p>}
    </section>
  );
}

/** `morePartsAfter`: another instrument follows, so finishing this one is not the end: its last button says "Next part". */
function createModel(instrument: Instrument, lang: Lang, morePartsAfter: boolean, answers?: Record<string, unknown>, pageName?: string): Model {
  const model = new Model(instrument.survey);
  if (morePartsAfter) for (const code of ['en', 'cy'] as const) model.locCompleteText.setLocaleText(code, t(code, 'nextPart'));
  // survey-core draws its title as a <div>; the page shows the instrument's title as a real heading instead.
  model.showTitle = false;
  model.locale = lang;
  model.showCompletePage = false; // the app shows its own thank-you page
  // A scale answers with one tap on a visible option, its end labels shown: never SurveyJS's drop-down,
  // which it falls back to when the options do not fit in one row (every 0–10 scale on a phone).
  for (const question of model.getAllQuestions()) {
    if (question.getType() === 'rating') (question as Question & { displayMode: string }).displayMode = 'buttons';
  }
  // Typed text counts as an answer as it is typed, so it is kept on the phone even if the tab is killed.
  model.textUpdateMode = 'onTyping';
  // Set before the first render, so a phone never flashes the desktop layout.
  model.setIsMobile(!!media(NARROW)?.matches);
  if (answers) {
    model.data = answers;
    resumeAt(model, pageName);
  }
  return model;
}

/** The same survey in another language: the answers given, the page on screen, the messages shown on it. */
function remakeModel(instrument: Instrument, old: Model, lang: Lang, morePartsAfter: boolean): Model {
  const model = createModel(instrument, lang, morePartsAfter, old.data as Record<string, unknown>, old.currentPage?.name);
  const showingErrors = (old.currentPage?.questions as Question[] | undefined)?.some((question) => question.errors.length > 0);
  if (showingErrors) model.currentPage?.validate(true);
  return model;
}

/**
 * Open a restored survey where it was left: on the page of the last save (on
 * any device), else on the first page that still has an empty visible question.
 */
function resumeAt(model: Model, pageName: string | undefined) {
  const saved = pageName ? model.getPageByName(pageName) : null;
  if (saved && model.visiblePages.includes(saved)) {
    model.currentPage = saved;
    return;
  }
  const page = model.visiblePages.find((p) => p.questions.some((q) => q.isVisible && q.isEmpty()));
  if (page) model.currentPage = page;
}

/**
 * SurveyJS clears the values of hidden questions only after completion; do it
 * before we send, so the server gets what SurveyJS would keep. (Private API in
 * 3.0.0, hence the guard; the server remains the judge.) An answer given before
 * its question was disabled (enableIf) no longer applies either: SurveyJS keeps
 * it, the server refuses it, so it goes too, unless it is the question's own
 * default. Clearing one answer can hide or disable another (`visibleIf:
 * "{why} notempty"`), so this repeats until nothing changes.
 */
function clearUnusedAnswers(model: Model) {
  const maybe = model as unknown as { clearUnusedValues?: () => void };
  for (let pass = 0; pass < 5; pass += 1) {
    if (model.clearInvisibleValues === 'onComplete' && typeof maybe.clearUnusedValues === 'function') maybe.clearUnusedValues();
    // Expression questions are never editable: the server computes their values itself.
    const disabled = model
      .getAllQuestions()
      .filter((question) => question.getType() !== 'expression' && question.isReadOnly && !question.isEmpty() && !Helpers.isTwoValueEquals(question.value, question.defaultValue));
    if (disabled.length === 0) return;
    for (const question of disabled) question.clearValue();
  }
}

/** `path` may be "q1", "q1.row", "panel[0].q"…: try the whole path, then its first segment. */
function findQuestion(model: Model, path: string): Question | null {
  if (!path) return null;
  const first = path.split(/[./[]/)[0] ?? '';
  return model.getQuestionByName(path) ?? model.getQuestionByValueName(path) ?? model.getQuestionByName(first) ?? null;
}

/** Mark each question the server refused, in the participant's language, and go to the first one's page. */
function showServerErrors(model: Model, details: ErrorDetail[], message: string) {
  let first: Question | null = null;
  for (const detail of details) {
    const question = findQuestion(model, detail.path);
    if (!question) continue;
    question.addError(message);
    first ??= question;
  }
  if (first?.page && model.currentPage !== first.page) model.currentPage = first.page;
}

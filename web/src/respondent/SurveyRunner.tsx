/**
 * The lazy "survey" chunk: survey-core, survey-react-ui, their fontless
 * stylesheet and the Welsh SurveyJS strings. Loaded with import() from
 * loadSurveyRunner.ts; nothing on the first screen imports this statically.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Model, type Question } from 'survey-core';
import { Survey } from 'survey-react-ui';
import 'survey-core/i18n/welsh';
import 'survey-core/survey-core.fontless.css';
import './survey.css';

import type { ErrorDetail } from '../../../functions/contracts/common.js';
import type { OpenLinkResult } from '../../../functions/contracts/respondent.js';
import { ApiProblem, NetworkProblem, saveResponse } from '../api';
import { t, type Lang } from '../i18n';
import { createSaver, isFatal, type SaveState } from './saver';

type Instrument = OpenLinkResult['instruments'][number];

export type SurveyRunnerProps = {
  token: string;
  link: OpenLinkResult;
  lang: Lang;
  /** Every instrument of the link is now complete. */
  onAllDone(): void;
  /** The link stopped working mid-way (closed, not valid…). */
  onLinkProblem(problem: ApiProblem): void;
  /** Instrument preview (/preview): run the survey as participants see it, but send nothing. */
  preview?: boolean;
};

/** Runs the link's unfinished instruments one after the other. */
export function SurveyRunner({ token, link, lang, onAllDone, onLinkProblem, preview = false }: SurveyRunnerProps) {
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
      token={token}
      instrument={instrument}
      lang={lang}
      part={link.instruments.indexOf(instrument) + 1}
      parts={link.instruments.length}
      onDone={next}
      onLinkProblem={onLinkProblem}
      preview={preview}
    />
  );
}

type InstrumentSurveyProps = {
  token: string;
  instrument: Instrument;
  lang: Lang;
  part: number;
  parts: number;
  onDone(): void;
  onLinkProblem(problem: ApiProblem): void;
  preview: boolean;
};

type Submit = 'idle' | 'sending' | 'invalid' | 'failed';

function InstrumentSurvey({ token, instrument, lang, part, parts, onDone, onLinkProblem, preview }: InstrumentSurveyProps) {
  const [model] = useState(() => createModel(instrument, lang));
  const [saveState, setSaveState] = useState<SaveState>('idle');
  const [submit, setSubmit] = useState<Submit>('idle');
  const [serverErrors, setServerErrors] = useState<ErrorDetail[]>([]);
  const problemsRef = useRef<HTMLDivElement>(null);

  // Event handlers read the latest props through this ref.
  const live = useRef({ lang, onDone, onLinkProblem });
  useEffect(() => {
    live.current = { lang, onDone, onLinkProblem };
  });

  // Switching language keeps the live model, so no answer is lost.
  useEffect(() => {
    model.locale = lang;
  }, [model, lang]);

  useEffect(() => {
    if (preview) {
      // survey-core still checks the answers in the browser; nothing is saved or sent.
      const onComplete = () => live.current.onDone();
      model.onComplete.add(onComplete);
      return () => model.onComplete.remove(onComplete);
    }
    const saver = createSaver({
      send: (body, options) => saveResponse(token, instrument.id, body, options),
      snapshot: () => ({ answers: model.data as Record<string, unknown>, language: live.current.lang }),
      onState: setSaveState,
      onFatal: (problem) => {
        if (problem.code === 'already_completed') live.current.onDone();
        else live.current.onLinkProblem(problem);
      },
    });

    const onPageChanged = () => saver.saveNow();
    const onValueChanged = () => saver.markDirty();

    const submitAnswers = async (options: { allow: boolean }) => {
      setSubmit('sending');
      setServerErrors([]);
      clearInvisibleValues(model);
      try {
        await saver.complete();
        options.allow = true;
      } catch (error) {
        if (error instanceof ApiProblem && error.code === 'already_completed') {
          options.allow = true; // submitted earlier (another tab or device)
          return;
        }
        options.allow = false;
        saver.resume();
        if (isFatal(error)) {
          live.current.onLinkProblem(error);
        } else if (error instanceof ApiProblem && error.status === 422) {
          const details = error.details.length > 0 ? error.details : [{ path: '', message: error.message }];
          showServerErrors(model, details);
          setServerErrors(details);
          setSubmit('invalid');
        } else {
          if (!(error instanceof NetworkProblem) && !(error instanceof ApiProblem)) console.error(error);
          setSubmit('failed');
        }
      }
    };
    // SurveyJS awaits this; it must never reject, or navigation stays blocked.
    const onCompleting = (_: unknown, options: { allow: boolean }) =>
      submitAnswers(options).catch((error: unknown) => {
        console.error(error);
        options.allow = false;
        setSubmit('failed');
      });
    const onComplete = () => live.current.onDone();
    const onHide = () => {
      if (document.visibilityState === 'hidden') saver.flushOnHide();
    };

    model.onCurrentPageChanged.add(onPageChanged);
    model.onValueChanged.add(onValueChanged);
    model.onCompleting.add(onCompleting);
    model.onComplete.add(onComplete);
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', saver.flushOnHide);
    return () => {
      model.onCurrentPageChanged.remove(onPageChanged);
      model.onValueChanged.remove(onValueChanged);
      model.onCompleting.remove(onCompleting);
      model.onComplete.remove(onComplete);
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', saver.flushOnHide);
      saver.dispose();
    };
  }, [model, token, instrument.id, preview]);

  useEffect(() => {
    if (submit === 'invalid' || submit === 'failed') problemsRef.current?.scrollIntoView({ block: 'start' });
  }, [submit, serverErrors]);

  const status =
    submit === 'sending' ? t(lang, 'sending')
    : saveState === 'saving' ? t(lang, 'saving')
    : saveState === 'saved' ? t(lang, 'saved')
    : saveState === 'failed' ? t(lang, 'saveFailed')
    : '';

  return (
    <section className="instrument">
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
                const title = findQuestion(model, detail.path)?.title;
                return (
                  <li key={i}>
                    {title && <strong className="problem-question">{title}</strong>}
                    {detail.message}
                  </li>
                );
              })}
            </ul>
          </div>
        )}
        {submit === 'failed' && <p className="notice notice-warn">{t(lang, 'sendFailed')}</p>}
      </div>
      <Survey model={model} />
    </section>
  );
}

function createModel(instrument: Instrument, lang: Lang): Model {
  // Use the instrument's title as the survey title unless the JSON has its own.
  const json = { title: instrument.title, ...instrument.survey };
  const model = new Model(json);
  model.locale = lang;
  model.showCompletePage = false; // the app shows its own thank-you page
  const saved = instrument.response;
  if (saved && saved.status === 'partial') {
    model.data = saved.answers;
    resumeAtFirstUnanswered(model);
  }
  return model;
}

/** Open a restored survey on the first page that still has an empty visible question. */
function resumeAtFirstUnanswered(model: Model) {
  const page = model.visiblePages.find((p) => p.questions.some((q) => q.isVisible && q.isEmpty()));
  if (page) model.currentPage = page;
}

/**
 * SurveyJS clears the values of hidden questions only after completion; do it
 * before we send, so the server gets what SurveyJS would keep. (Private API in
 * 3.0.0, hence the guard; the server remains the judge.)
 */
function clearInvisibleValues(model: Model) {
  if (model.clearInvisibleValues !== 'onComplete') return;
  const maybe = model as unknown as { clearUnusedValues?: () => void };
  if (typeof maybe.clearUnusedValues === 'function') maybe.clearUnusedValues();
}

/** `path` may be "q1", "q1.row", "panel[0].q"…: try the whole path, then its first segment. */
function findQuestion(model: Model, path: string): Question | null {
  if (!path) return null;
  const first = path.split(/[./[]/)[0] ?? '';
  return model.getQuestionByName(path) ?? model.getQuestionByValueName(path) ?? model.getQuestionByName(first) ?? null;
}

/** Attach the server's messages to their questions and go to the first one's page. */
function showServerErrors(model: Model, details: ErrorDetail[]) {
  let first: Question | null = null;
  for (const detail of details) {
    const question = findQuestion(model, detail.path);
    if (!question) continue;
    question.addError(detail.message);
    first ??= question;
  }
  if (first?.page && model.currentPage !== first.page) model.currentPage = first.page;
}

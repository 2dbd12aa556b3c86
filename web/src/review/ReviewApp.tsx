/**
 * A draft instrument's review page, /review/<token> (its own lazy chunk;
 * never loaded on /s/). Reviewers, usually the project's advisory group of
 * care leavers, have no account: the link is the key, and it expires. They
 * see the draft exactly as respondents will (the respondent page's own
 * SurveyRunner in preview mode: nothing they answer is saved or sent) and
 * leave comments on any question or on the whole, in English or Welsh,
 * with their name only if they want to give it.
 */
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { AddReviewCommentRequest, AddReviewCommentResult, OpenReviewResult } from '../../../functions/contracts/reviews.js';
import { ApiProblem, requestJson } from '../api';
import { formatDate, t as firstScreenT, type Lang } from '../i18n';
import { LanguageSwitch } from '../LanguageSwitch';
import { previewLink } from '../preview/previewLink';
import { loadSurveyRunner } from '../respondent/loadSurveyRunner';
import type { RunnableLink, SurveyRunnerProps } from '../respondent/SurveyRunner';
import '../preview/preview.css';
import './review.css';

// DRAFT WELSH, like i18n.ts: to be reviewed by a Welsh translator.
const strings = {
  en: {
    banner: 'Review of a draft questionnaire: your answers are not saved',
    intro: 'Try the questions as if you were answering them, then tell us what you think: about one question, or about all of it. Nothing you answer above is kept; only your comments are.',
    commentTitle: 'Your comments',
    about: 'What is your comment about?',
    whole: 'The whole questionnaire',
    comment: 'Your comment',
    name: 'Your name (you do not have to give it)',
    send: 'Send comment',
    sending: 'Sending…',
    sent: 'Thank you. Your comment was sent. You can send another.',
    sentList: 'Comments you sent from this page:',
    expiresOn: 'This link works until {date}.',
    finished: 'You reached the end of the questionnaire. Nothing you answered was saved.',
    startAgain: 'Start again',
    notValidTitle: "This review link isn't working",
    closedTitle: 'This review has finished',
    failed: "We couldn't send your comment. Check your signal or Wi-Fi and try again. Your comment is still here.",
  },
  cy: {
    banner: 'Adolygu holiadur drafft: dydy eich atebion ddim yn cael eu cadw',
    intro: "Rhowch gynnig ar y cwestiynau fel petaech chi'n eu hateb, yna dywedwch wrthon ni beth rydych chi'n ei feddwl: am un cwestiwn, neu am y cyfan. Does dim o'ch atebion uchod yn cael ei gadw; dim ond eich sylwadau.",
    commentTitle: 'Eich sylwadau',
    about: 'Am beth mae eich sylw?',
    whole: 'Yr holiadur cyfan',
    comment: 'Eich sylw',
    name: "Eich enw (does dim rhaid i chi ei roi)",
    send: 'Anfon sylw',
    sending: 'Yn anfon…',
    sent: "Diolch. Cafodd eich sylw ei anfon. Gallwch chi anfon un arall.",
    sentList: "Sylwadau a anfonoch chi o'r dudalen hon:",
    expiresOn: "Mae'r ddolen hon yn gweithio tan {date}.",
    finished: "Rydych chi wedi cyrraedd diwedd yr holiadur. Chafodd dim o'ch atebion ei gadw.",
    startAgain: 'Dechrau eto',
    notValidTitle: "Dydy'r ddolen adolygu hon ddim yn gweithio",
    closedTitle: "Mae'r adolygiad hwn wedi gorffen",
    failed: "Doedd dim modd anfon eich sylw. Gwiriwch eich signal neu Wi-Fi a thriwch eto. Mae eich sylw yma o hyd.",
  },
} as const;

type Runner = (props: SurveyRunnerProps) => ReactNode;
type View =
  | { kind: 'loading' }
  | { kind: 'problem'; title: string; message: string }
  | { kind: 'open'; review: OpenReviewResult; link: RunnableLink; Runner: Runner };

function tokenFrom(path: string): string {
  const match = /^\/review\/([^/]+)\/?$/.exec(path);
  try {
    return match?.[1] ? decodeURIComponent(match[1]) : '';
  } catch {
    return '';
  }
}

export default function ReviewApp() {
  const token = tokenFrom(location.pathname);
  const [lang, setLang] = useState<Lang>('en');
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [finished, setFinished] = useState(false);
  const [run, setRun] = useState(0);
  const text = strings[lang];

  useEffect(() => {
    Promise.all([requestJson(OpenReviewResult, `/api/review/${encodeURIComponent(token)}`), loadSurveyRunner()]).then(
      ([review, module]) => setView({ kind: 'open', review, link: previewLink(review.instrument), Runner: module.SurveyRunner }),
      (error: unknown) => {
        const closed = error instanceof ApiProblem && error.status === 410;
        const message = error instanceof ApiProblem ? error.message : firstScreenT('en', 'networkBody');
        setView({ kind: 'problem', title: closed ? 'closed' : 'notValid', message });
      },
    );
  }, [token]);

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const onAllDone = useCallback(() => setFinished(true), []);

  return (
    <>
      <header className="topbar">
        <span className="brand">Pont</span>
        <LanguageSwitch lang={lang} onChange={setLang} />
      </header>
      <div className="preview-banner" role="note">
        <strong>{text.banner}</strong>
      </div>
      <main className={view.kind === 'open' && !finished ? 'page page-wide' : 'page'}>
        {view.kind === 'loading' && <p className="muted">{firstScreenT(lang, 'loading')}</p>}
        {view.kind === 'problem' && (
          <div className="message">
            <h1>{view.title === 'closed' ? text.closedTitle : text.notValidTitle}</h1>
            <p>{view.message}</p>
          </div>
        )}
        {view.kind === 'open' && (
          <>
            <p>{text.intro}</p>
            <p className="muted">{text.expiresOn.replace('{date}', formatDate(lang, view.review.expiresAt))}</p>
            {finished ? (
              <div className="message">
                <p>{text.finished}</p>
                <button
                  type="button"
                  className="button-secondary"
                  onClick={() => {
                    setFinished(false);
                    setRun((n) => n + 1);
                  }}
                >
                  {text.startAgain}
                </button>
              </div>
            ) : (
              <view.Runner key={run} token="" link={view.link} lang={lang} onAllDone={onAllDone} onLinkProblem={() => undefined} preview />
            )}
            <CommentForm token={token} lang={lang} questions={view.review.questions} onClosed={(message) => setView({ kind: 'problem', title: 'closed', message })} />
          </>
        )}
      </main>
    </>
  );
}

function CommentForm(props: { token: string; lang: Lang; questions: OpenReviewResult['questions']; onClosed(message: string): void }) {
  const { token, lang, questions } = props;
  const text = strings[lang];
  const [about, setAbout] = useState('');
  const [comment, setComment] = useState('');
  const [name, setName] = useState('');
  const [state, setState] = useState<'idle' | 'sending' | 'sent' | 'failed'>('idle');
  const [problem, setProblem] = useState<string | null>(null);
  const [sent, setSent] = useState<string[]>([]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    const body = AddReviewCommentRequest.safeParse({ questionName: about === '' ? null : about, text: comment, ...(name.trim() ? { name } : {}), language: lang });
    if (!body.success) return setProblem(body.error.issues.map((issue) => issue.message).join('; '));
    setState('sending');
    requestJson(AddReviewCommentResult, `/api/review/${encodeURIComponent(token)}/comments`, { method: 'POST', body: body.data }).then(
      () => {
        const title = about === '' ? text.whole : (questions.find((q) => q.name === about)?.title[lang] ?? about);
        setSent((list) => [...list, `${title}: ${body.data.text}`]);
        setComment('');
        setState('sent');
      },
      (error: unknown) => {
        if (error instanceof ApiProblem && error.status === 410) return props.onClosed(error.message);
        setState('failed');
        setProblem(error instanceof ApiProblem && error.status < 500 ? error.message : text.failed);
      },
    );
  };

  return (
    <form className="card review-comments" onSubmit={submit} aria-labelledby="review-comments-title">
      <h2 id="review-comments-title">{text.commentTitle}</h2>
      <label>
        {text.about}
        <select value={about} onChange={(e) => setAbout(e.target.value)}>
          <option value="">{text.whole}</option>
          {questions.map((q) => (
            <option key={q.name} value={q.name}>
              {q.title[lang]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {text.comment}
        <textarea rows={4} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} required />
      </label>
      <label>
        {text.name}
        <input maxLength={80} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </label>
      {problem && (
        <p className="status-warn" role="alert">
          {problem}
        </p>
      )}
      {state === 'sent' && (
        <p className="done" role="status">
          {text.sent}
        </p>
      )}
      <button type="submit" className="button-primary" disabled={state === 'sending'} aria-busy={state === 'sending'}>
        {state === 'sending' ? text.sending : text.send}
      </button>
      {sent.length > 0 && (
        <>
          <p className="muted">{text.sentList}</p>
          <ul>
            {sent.map((line, i) => (
              <li key={i}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </form>
  );
}

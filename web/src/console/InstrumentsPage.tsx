/**
 * The instrument library, /console/instruments: every published instrument
 * version with its licence, validation and translation status and who
 * published it; a preview exactly as a respondent sees it, in English or
 * Welsh; what changed between two versions (the same comparison as
 * `npm run pont -- instrument diff`); and, for instrument authors, publishing
 * a new version by uploading its file. A file with problems is refused with
 * each problem's place in the file, and nothing is stored. Drafts shared
 * for review, and what reviewers said, are in instruments/DraftReviews.tsx.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { InstrumentDiffResult, InstrumentSummary, PublishInstrumentResult } from '../../../functions/contracts/instruments.js';
import { fetchInstrumentSurvey } from '../api';
import type { Lang } from '../i18n';
import { LanguageSwitch } from '../LanguageSwitch';
import { previewLink } from '../preview/previewLink';
import { loadSurveyRunner } from '../respondent/loadSurveyRunner';
import type { RunnableLink, SurveyRunnerProps } from '../respondent/SurveyRunner';
import { diffInstrumentVersions, listInstruments, publishInstrument } from './consoleApi';
import { DraftReviews } from './instruments/DraftReviews';
import { explainAuthorRefusal, readInstrumentFile } from './instruments/instrument-file';
import { PageLink, ProblemBox, STUDIES_PATH, formatDateTime, useAction, useLoad, useSession } from './ui';

const TRANSLATION_TEXT: Record<InstrumentSummary['translations']['en'], string> = {
  official: "official (the owner's own)",
  reviewed: 'reviewed by a translator',
  draft: 'draft, not yet reviewed',
};

type Chosen = { summary: InstrumentSummary; lang: Lang };

export function InstrumentsPage() {
  const { token, role } = useSession();
  const load = useCallback(() => listInstruments(token), [token]);
  const library = useLoad(load);
  const [preview, setPreview] = useState<Chosen | null>(null);

  const byInstrument = useMemo(() => {
    const groups = new Map<string, InstrumentSummary[]>();
    for (const version of library.data?.instruments ?? []) groups.set(version.id, [...(groups.get(version.id) ?? []), version]);
    return [...groups.values()];
  }, [library.data]);

  return (
    <>
      <p>
        <PageLink to={STUDIES_PATH}>← Studies</PageLink>
      </p>
      <h1>Instrument library</h1>
      <p>
        Every published instrument version. A version never changes once published: a study's waves pin the versions they run, and a changed
        instrument is published as a new version.
      </p>
      {role !== 'analyst' && <PublishForm onPublished={library.reload} />}
      <ProblemBox problem={library.problem} />
      {!library.data && !library.problem && <p className="muted">Loading the library…</p>}
      {library.data && byInstrument.length === 0 && <p>No instrument is published yet.</p>}
      {preview && <Preview chosen={preview} onLanguage={(lang) => setPreview({ ...preview, lang })} onClose={() => setPreview(null)} />}
      {byInstrument.map((versions) => (
        <InstrumentCard key={versions[0]!.id} versions={versions} onPreview={(summary, lang) => setPreview({ summary, lang })} />
      ))}
      {role !== 'analyst' && <DraftReviews />}
    </>
  );
}

function InstrumentCard(props: { versions: InstrumentSummary[]; onPreview(summary: InstrumentSummary, lang: Lang): void }) {
  const { versions } = props;
  const latest = versions.at(-1)!;
  const headingId = `instrument-${latest.id}`;
  return (
    <section className="console-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {latest.title.en} <span className="muted">({latest.id})</span>
      </h2>
      <p lang="cy" className="muted">
        {latest.title.cy}
      </p>
      <p>{latest.description.en}</p>
      {latest.respondentTitle && (
        <p>
          Respondents see it as: “{latest.respondentTitle.en}” / <span lang="cy">“{latest.respondentTitle.cy}”</span>
        </p>
      )}
      <p className="muted">Source: {latest.source}</p>
      <div className="console-table-wrap">
        <table className="console-table">
          <caption>Published versions of {latest.id}</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Validated</th>
              <th scope="col">Licence</th>
              <th scope="col">Translations</th>
              <th scope="col">Contents</th>
              <th scope="col">Published</th>
              <th scope="col">Preview</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((version) => (
              <tr key={version.version}>
                <td>{version.version}</td>
                <td>{version.validated ? 'Yes' : 'No'}</td>
                <td>
                  <Licence licence={version.licence} />
                </td>
                <td>
                  English: {TRANSLATION_TEXT[version.translations.en]}
                  <br />
                  Welsh: {TRANSLATION_TEXT[version.translations.cy]}
                  {version.translationNotes?.cy && <p className="muted">{version.translationNotes.cy}</p>}
                </td>
                <td>
                  {version.questionCount} question{version.questionCount === 1 ? '' : 's'}, {version.scaleCount} scale{version.scaleCount === 1 ? '' : 's'}
                </td>
                <td>
                  {formatDateTime(version.publishedAt)}
                  <br />
                  <span className="muted">by {version.publishedBy ?? 'not recorded'}</span>
                </td>
                <td>
                  <button type="button" className="console-link-button" onClick={() => props.onPreview(version, 'en')}>
                    English<span className="visually-hidden"> preview of {version.id} {version.version}</span>
                  </button>{' '}
                  <button type="button" className="console-link-button" onClick={() => props.onPreview(version, 'cy')}>
                    Cymraeg<span className="visually-hidden"> preview of {version.id} {version.version}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {versions.length > 1 && <Compare versions={versions} />}
    </section>
  );
}

function Licence({ licence }: { licence: InstrumentSummary['licence'] }) {
  const name: ReactNode = licence.url && /^https?:\/\//.test(licence.url) ? (
    <a href={licence.url} target="_blank" rel="noopener noreferrer">
      {licence.name}
    </a>
  ) : (
    licence.name
  );
  return (
    <>
      {name}
      {licence.requiresRegistration && <p className="notice notice-warn">Register with the owners before use: a wave records the registration reference.</p>}
      {licence.notice && <p className="muted">{licence.notice}</p>}
    </>
  );
}

/** Two versions of one instrument, compared by the server (survey-core reads both). */
function Compare({ versions }: { versions: InstrumentSummary[] }) {
  const { token } = useSession();
  const id = versions[0]!.id;
  const [from, setFrom] = useState(versions.at(-2)!.version);
  const [to, setTo] = useState(versions.at(-1)!.version);
  const [diff, setDiff] = useState<InstrumentDiffResult | null>(null);
  const action = useAction();
  const compare = (event: FormEvent) => {
    event.preventDefault();
    setDiff(null);
    void action.run(async () => setDiff(await diffInstrumentVersions(token, id, from, to)));
  };
  const choice = (label: string, value: string, onChange: (v: string) => void) => (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            {v.version}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <form className="console-form" onSubmit={compare} aria-label={`Compare versions of ${id}`}>
      <h3>Compare versions</h3>
      {choice('From', from, setFrom)}
      {choice('To', to, setTo)}
      <button type="submit" disabled={action.busy}>
        Compare
      </button>
      <ProblemBox problem={action.problem} />
      {diff && <DiffReport diff={diff} />}
    </form>
  );
}

const VERDICT_TEXT: Record<InstrumentDiffResult['scales'][number]['verdict'], string> = {
  comparable: 'Comparable: change scores mean what they did',
  'comparable-but-reworded': 'Comparable, but reworded',
  'not-comparable': 'Not comparable: do not compare scores across these versions',
  added: 'New in this version',
  removed: 'Not in this version',
};

function DiffReport({ diff }: { diff: InstrumentDiffResult }) {
  const nothing = diff.items.length === 0 && diff.scales.every((s) => s.verdict === 'comparable') && diff.privacy.length === 0 && diff.answerRules.length === 0;
  return (
    <div className="diff-report" role="status">
      <h4>
        {diff.from} → {diff.to}
      </h4>
      {nothing && <p>No question, scale, privacy marking or required answer changed.</p>}
      {diff.items.length > 0 && (
        <>
          <h5>Questions</h5>
          <ul>
            {diff.items.map((item) => (
              <li key={item.name}>
                <code>{item.name}</code>: {item.kind}
                {item.what && item.what.length > 0 ? ` (${item.what.join(', ')})` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {diff.scales.length > 0 && (
        <>
          <h5>Scales</h5>
          <ul>
            {diff.scales.map((scale) => (
              <li key={scale.scaleId}>
                <code>{scale.scaleId}</code>: {VERDICT_TEXT[scale.verdict]}
                {scale.reasons.length > 0 ? `: ${scale.reasons.join('; ')}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      {diff.privacy.length > 0 && (
        <>
          <h5>Privacy in exports</h5>
          <ul>
            {diff.privacy.map((change) => (
              <li key={change}>{change}</li>
            ))}
          </ul>
        </>
      )}
      {diff.answerRules.length > 0 && (
        <>
          <h5>Answers required or skippable</h5>
          <ul>
            {diff.answerRules.map((change) => (
              <li key={change}>{change}</li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

type Runner = (props: SurveyRunnerProps) => ReactNode;

/** The respondent page's own SurveyRunner in preview mode: same chunk, styles and checks; nothing is saved. */
function Preview(props: { chosen: Chosen; onLanguage(lang: Lang): void; onClose(): void }) {
  const { summary, lang } = props.chosen;
  const [loaded, setLoaded] = useState<{ link: RunnableLink; Runner: Runner } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [finished, setFinished] = useState(false);
  const [run, setRun] = useState(0);
  useEffect(() => {
    let live = true;
    setLoaded(null);
    setProblem(null);
    setFinished(false);
    Promise.all([fetchInstrumentSurvey(summary), loadSurveyRunner()]).then(
      ([{ survey }, module]) => live && setLoaded({ link: previewLink({ ...summary, survey }), Runner: module.SurveyRunner }),
      () => live && setProblem("Couldn't load the preview. Check your connection and try again."),
    );
    return () => {
      live = false;
    };
  }, [summary]);
  const finish = useCallback(() => setFinished(true), []);
  return (
    <section className="console-card instrument-preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading">
        Preview: {summary.title[lang]} <span className="muted">({summary.id} {summary.version})</span>
      </h2>
      <p className="notice">As a respondent sees it. Answers are not saved.</p>
      <div className="preview-controls">
        <LanguageSwitch lang={lang} onChange={props.onLanguage} />
        <button type="button" className="console-link-button" onClick={props.onClose}>
          Close the preview
        </button>
      </div>
      {problem && (
        <p className="notice notice-warn" role="alert">
          {problem}
        </p>
      )}
      {!loaded && !problem && <p className="muted">Loading the preview…</p>}
      {loaded && !finished && (
        <div lang={lang}>
          <loaded.Runner key={run} token="" link={loaded.link} lang={lang} onAllDone={finish} onLinkProblem={() => undefined} preview />
        </div>
      )}
      {finished && (
        <p>
          Preview finished: respondents would see the thank-you page now. Nothing was saved.{' '}
          <button
            type="button"
            className="console-link-button"
            onClick={() => {
              setFinished(false);
              setRun((n) => n + 1);
            }}
          >
            Start again
          </button>
        </p>
      )}
    </section>
  );
}

/** Publishing a new version: the server checks the file as `instrument validate` does and stores nothing it refuses. */
function PublishForm({ onPublished }: { onPublished(): void }) {
  const { token } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [done, setDone] = useState<PublishInstrumentResult | null>(null);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const read = await readInstrumentFile(file);
    if ('problem' in read) return action.setProblem(read.problem);
    await action.run(
      async () => {
        setDone(await publishInstrument(token, read.instrument));
        onPublished();
      },
      { onError: explainAuthorRefusal('Publishing') },
    );
  };
  return (
    <form className="console-form" onSubmit={submit} aria-labelledby="publish-heading">
      <h2 id="publish-heading">Publish a version</h2>
      <p className="muted">
        Upload an instrument file (instruments/&lt;id&gt;/&lt;version&gt;.json). It is checked as <code>npm run pont -- instrument validate</code> checks
        it; a file with problems is refused, with where each problem is.
      </p>
      <label>
        Instrument file
        <input type="file" accept=".json,application/json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <button type="submit" disabled={action.busy}>
        Publish
      </button>
      <ProblemBox problem={action.problem} />
      {done && (
        <p className="notice" role="status">
          {done.status === 'published' ? `Published ${done.id} ${done.version}.` : `${done.id} ${done.version} was already published with this content: nothing changed.`}
        </p>
      )}
    </form>
  );
}

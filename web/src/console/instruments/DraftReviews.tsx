/**
 * Drafts shared for review (co-production with the advisory group): share a
 * draft file through an expiring review link (shown once), and read what
 * reviewers said, question by question, for each draft. Comments stay with
 * the draft they were about, after its version is published too.
 */
import { useCallback, useState, type FormEvent } from 'react';
import type { DraftDetail, DraftSummary, ShareDraftResult } from '../../../../functions/contracts/reviews.js';
import { ApiProblem } from '../../api';
import { getDraft, listDrafts, shareDraft } from '../consoleApi';
import { ProblemBox, formatDateTime, useAction, useLoad, useSession } from '../ui';
import { explainAuthorRefusal, readInstrumentFile } from './instrument-file';

export function DraftReviews() {
  const { token } = useSession();
  const load = useCallback(
    () =>
      listDrafts(token).catch((error: unknown) => {
        // Drafts and their comments are for instrument authors.
        if (error instanceof ApiProblem && error.status === 403) return 'not_author' as const;
        throw error;
      }),
    [token],
  );
  const drafts = useLoad(load);
  const [open, setOpen] = useState<string | null>(null);
  const notAuthor = drafts.data === 'not_author';
  const list = drafts.data === 'not_author' ? null : drafts.data;
  return (
    <section className="console-card" aria-labelledby="drafts-heading">
      <h2 id="drafts-heading">Drafts shared for review</h2>
      <p className="muted">
        Before a version is published, share it with reviewers (the advisory group of care leavers, say) through a link that needs no account and
        expires. They see it exactly as respondents will, in English or Welsh, and leave comments on any question or on the whole. Nothing they
        answer is saved.
      </p>
      {notAuthor ? (
        <p className="notice">Sharing drafts needs the instrument author permission: an admin can give it on the People page.</p>
      ) : (
        <>
          <ShareForm onShared={drafts.reload} />
          <ProblemBox problem={drafts.problem} />
          {list && list.drafts.length === 0 && <p>No draft has been shared yet.</p>}
          {list && list.drafts.length > 0 && (
            <div className="console-table-wrap">
              <table className="console-table">
                <caption>Drafts shared for review</caption>
                <thead>
                  <tr>
                    <th scope="col">Draft</th>
                    <th scope="col">Shared</th>
                    <th scope="col">Link works until</th>
                    <th scope="col">Comments</th>
                    <th scope="col">Published since</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.drafts.map((draft) => (
                    <tr key={draft.draftId}>
                      <td>
                        {draft.title.en} <span className="muted">({draft.id} {draft.version})</span>
                      </td>
                      <td>
                        {formatDateTime(draft.sharedAt)}
                        <br />
                        <span className="muted">by {draft.sharedBy ?? 'not recorded'}</span>
                      </td>
                      <td>{Date.parse(draft.expiresAt) > Date.now() ? formatDateTime(draft.expiresAt) : `expired ${formatDateTime(draft.expiresAt)}`}</td>
                      <td>{draft.commentCount}</td>
                      <td>{publishedText(draft)}</td>
                      <td>
                        <button type="button" className="console-link-button" onClick={() => setOpen(open === draft.draftId ? null : draft.draftId)} aria-expanded={open === draft.draftId}>
                          {open === draft.draftId ? 'Hide comments' : 'Show comments'}
                          <span className="visually-hidden">
                            {' '}
                            on {draft.id} {draft.version} shared {formatDateTime(draft.sharedAt)}
                          </span>
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {open && <DraftComments key={open} draftId={open} />}
        </>
      )}
    </section>
  );
}

function publishedText(draft: DraftSummary): string {
  if (!draft.published) return 'not yet';
  return draft.publishedAsReviewed ? 'yes, as reviewed' : 'yes, with changes after this review';
}

function ShareForm({ onShared }: { onShared(): void }) {
  const { token } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [days, setDays] = useState('14');
  const [shared, setShared] = useState<ShareDraftResult | null>(null);
  const action = useAction();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShared(null);
    const read = await readInstrumentFile(file);
    if ('problem' in read) return action.setProblem(read.problem);
    await action.run(
      async () => {
        setShared(await shareDraft(token, { instrument: read.instrument, days: Number(days) }));
        onShared();
      },
      { onError: explainAuthorRefusal('Sharing drafts') },
    );
  };
  const reviewUrl = shared ? `${location.origin}${shared.reviewPath}` : '';
  return (
    <form className="console-form" onSubmit={submit} aria-labelledby="share-draft-heading">
      <h3 id="share-draft-heading">Share a draft</h3>
      <label>
        Draft instrument file
        <input type="file" accept=".json,application/json" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <label>
        The link works for (days)
        <input type="number" min={1} max={90} required value={days} onChange={(e) => setDays(e.target.value)} />
      </label>
      <button type="submit" disabled={action.busy}>
        Share for review
      </button>
      <ProblemBox problem={action.problem} />
      {shared && (
        <div className="notice" role="status">
          <p>
            Review link for {shared.id} {shared.version}, working until {formatDateTime(shared.expiresAt)}. Copy it now: it cannot be shown again.
          </p>
          <p>
            <a href={reviewUrl} target="_blank" rel="noopener noreferrer" className="review-link">
              {reviewUrl}
            </a>
          </p>
        </div>
      )}
    </form>
  );
}

/** Comments beside each question, in the order the draft asks them; then those on the whole. */
function DraftComments({ draftId }: { draftId: string }) {
  const { token } = useSession();
  const detail = useLoad(useCallback(() => getDraft(token, draftId), [token, draftId]));
  if (detail.problem) return <ProblemBox problem={detail.problem} />;
  if (!detail.data) return <p className="muted">Loading comments…</p>;
  const { draft, questions, comments } = detail.data;
  const byQuestion = (name: string | null) => comments.filter((c) => c.questionName === name);
  const whole = byQuestion(null);
  return (
    <div className="draft-comments" aria-label={`Comments on ${draft.id} ${draft.version}`} role="region">
      <h3>
        Comments on {draft.title.en} ({draft.id} {draft.version})
      </h3>
      {comments.length === 0 && <p>No comments yet.</p>}
      <ol className="draft-questions">
        {questions.map((question) => (
          <li key={question.name} aria-label={`Question ${question.name}`}>
            <p>
              <strong>{question.title.en}</strong> <span className="muted">({question.name})</span>
            </p>
            <p lang="cy" className="muted">
              {question.title.cy}
            </p>
            <CommentList comments={byQuestion(question.name)} />
          </li>
        ))}
      </ol>
      <h4>On the whole questionnaire</h4>
      <CommentList comments={whole} />
    </div>
  );
}

function CommentList({ comments }: { comments: DraftDetail['comments'] }) {
  if (comments.length === 0) return <p className="muted">No comments.</p>;
  return (
    <ul className="draft-comment-list">
      {comments.map((comment) => (
        <li key={comment.commentId}>
          <p lang={comment.language}>{comment.text}</p>
          <p className="muted">
            {comment.name ?? 'No name given'}, in {comment.language === 'cy' ? 'Welsh' : 'English'}, {formatDateTime(comment.at)}
          </p>
        </li>
      ))}
    </ul>
  );
}

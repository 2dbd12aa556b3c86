/**
 * Entry point. The server answers every non-API GET with index.html, so the
 * client routes on `location.pathname`:
 *   /s/<token>   respondent page (hot path: this chunk + the lazy survey chunk)
 *   /console…    researcher console (its own lazy chunk, never loaded on /s/)
 *   /preview     instrument preview, served only by `pont instrument preview` (its own lazy chunk)
 *   /review/<token>  a draft instrument shared for review, and reviewers' comments (its own lazy chunk)
 *   anything else  a short landing page
 */
import { StrictMode, Suspense, lazy, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles.css';
import { Landing } from './Landing';
import { RespondentApp } from './respondent/RespondentApp';

const Console = lazy(() => import('./console/Console'));
const PreviewApp = lazy(() => import('./preview/PreviewApp'));
const ReviewApp = lazy(() => import('./review/ReviewApp'));

function tokenFrom(path: string): string {
  const match = /^\/s\/([^/]+)\/?$/.exec(path);
  if (!match?.[1]) return '';
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return '';
  }
}

function route(path: string): ReactNode {
  if (path === '/s' || path.startsWith('/s/')) return <RespondentApp token={tokenFrom(path)} />;
  if (path === '/console' || path.startsWith('/console/')) {
    return (
      <Suspense fallback={<p className="page muted">Loading…</p>}>
        <Console />
      </Suspense>
    );
  }
  if (path === '/preview' || path === '/preview/') {
    return (
      <Suspense fallback={<p className="page muted">Loading…</p>}>
        <PreviewApp />
      </Suspense>
    );
  }
  if (path.startsWith('/review/')) {
    return (
      <Suspense fallback={<p className="page muted">Loading…</p>}>
        <ReviewApp />
      </Suspense>
    );
  }
  return <Landing />;
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode>{route(location.pathname)}</StrictMode>);

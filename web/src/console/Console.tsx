/**
 * The researcher console (lazy chunk, loaded only under /console).
 * Sign in; studies (new study, platform audit log); a study's page (waves,
 * participants, links and link sheets, progress, withdrawal, check-ins, audit
 * log); a wave's responses.
 *
 *   /console                                   studies and their waves
 *   /console/studies/<studyId>                 that study's page
 *   /console/studies/<studyId>/waves/<waveId>  that wave's responses
 *   /console/studies/<studyId>/exports         dataset exports (the study's owners and analysts)
 *   /console/studies/<studyId>/sroi            SROI analysis over an export (owners and analysts; lazy chunk)
 *   /console/studies/<studyId>/members         the study's members and data access groups
 *   /console/people                            researcher accounts (admins)
 *   /console/instruments                       the instrument library: published versions, preview, compare, publish
 *
 * What a study shows follows the caller's role in that study (StudyList's
 * `role`), never the platform role alone: owners and researchers get the
 * researchers' tools; analysts the design, exports and SROI; a platform admin
 * who is not a member only the title and the members page, where they can add
 * themselves. The server decides access: this only spares people buttons that
 * would be refused.
 *
 * English only for now (researcher-facing). Every answer is rendered as text
 * (React escapes it); never use dangerouslySetInnerHTML here.
 *
 * This file signs people in and routes; each page is a file of its own
 * (StudiesPage, StudyRoute and the study's tabs in study/, WaveResponsesPage,
 * PeoplePage), reading the session from ui/session.ts. Shared pieces are in
 * ui/: a page file is imported only by what shows it, never for a helper.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ApiProblem } from '../api';
import { clearSession, loadSession, saveSession, type Session } from './consoleApi';
import { InstrumentsPage } from './InstrumentsPage';
import { PeoplePage } from './PeoplePage';
import { StudiesPage } from './StudiesPage';
import { StudyRoute, type StudyView } from './StudyRoute';
import { WaveResponsesPage } from './WaveResponsesPage';
import { SignInProblem, type Authenticator, type SignInStep } from './authenticator';
import { loadAuthenticator } from './signIn';
import { PageLink, SessionProvider, STUDIES_PATH, type ConsoleSession } from './ui';
import './console.css';

type Route = { kind: 'studies' } | { kind: 'people' } | { kind: 'instruments' } | { kind: 'study'; studyId: string; view: StudyView } | { kind: 'wave'; studyId: string; waveId: string };

function parseRoute(path: string): Route {
  if (/^\/console\/people\/?$/.test(path)) return { kind: 'people' };
  if (/^\/console\/instruments\/?$/.test(path)) return { kind: 'instruments' };
  const match = /^\/console\/studies\/([^/]+)\/waves\/([^/]+)\/?$/.exec(path);
  const study = /^\/console\/studies\/([^/]+)\/?$/.exec(path);
  const analysis = /^\/console\/studies\/([^/]+)\/(exports|sroi|members)\/?$/.exec(path);
  try {
    if (match?.[1] && match[2]) return { kind: 'wave', studyId: decodeURIComponent(match[1]), waveId: decodeURIComponent(match[2]) };
    if (study?.[1]) return { kind: 'study', studyId: decodeURIComponent(study[1]), view: 'page' };
    if (analysis?.[1] && analysis[2]) return { kind: 'study', studyId: decodeURIComponent(analysis[1]), view: analysis[2] as StudyView };
  } catch {
    // fall through to the studies list
  }
  return { kind: 'studies' };
}

export default function Console() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);
  const [path, setPath] = useState(location.pathname);
  // How this deployment signs researchers in (/config.json): the embedded server, or Cognito.
  const [authenticator, setAuthenticator] = useState<Authenticator | 'failed' | null>(null);

  useEffect(() => {
    document.title = 'Pont console';
    const onPop = () => setPath(location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    let live = true;
    loadAuthenticator().then(
      (found) => live && setAuthenticator(found),
      () => live && setAuthenticator('failed'),
    );
    return () => {
      live = false;
    };
  }, []);

  const navigate = useCallback((to: string) => {
    history.pushState(null, '', to);
    setPath(to);
    window.scrollTo(0, 0);
  }, []);

  // Read through refs, so that signOut (and explain, which every page's loading depends on) stays the same function when a session is renewed.
  const current = useRef({ session, authenticator });
  current.current = { session, authenticator };
  const signOut = useCallback((message: string | null = null) => {
    const { session: ending, authenticator: auth } = current.current;
    if (ending && auth && auth !== 'failed') void auth.signOut(ending);
    clearSession();
    setSession(null);
    setNotice(message);
  }, []);

  // Where sessions can be renewed (Cognito: an hour each, renewed for up to 12 hours), renew shortly before this one ends.
  useEffect(() => {
    if (!session || !authenticator || authenticator === 'failed' || !authenticator.renew || !session.refreshToken) return;
    const renew = authenticator.renew.bind(authenticator);
    const due = Date.parse(session.expiresAt) - RENEW_BEFORE_MS - Date.now();
    const timer = setTimeout(() => {
      renew(session).then(
        (fresh) => {
          const renewed = session.email ? { ...fresh, email: session.email } : fresh;
          saveSession(renewed);
          setSession(renewed);
        },
        () => {
          clearSession();
          setSession(null);
          setNotice('Your session has ended. Please sign in again.');
        },
      );
    }, Math.max(0, due));
    return () => clearTimeout(timer);
  }, [session, authenticator]);

  /** Turn an API failure into a message; a 401 ends the session. */
  const explain = useCallback(
    (error: unknown): string => {
      if (error instanceof ApiProblem) {
        if (error.status === 401) {
          signOut('Your session has ended. Please sign in again.');
          return 'Signed out.';
        }
        // Other refusals (a study role too low for this, a contact another member manages…) say which below.
        if (error.status === 403 && error.code === 'forbidden') return "Your account doesn't have access to this.";
        return `The server said: ${error.message} (${error.code})`;
      }
      return "Couldn't reach the server. Check your connection and try again.";
    },
    [signOut],
  );

  // What every page and section of the signed-in console reads (ui/session.ts), instead of being handed it.
  const signedIn = useMemo<ConsoleSession | null>(
    () => (session ? { token: session.token, role: session.role, email: session.email ?? null, explain, navigate } : null),
    [session, explain, navigate],
  );

  if (!session || !signedIn) {
    return (
      <Shell>
        {authenticator === null ? (
          <p className="muted">Loading…</p>
        ) : authenticator === 'failed' ? (
          <p className="notice notice-warn" role="alert">
            Couldn't load how to sign in here. Check your connection and reload the page.
          </p>
        ) : (
          <SignIn
            authenticator={authenticator}
            notice={notice}
            onSignedIn={(s) => {
              saveSession(s);
              setNotice(null);
              setSession(s);
            }}
          />
        )}
      </Shell>
    );
  }

  const route = parseRoute(path);
  return (
    <Shell
      actions={
        <>
          <span className="console-role">{session.role}</span>
          <button type="button" className="console-link-button" onClick={() => signOut(null)}>
            Sign out
          </button>
        </>
      }
    >
      <SessionProvider value={signedIn}>
        {route.kind === 'studies' ? (
          <StudiesPage />
        ) : route.kind === 'people' ? (
          <>
            <p>
              <PageLink to={STUDIES_PATH}>← Studies</PageLink>
            </p>
            {session.role === 'admin' ? <PeoplePage /> : <p className="notice notice-warn">The people page is for admins.</p>}
          </>
        ) : route.kind === 'instruments' ? (
          <InstrumentsPage />
        ) : route.kind === 'study' ? (
          <StudyRoute key={`${route.studyId}/${route.view}`} studyId={route.studyId} view={route.view} />
        ) : (
          <WaveResponsesPage key={`${route.studyId}/${route.waveId}`} studyId={route.studyId} waveId={route.waveId} />
        )}
      </SessionProvider>
    </Shell>
  );
}

/** A renewable session is renewed this long before it ends. */
const RENEW_BEFORE_MS = 2 * 60 * 1000;

function Shell({ actions, children }: { actions?: ReactNode; children: ReactNode }) {
  return (
    <>
      <header className="topbar">
        <span className="brand">Pont console</span>
        {actions && <span className="console-actions">{actions}</span>}
      </header>
      <main className="console-page">{children}</main>
    </>
  );
}

/** What a sign-in problem says on screen. */
function problemText(error: unknown): string {
  if (error instanceof SignInProblem) return error.message;
  return "Couldn't reach the server. Check your connection and try again.";
}

/**
 * Sign-in: email and password, then whatever steps the authenticator asks for
 * (signIn.ts) until a session. A step whose sign-in has expired goes back to
 * the first form.
 */
function SignIn({ authenticator, notice, onSignedIn }: { authenticator: Authenticator; notice: string | null; onSignedIn(session: Session): void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<Exclude<SignInStep, { kind: 'signed-in' }> | null>(null);

  const advance = (next: SignInStep) => {
    // The email typed here goes with the session: an admin adds themselves to a study with it.
    if (next.kind === 'signed-in') onSignedIn({ ...next.session, email: email.trim() });
    else setStep(next);
  };
  const restart = (message: string | null) => {
    setStep(null);
    setPassword('');
    setError(message);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      advance(await authenticator.signIn(email.trim(), password));
    } catch (err) {
      setError(problemText(err));
    }
    setBusy(false);
  };

  if (step?.kind === 'choose-password') {
    return <ChoosePassword email={email.trim()} currentPassword={password} step={step} onNext={advance} onRestart={restart} />;
  }
  if (step?.kind === 'enter-code' || step?.kind === 'set-up-authenticator') {
    return <EnterCode email={email.trim()} step={step} onNext={advance} onRestart={restart} />;
  }

  return (
    <form className="console-form" onSubmit={submit}>
      <h1>Sign in</h1>
      {notice && <p className="notice notice-warn">{notice}</p>}
      <label>
        Email
        <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      <label>
        Password
        <input
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error && (
        <p className="notice notice-warn" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

const MIN_PASSWORD = 12;

type StepProps<K extends SignInStep['kind']> = {
  email: string;
  step: Extract<SignInStep, { kind: K }>;
  onNext(next: SignInStep): void;
  /** Back to the first form, with a message (or none). */
  onRestart(message: string | null): void;
};

function ChoosePassword(props: StepProps<'choose-password'> & { currentPassword: string }) {
  const [chosen, setChosen] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (chosen !== again) return setError("The two passwords don't match.");
    if ([...chosen].length < MIN_PASSWORD) return setError(`Use at least ${MIN_PASSWORD} characters.`);
    if (chosen === props.currentPassword) return setError('Choose a password different from the temporary one.');
    setBusy(true);
    try {
      props.onNext(await props.step.submit(chosen));
    } catch (err) {
      setBusy(false);
      if (err instanceof SignInProblem && err.kind === 'expired') props.onRestart(err.message);
      else setError(problemText(err));
    }
  };

  return (
    <form className="console-form" onSubmit={submit} aria-labelledby="choose-password-heading">
      <h1 id="choose-password-heading">Choose your password</h1>
      <p className="notice">You signed in with a temporary password. Choose your own to carry on: {props.step.rules}.</p>
      {/* The account's email, read-only: lets a password manager save the new password against it. */}
      <label>
        Email
        <input type="email" autoComplete="username" value={props.email} readOnly />
      </label>
      <label>
        New password
        <input type="password" autoComplete="new-password" required value={chosen} onChange={(e) => setChosen(e.target.value)} />
      </label>
      <label>
        New password again
        <input type="password" autoComplete="new-password" required value={again} onChange={(e) => setAgain(e.target.value)} />
      </label>
      {error && (
        <p className="notice notice-warn" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Saving…' : 'Save password and sign in'}
      </button>
      <button type="button" className="console-link-button" onClick={() => props.onRestart(null)}>
        Back to sign in
      </button>
    </form>
  );
}

/** A code from an authenticator app: to sign in, or to finish setting the app up (with its QR code and secret first). */
function EnterCode(props: StepProps<'enter-code' | 'set-up-authenticator'>) {
  const { step } = props;
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [qr, setQr] = useState<{ size: number; d: string } | null>(null);
  const setUp = step.kind === 'set-up-authenticator' ? step : null;

  useEffect(() => {
    if (!setUp) return;
    let live = true;
    import('./qr').then((module) => live && setQr(module.qrPath(setUp.otpauthUri)), () => undefined);
    return () => {
      live = false;
    };
  }, [setUp]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!/^\d{6}$/.test(code.trim())) return setError('Enter the six digits your authenticator app shows.');
    setBusy(true);
    try {
      props.onNext(await step.submit(code.trim()));
    } catch (err) {
      setBusy(false);
      setCode('');
      if (err instanceof SignInProblem && err.kind === 'expired') props.onRestart(err.message);
      else setError(problemText(err));
    }
  };

  const heading = setUp ? 'Set up your authenticator app' : 'Enter your code';
  return (
    <form className="console-form" onSubmit={submit} aria-labelledby="code-heading">
      <h1 id="code-heading">{heading}</h1>
      {setUp ? (
        <>
          <p className="notice">
            Pont needs a second step at every sign-in: a code from an authenticator app on your phone (such as Microsoft Authenticator, Google Authenticator or 1Password). Scan this QR code
            with the app, or type the key below into it, then enter the code it shows.
          </p>
          {qr && (
            <svg className="console-qr" viewBox={`0 0 ${qr.size} ${qr.size}`} width={qr.size * 4} height={qr.size * 4} role="img" aria-label={`QR code for your authenticator app, account ${props.email}`}>
              <rect width={qr.size} height={qr.size} fill="#fff" />
              <path d={qr.d} fill="#000" />
            </svg>
          )}
          <p>
            Key: <code className="console-secret">{setUp.secret.replace(/(.{4})/g, '$1 ').trim()}</code>
          </p>
        </>
      ) : (
        <p className="notice">Open your authenticator app and enter the code it shows for Pont ({props.email}).</p>
      )}
      <label>
        Code from your authenticator app
        <input
          type="text"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          required
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\s/g, ''))}
        />
      </label>
      {error && (
        <p className="notice notice-warn" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="button-primary" disabled={busy}>
        {busy ? 'Checking…' : setUp ? 'Verify and sign in' : 'Sign in'}
      </button>
      <button type="button" className="console-link-button" onClick={() => props.onRestart(null)}>
        Back to sign in
      </button>
    </form>
  );
}

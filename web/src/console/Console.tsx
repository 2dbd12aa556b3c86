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
 */
import { Suspense, lazy, useCallback, useEffect, useRef, useState, type FormEvent, type MouseEvent, type ReactNode } from 'react';
import type { Role, StudyList, WaveResponses } from '../../../functions/contracts/researcher.js';
import { ApiProblem } from '../api';
import { clearSession, listStudies, listWaveResponses, loadSession, saveSession, type Session } from './consoleApi';
import { AnalystStudyPage, ExportsView, exportsPath, sroiPath } from './ExportsView';
import { AddMeForm, MembersPage, membersPath } from './MembersPage';
import { PeoplePage } from './PeoplePage';
import { NewStudyForm } from './SetupForms';
import { SignInProblem, type Authenticator, type SignInStep } from './authenticator';
import { loadAuthenticator } from './signIn';
import { AuditSection, StudyPage, formatDateTime, groupLabel, windowText } from './StudyPage';
import './console.css';

// The SROI code (full zod, the analysis, fflate) is a chunk of its own, fetched only on that page.
const SroiView = lazy(() => import('./SroiView'));

type StudyView = 'page' | 'exports' | 'sroi' | 'members';
type Study = StudyList['studies'][number];
type Route = { kind: 'studies' } | { kind: 'people' } | { kind: 'study'; studyId: string; view: StudyView } | { kind: 'wave'; studyId: string; waveId: string };

const PEOPLE_PATH = '/console/people';

function parseRoute(path: string): Route {
  if (/^\/console\/people\/?$/.test(path)) return { kind: 'people' };
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

const studyPath = (studyId: string) => `/console/studies/${encodeURIComponent(studyId)}`;

const wavePath = (studyId: string, waveId: string) =>
  `/console/studies/${encodeURIComponent(studyId)}/waves/${encodeURIComponent(waveId)}`;

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

  if (!session) {
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
      {route.kind === 'studies' ? (
        <StudiesView token={session.token} role={session.role} explain={explain} navigate={navigate} />
      ) : route.kind === 'people' ? (
        <>
          <p>
            <a href="/console" onClick={(e) => follow(e, '/console', navigate)}>
              ← Studies
            </a>
          </p>
          {session.role === 'admin' ? <PeoplePage token={session.token} explain={explain} /> : <p className="notice notice-warn">The people page is for admins.</p>}
        </>
      ) : route.kind === 'study' ? (
        <StudyRoute
          key={`${route.studyId}/${route.view}`}
          token={session.token}
          role={session.role}
          email={session.email ?? null}
          studyId={route.studyId}
          view={route.view}
          explain={explain}
          navigate={navigate}
        />
      ) : (
        <WaveView
          key={`${route.studyId}/${route.waveId}`}
          token={session.token}
          studyId={route.studyId}
          waveId={route.waveId}
          explain={explain}
          navigate={navigate}
        />
      )}
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

type Load<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; data: T };

function useLoad<T>(load: () => Promise<T>, explain: (error: unknown) => string): Load<T> {
  const [result, setResult] = useState<Load<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    load().then(
      (data) => live && setResult({ state: 'ready', data }),
      (error: unknown) => live && setResult({ state: 'error', message: explain(error) }),
    );
    return () => {
      live = false;
    };
  }, [load, explain]);
  return result;
}

function StudiesView(props: { token: string; role: Role; explain(error: unknown): string; navigate(to: string): void }) {
  const { token, role, explain, navigate } = props;
  const load = useCallback(() => listStudies(token), [token]);
  const studies = useLoad<StudyList>(load, explain);
  const [creating, setCreating] = useState(false);

  return (
    <>
      {role === 'admin' && (
        <p>
          <a href={PEOPLE_PATH} onClick={(e) => follow(e, PEOPLE_PATH, navigate)}>
            People: researcher accounts
          </a>
        </p>
      )}
      <h1>Studies</h1>
      {studies.state === 'loading' && <p className="muted">Loading studies…</p>}
      {studies.state === 'error' && <p className="notice notice-warn">{studies.message}</p>}
      {studies.state === 'ready' && studies.data.studies.length === 0 && (
        <p>{role === 'analyst' ? "No studies yet: a study's owner adds you to theirs." : 'No studies yet.'}</p>
      )}
      {studies.state === 'ready' && studies.data.studies.map((study) => <StudyCard key={study.studyId} study={study} navigate={navigate} />)}
      {/* Whoever creates a study is its first owner: admins and researchers may. */}
      {role !== 'analyst' &&
        (creating ? (
          <section className="console-card">
            <NewStudyForm token={token} explain={explain} onCreated={(studyId) => navigate(studyPath(studyId))} />
            <button type="button" className="console-link-button" onClick={() => setCreating(false)}>
              Cancel
            </button>
          </section>
        ) : (
          <p>
            <button type="button" className="button-primary" onClick={() => setCreating(true)}>
              New study
            </button>
          </p>
        ))}
      {role === 'admin' && <AuditSection token={token} scopes={['_platform', ...(studies.state === 'ready' ? studies.data.studies.map((s) => s.studyId) : [])]} explain={explain} />}
    </>
  );
}

const STUDY_ROLE_TEXT: Record<NonNullable<Study['role']>, string> = {
  owner: 'You own this study',
  researcher: 'You are a researcher in this study',
  analyst: 'You are an analyst in this study',
};

/** One study in the list, as the caller's role in it allows. */
function StudyCard({ study, navigate }: { study: Study; navigate(to: string): void }) {
  const participantWork = study.role === 'owner' || study.role === 'researcher';
  const anonymisedData = study.role === 'owner' || study.role === 'analyst';
  const members = membersPath(study.studyId);
  return (
    <section className="console-card">
      <h2>
        <a href={studyPath(study.studyId)} onClick={(e) => follow(e, studyPath(study.studyId), navigate)}>
          {study.title.en}
        </a>
      </h2>
      <p className="muted">
        {study.studyId}
        {study.role ? ` · ${STUDY_ROLE_TEXT[study.role]}` : ''}
        {study.group ? ` · participants of ${groupLabel(study, study.group)} only` : ''}
      </p>
      {study.role === null ? (
        <p>You are not a member of this study. As a platform admin you can see its members, and add yourself to work in it.</p>
      ) : study.waves.length === 0 ? (
        <p>No waves.</p>
      ) : (
        <ul className="console-waves">
          {study.waves.map((wave) => {
            const href = wavePath(study.studyId, wave.waveId);
            return (
              <li key={wave.waveId}>
                {/* Answers come with participant codes: the responses page is for owners and researchers only. */}
                {participantWork ? (
                  <a href={href} onClick={(e) => follow(e, href, navigate)}>
                    {wave.name.en}
                  </a>
                ) : (
                  wave.name.en
                )}{' '}
                <span className="muted">{windowText(wave.window)}</span>
              </li>
            );
          })}
        </ul>
      )}
      <p>
        <a href={members} onClick={(e) => follow(e, members, navigate)}>
          Members<span className="visually-hidden"> of {study.title.en}</span>
        </a>
        {anonymisedData && (
          <>
            {' '}
            ·{' '}
            <a href={exportsPath(study.studyId)} onClick={(e) => follow(e, exportsPath(study.studyId), navigate)}>
              Dataset exports<span className="visually-hidden"> of {study.title.en}</span>
            </a>{' '}
            ·{' '}
            <a href={sroiPath(study.studyId)} onClick={(e) => follow(e, sroiPath(study.studyId), navigate)}>
              SROI analysis<span className="visually-hidden"> of {study.title.en}</span>
            </a>
          </>
        )}
      </p>
    </section>
  );
}

/** The sections of a study the caller's role in it opens, as tabs (links: each is a page of its own). */
function StudyTabs({ study, view, navigate }: { study: Study; view: StudyView; navigate(to: string): void }) {
  const anonymisedData = study.role === 'owner' || study.role === 'analyst';
  const tabs: { view: StudyView; label: string; href: string }[] = [
    { view: 'page', label: 'Overview', href: studyPath(study.studyId) },
    { view: 'members', label: 'Members', href: membersPath(study.studyId) },
    ...(anonymisedData
      ? [
          { view: 'exports' as const, label: 'Exports', href: exportsPath(study.studyId) },
          { view: 'sroi' as const, label: 'SROI', href: sroiPath(study.studyId) },
        ]
      : []),
  ];
  return (
    <nav className="console-tabs no-print" aria-label={`Sections of ${study.title.en}`}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.view}>
            <a href={tab.href} aria-current={tab.view === view ? 'page' : undefined} onClick={(e) => follow(e, tab.href, navigate)}>
              {tab.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * A platform admin on a study they are not a member of: its title, why
 * nothing else is shown, and the way to add themselves (audited, and shown on
 * the members page).
 */
function NonMemberStudyPage(props: { token: string; study: Study; email: string | null; explain(error: unknown): string; onJoined(): void; navigate(to: string): void }) {
  const { study } = props;
  const members = membersPath(study.studyId);
  return (
    <>
      <h1>
        {study.title.en} <span className="muted">{study.studyId}</span>
      </h1>
      <p className="notice">
        You are not a member of this study. Reading its participants, answers or data needs membership, even for a platform admin: add yourself below, or ask an owner
        to add you. Adding yourself is recorded in the study's audit log and shown on its{' '}
        <a href={members} onClick={(e) => follow(e, members, props.navigate)}>
          members page
        </a>
        .
      </p>
      <AddMeForm token={props.token} study={study} email={props.email} explain={props.explain} onAdded={props.onJoined} />
    </>
  );
}

function StudyRoute(props: { token: string; role: Role; email: string | null; studyId: string; view: StudyView; explain(error: unknown): string; navigate(to: string): void }) {
  const { token, explain, navigate } = props;
  const [version, setVersion] = useState(0);
  const load = useCallback(() => listStudies(token), [token, version]);
  const studies = useLoad<StudyList>(load, explain);
  const [last, setLast] = useState<StudyList | null>(null);
  useEffect(() => {
    if (studies.state === 'ready') setLast(studies.data);
  }, [studies]);
  const data = studies.state === 'ready' ? studies.data : last;
  const study = data?.studies.find((s) => s.studyId === props.studyId);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const anonymisedData = study?.role === 'owner' || study?.role === 'analyst';
  const participantWork = study?.role === 'owner' || study?.role === 'researcher';

  return (
    <>
      <p>
        <a href="/console" onClick={(e) => follow(e, '/console', navigate)}>
          ← Studies
        </a>
        {props.view !== 'page' && (
          <>
            {' · '}
            <a href={studyPath(props.studyId)} onClick={(e) => follow(e, studyPath(props.studyId), navigate)}>
              {study?.title.en ?? props.studyId}
            </a>
          </>
        )}
      </p>
      {!data && studies.state === 'loading' && <p className="muted">Loading the study…</p>}
      {studies.state === 'error' && <p className="notice notice-warn">{studies.message}</p>}
      {data && !study && <p className="notice notice-warn">There is no study called {props.studyId}, or you are not a member of it.</p>}
      {study && <StudyTabs study={study} view={props.view} navigate={navigate} />}
      {study && props.view === 'members' && (
        <MembersPage token={token} study={study} platformRole={props.role} email={props.email} explain={explain} onMembershipChanged={reload} />
      )}
      {study && (props.view === 'exports' || props.view === 'sroi') && !anonymisedData && (
        <p className="notice notice-warn">Dataset exports and the SROI analysis are for the study's owners and analysts.</p>
      )}
      {study && props.view === 'exports' && anonymisedData && <ExportsView token={token} study={study} explain={explain} navigate={navigate} />}
      {study && props.view === 'sroi' && anonymisedData && (
        <Suspense fallback={<p className="muted">Loading the SROI analysis…</p>}>
          <SroiView token={token} study={study} explain={explain} navigate={navigate} />
        </Suspense>
      )}
      {study && props.view === 'page' && study.role === null && (
        <NonMemberStudyPage token={token} study={study} email={props.email} explain={explain} onJoined={reload} navigate={navigate} />
      )}
      {study && props.view === 'page' && study.role === 'analyst' && <AnalystStudyPage study={study} navigate={navigate} />}
      {study && props.view === 'page' && participantWork && (
        <StudyPage
          token={token}
          role={props.role}
          study={study}
          explain={explain}
          reload={reload}
          wavePath={(waveId) => wavePath(study.studyId, waveId)}
          navigate={navigate}
        />
      )}
    </>
  );
}

function WaveView(props: {
  token: string;
  studyId: string;
  waveId: string;
  explain(error: unknown): string;
  navigate(to: string): void;
}) {
  const { token, studyId, waveId, explain, navigate } = props;
  const load = useCallback(() => listWaveResponses(token, studyId, waveId), [token, studyId, waveId]);
  const responses = useLoad<WaveResponses>(load, explain);

  return (
    <>
      <p>
        <a href={studyPath(studyId)} onClick={(e) => follow(e, studyPath(studyId), navigate)}>
          ← Study {studyId}
        </a>
      </p>
      <h1>
        Responses <span className="muted">{studyId} / {waveId}</span>
      </h1>
      {responses.state === 'loading' && <p className="muted">Loading responses…</p>}
      {responses.state === 'error' && <p className="notice notice-warn">{responses.message}</p>}
      {responses.state === 'ready' && <ResponsesTable rows={responses.data.responses} />}
    </>
  );
}

function ResponsesTable({ rows }: { rows: WaveResponses['responses'] }) {
  if (rows.length === 0) return <p>No responses yet.</p>;
  return (
    <>
      <p className="muted">
        {rows.length} response{rows.length === 1 ? '' : 's'}
      </p>
      <div className="console-table-wrap">
        <table className="console-table">
          <thead>
            <tr>
              <th scope="col">Participant</th>
              <th scope="col">Instrument</th>
              <th scope="col">Status</th>
              <th scope="col">Language</th>
              <th scope="col">Saved at</th>
              <th scope="col">Answers</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={`${row.participantCode}/${row.instrumentId}/${row.instrumentVersion}`}>
                <td>{row.participantCode}</td>
                <td>
                  {row.instrumentId} <span className="muted">v{row.instrumentVersion}</span>
                </td>
                <td>{row.status}</td>
                <td>{row.language}</td>
                <td>{formatDateTime(row.savedAt)}</td>
                <td>
                  <pre className="console-answers">{answersAsText(row.answers)}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * One `key=value` line per answer. Strings as typed, unless they span lines
 * (then JSON, so each answer stays on one line); everything else as JSON.
 * Plain text only.
 */
function answersAsText(answers: Record<string, unknown>): string {
  return Object.entries(answers)
    .map(([key, value]) => {
      const text = typeof value === 'string' && !/[\r\n]/.test(value) ? value : JSON.stringify(value);
      return `${key}=${text}`;
    })
    .join('\n');
}

/** Client-side navigation for plain left clicks; let modified clicks open tabs. */
function follow(event: MouseEvent<HTMLAnchorElement>, to: string, navigate: (to: string) => void) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(to);
}

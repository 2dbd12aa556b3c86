/**
 * Admins' people page (embedded mode): every researcher account with its
 * role and status; add an account (its temporary password is shown once),
 * change a role, disable or enable. The server ends a changed account's
 * sessions, audits every change, and refuses to let the last enabled admin
 * demote or disable themselves. In AWS, accounts are managed in Cognito.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { CreateUserRequest, type CreateUserResult, type Role, type UserSummary } from '../../../functions/contracts/researcher.js';
import { ApiProblem } from '../api';
import { createUser, listUsers, updateUser } from './consoleApi';
import { ProblemBox, useAction, useLoad, useSession } from './ui';
const ROLES: Role[] = ['admin', 'researcher', 'analyst'];
const STATUS_TEXT: Record<UserSummary['status'], string> = {
  active: 'Active',
  invited: 'Active (temporary password not yet replaced)',
  disabled: 'Disabled',
};

export function PeoplePage() {
  const { token } = useSession();
  const load = useCallback(
    () =>
      listUsers(token).catch((error: unknown) => {
        // Not in this deployment (AWS: Cognito keeps the accounts).
        if (error instanceof ApiProblem && (error.status === 404 || error.status === 501)) return 'unavailable' as const;
        throw error;
      }),
    [token],
  );
  const { data, problem, reload } = useLoad(load);

  return (
    <>
      <h1>People</h1>
      {data === 'unavailable' ? (
        <p className="notice">Accounts are managed in the Cognito user pool in this deployment (the AWS console, or aws cognito-idp): see docs/aws.md.</p>
      ) : (
        <>
          <ProblemBox problem={problem} />
          {data === null && !problem && <p className="muted">Loading accounts…</p>}
          {data && <PeopleTable users={data.users} onChanged={reload} />}
          <NewAccountForm onCreated={reload} />
        </>
      )}
    </>
  );
}

function PeopleTable(props: { users: UserSummary[]; onChanged(): void }) {
  const { token } = useSession();
  /** A change to an account: only that account's buttons wait (the run's key is its id). */
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const [roles, setRoles] = useState<Record<string, Role>>({});

  const change = (user: UserSummary, body: { role?: Role; enabled?: boolean; instrumentAuthor?: boolean }, what: string) => {
    setDone(null);
    return action.run(
      async () => {
        await updateUser(token, user.userId, body);
        setDone(`${user.email}: ${what}. Their current sessions have ended.`);
        props.onChanged();
      },
      { key: user.userId },
    );
  };

  return (
    <section className="console-card" aria-labelledby="accounts-heading">
      <h2 id="accounts-heading">Accounts</h2>
      <ProblemBox problem={action.problem} />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
      <div className="console-table-wrap">
        <table className="console-table">
          <caption>Researcher accounts</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Instrument author</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((user) => {
              const chosen = roles[user.userId] ?? user.role;
              return (
                <tr key={user.userId}>
                  <th scope="row">{user.email}</th>
                  <td>{user.role}</td>
                  <td>{STATUS_TEXT[user.status]}</td>
                  <td>
                    {user.instrumentAuthor ? 'Yes' : 'No'}{' '}
                    <button
                      type="button"
                      className="console-link-button"
                      disabled={action.running(user.userId)}
                      onClick={() =>
                        void change(user, { instrumentAuthor: !user.instrumentAuthor }, user.instrumentAuthor ? 'may no longer publish instruments' : 'may publish instruments')
                      }
                    >
                      {user.instrumentAuthor ? 'Revoke' : 'Grant'}
                      <span className="visually-hidden"> instrument author permission of {user.email}</span>
                    </button>
                  </td>
                  <td>
                    <form
                      className="console-inline-form"
                      onSubmit={(e) => {
                        e.preventDefault();
                        if (chosen !== user.role) void change(user, { role: chosen }, `role changed to ${chosen}`);
                      }}
                    >
                      <label>
                        Role<span className="visually-hidden"> of {user.email}</span>
                        <select value={chosen} onChange={(e) => setRoles((r) => ({ ...r, [user.userId]: e.target.value as Role }))}>
                          {ROLES.map((role) => (
                            <option key={role} value={role}>
                              {role}
                            </option>
                          ))}
                        </select>
                      </label>
                      <button type="submit" className="console-link-button" disabled={action.running(user.userId) || chosen === user.role}>
                        Change role<span className="visually-hidden"> of {user.email}</span>
                      </button>
                      <button
                        type="button"
                        className="console-link-button"
                        disabled={action.running(user.userId)}
                        onClick={() => void change(user, { enabled: user.status === 'disabled' }, user.status === 'disabled' ? 'enabled' : 'disabled')}
                      >
                        {user.status === 'disabled' ? 'Enable' : 'Disable'}
                        <span className="visually-hidden"> {user.email}</span>
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function NewAccountForm(props: { onCreated(): void }) {
  const { token } = useSession();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('researcher');
  const action = useAction();
  const [created, setCreated] = useState<CreateUserResult | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    const request = CreateUserRequest.safeParse({ email: email.trim(), role });
    if (!request.success) return action.setProblem({ message: 'Please correct the form.', details: request.error.issues.map((issue) => issue.message) });
    await action.run(async () => {
      setCreated(await createUser(token, request.data));
      setEmail('');
      props.onCreated();
    });
  };

  return (
    <section className="console-card" aria-labelledby="new-account-heading">
      <form className="console-form" onSubmit={submit} aria-labelledby="new-account-heading">
        <h2 id="new-account-heading">Add an account</h2>
        <label>
          Email of the new account
          <input type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Role of the new account
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <ProblemBox problem={action.problem} />
        {created && (
          <div className="notice" role="status">
            <p>
              Account {created.email} ({created.role}) added. Its temporary password, shown only now: <code className="console-secret">{created.temporaryPassword}</code>
            </p>
            <p>Pass it on privately; the first sign-in must replace it.</p>
          </div>
        )}
        <button type="submit" className="button-primary" disabled={action.busy}>
          {action.busy ? 'Adding…' : 'Add account'}
        </button>
      </form>
    </section>
  );
}

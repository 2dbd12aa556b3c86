/**
 * The signed-in researcher, for every page and section of the console: the
 * session's token, platform role and email, how an API failure is put into
 * words (explain: a 401 ends the session), and how to go to another console
 * page. Console provides it once someone has signed in, so pages and sections
 * read it here instead of passing it down.
 */
import { createContext, useContext } from 'react';
import type { Role } from '../../../../functions/contracts/researcher.js';

export type Explain = (error: unknown) => string;

export type ConsoleSession = {
  token: string;
  /** The platform role: what a study shows follows the caller's role in that study (on the study itself). */
  role: Role;
  /** The email typed at sign-in; null when the console doesn't know it. */
  email: string | null;
  /** An API failure as a message; a 401 ends the session. Stays the same function while the session lasts. */
  explain: Explain;
  /** To another console page, without reloading. */
  navigate(to: string): void;
};

const SessionContext = createContext<ConsoleSession | null>(null);

export const SessionProvider = SessionContext.Provider;

export function useSession(): ConsoleSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is for the signed-in console, inside its SessionProvider');
  return session;
}

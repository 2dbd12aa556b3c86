/**
 * Refusing guessable passwords for embedded-mode accounts (in AWS, Cognito's
 * password policy applies instead): zxcvbn-ts with its common-password and
 * English dictionaries, scored offline.
 *
 * The dictionaries are several megabytes and take most of a second to load.
 * Only the ChangePassword handler imports this module (an embedded-only route,
 * never bundled for Lambda; tests/infra/lambda-bundling.test.ts keeps them out
 * of every deployed bundle), and it loads them on the first password change,
 * not at start. Never import it from anything the respondent app or a deployed
 * handler reaches.
 */
import type { ZxcvbnFactory, ZxcvbnResult } from '@zxcvbn-ts/core';

/**
 * The lowest zxcvbn score (0 to 4) allowed. Score 3 means an estimated 10^8 to
 * 10^10 guesses; 2 means 10^6 to 10^8. Online, the sign-in throttle
 * (http/sign-in-attempts.ts) already makes 10^6 guesses take decades, so the
 * bar is set for the other attack: a copy of `.data/` (a laptop, a backup)
 * handing over the scrypt hashes, where 10^6 guesses at a few thousand hashes
 * a second take minutes and 10^8 take days. zxcvbn calls 3 "moderate protection
 * from an offline slow-hash scenario". Three random words score 4.
 */
export const MIN_PASSWORD_SCORE = 3;

let factory: Promise<ZxcvbnFactory> | undefined;

function zxcvbn(): Promise<ZxcvbnFactory> {
  factory ??= (async () => {
    const [{ ZxcvbnFactory }, common, en] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]);
    return new ZxcvbnFactory({
      dictionary: { ...common.dictionary, ...en.dictionary },
      graphs: common.adjacencyGraphs,
      translations: en.translations,
    });
  })();
  return factory;
}

/** The whole password is one entry of the common-password list (allowing for capitals, l33t and reversal). */
function isCommonPassword(result: ZxcvbnResult): boolean {
  const [only, ...rest] = result.sequence;
  return rest.length === 0 && only?.pattern === 'dictionary' && only.dictionaryName === 'passwords-common';
}

/**
 * Why a chosen password is too easy to guess, if it is: each reason a sentence
 * for the person choosing it. `userInputs` (the email and its parts) count as
 * words an attacker would try first.
 */
export async function guessablePasswordProblems(chosen: string, userInputs: string[]): Promise<string[]> {
  const result = (await zxcvbn()).check(chosen, userInputs);
  if (isCommonPassword(result)) return ['this is one of the most commonly used passwords: choose another'];
  if (result.score < MIN_PASSWORD_SCORE) {
    const warning = result.feedback.warning?.replace(/\.$/, '');
    return [`this password is too easy to guess${warning ? ` (${warning})` : ''}: three or four random words are easy to remember and hard to guess`];
  }
  return [];
}

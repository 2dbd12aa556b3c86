/**
 * Quick exit: on every respondent page, for someone who needs to hide what
 * they're doing right now. Replaces this page in the history with a neutral
 * site, so Back doesn't bring the survey up again. Esc pressed twice within a
 * second does the same. Unsaved answers are still kept and sent (the survey
 * saves on `pagehide`).
 */
import { useEffect } from 'react';
import { t, type Lang } from '../i18n';

export const NEUTRAL_SITE = 'https://www.bbc.co.uk/weather';
const DOUBLE_ESC_MS = 1000;

export function quickExit(): void {
  // Blank the page at once, before the next site has loaded.
  document.title = '';
  document.documentElement.style.visibility = 'hidden';
  location.replace(NEUTRAL_SITE);
}

/** Esc, Esc: leave. Listens in the capture phase, so a pop-up list closing on Esc can't swallow it. */
export function useDoubleEscapeToExit(): void {
  useEffect(() => {
    let last = -Infinity;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.repeat) return;
      const now = performance.now();
      if (now - last <= DOUBLE_ESC_MS) quickExit();
      else last = now;
    };
    window.addEventListener('keydown', onKeyDown, true);
    return () => window.removeEventListener('keydown', onKeyDown, true);
  }, []);
}

export function QuickExitButton({ lang }: { lang: Lang }) {
  return (
    <button type="button" className="quick-exit" onClick={quickExit} title={t(lang, 'quickExitHint')}>
      {t(lang, 'quickExit')}
    </button>
  );
}

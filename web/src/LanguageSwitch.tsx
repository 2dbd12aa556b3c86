import { languageNames, type Lang } from './i18n';

const order: Lang[] = ['en', 'cy'];

/** English | Cymraeg, each name written in its own language. */
export function LanguageSwitch({ lang, onChange }: { lang: Lang; onChange(lang: Lang): void }) {
  return (
    <div className="lang-switch" role="group" aria-label="Language / Iaith">
      {order.map((code) => (
        <button
          key={code}
          type="button"
          lang={code}
          aria-pressed={lang === code}
          onClick={() => onChange(code)}
        >
          {languageNames[code]}
        </button>
      ))}
    </div>
  );
}

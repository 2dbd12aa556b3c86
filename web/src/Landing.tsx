import { t } from './i18n';

/** `/`: a short bilingual note. Participants only ever arrive with a personal link. */
export function Landing() {
  return (
    <>
      <header className="topbar">
        <span className="brand">Pont</span>
      </header>
      <main className="page">
        <h1>Pont</h1>
        <p>{t('en', 'landingBody')}</p>
        <p lang="cy">{t('cy', 'landingBody')}</p>
        <p className="muted">
          {t('en', 'landingResearchers')} <a href="/console">/console</a>
          <br />
          <span lang="cy">
            {t('cy', 'landingResearchers')} <a href="/console">/console</a>
          </span>
        </p>
      </main>
    </>
  );
}

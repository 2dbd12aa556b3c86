/**
 * The HTML an instrument may show respondents, checked when it is published.
 *
 * Instruments are shown to young people on the platform's own address, so
 * anything they show is vouched for by the platform: a phishing link or a
 * `<form action="https://…">` in an instrument would be too. The rule is an
 * allow-list, and nothing is ever dropped or rewritten: text outside the list
 * is refused with its JSON path, and the instrument's author fixes it (a
 * published instrument's content hash must match the file in the repository,
 * so a silently "cleaned" copy would be a different instrument).
 *
 * Pure: no AWS, no DOM. htmlparser2 reads the HTML much as a browser's
 * tokenizer does; where the two could disagree (a tag the text ends inside, a
 * stray closing tag, characters in a link an address never has) the text is
 * refused rather than trusted. The WHATWG URL parser (the browser's) reads the links.
 */
import { Parser } from 'htmlparser2';

export type MarkupProblem = { path: string; message: string };

/** A link in an instrument's HTML: where it sits, where it goes, and the origin it goes to. */
export type MarkupLink = { path: string; href: string; origin: string };

/** Presentational and structural elements: text, headings, lists, emphasis, and links. */
export const ALLOWED_ELEMENTS: readonly string[] = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'ul', 'ol', 'li', 'em', 'strong', 'b', 'i', 'span', 'small', 'a'];

/** Deeper than any survey text needs (a link in bold in a list item in a list in a list is 5). */
const MAX_DEPTH = 32;

/** Problems named in one text before reading stops. */
const MAX_PROBLEMS = 20;

const ALLOWED_LIST = 'h1–h6, p, br, ul, ol, li, em, strong, b, i, span, small and a';

/**
 * `class` may carry only these names. ons4@1.0.0 is published with
 * `<p class="licence-notice">` (and its content hash cannot change); the name
 * marks the licence notice and no stylesheet of the platform gives it a rule.
 * Any other class is refused: a class borrowed from the survey's own
 * stylesheet (`sd-btn`, `sd-navigation__complete-btn`) could make a link look
 * like the survey's own Next or Complete button.
 */
const ALLOWED_CLASSES: readonly string[] = ['licence-notice'];

/** `lang="en"` on Welsh text quoting English (swemwbs@1.0.0 does): a screen reader then switches voice. */
const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** Why some elements are refused, where the general message would not say what to do instead. */
const REFUSED_ELEMENTS: Record<string, string> = {
  script: 'instruments cannot run code in respondents’ browsers: remove it',
  noscript: 'instruments cannot run code in respondents’ browsers: remove it',
  style: 'the platform styles every survey: remove it',
  link: 'the platform styles every survey: remove it',
  meta: 'remove it',
  base: 'it would send every link on the page elsewhere: remove it',
  form: 'it would send what respondents type to another site: ask with survey questions (text, comment, radiogroup…) instead',
  input: 'ask with survey questions (text, comment, radiogroup…) instead',
  button: 'ask with survey questions (text, comment, radiogroup…) instead',
  select: 'ask with survey questions (text, comment, radiogroup…) instead',
  textarea: 'ask with survey questions (text, comment, radiogroup…) instead',
  iframe: 'it would show another site inside the survey: link to it with <a href="https://…"> instead',
  frame: 'it would show another site inside the survey: link to it with <a href="https://…"> instead',
  object: 'it would show another site inside the survey: link to it with <a href="https://…"> instead',
  embed: 'it would show another site inside the survey: link to it with <a href="https://…"> instead',
  img: 'a picture from another site tells that site who opens the survey: remove it',
  svg: 'remove it',
  math: 'remove it',
  video: 'remove it',
  audio: 'remove it',
};

// ---- where an instrument's HTML is --------------------------------------------------------------

/**
 * Whether survey-core renders `object[key]` as HTML. Every such property of
 * survey-core is named `html` or `…Html` (`html` of html elements and of
 * completedHtmlOnCondition items; the survey's completedHtml,
 * completedBeforeHtml, loadingHtml), except the obsolete flowpanel's
 * `content`; tests/unit/instrument-markup.test.ts fails if a survey-core
 * upgrade adds one that is not. The name is matched wherever it appears and
 * whatever its case: checking a text that is not drawn as HTML costs nothing;
 * missing one that is would let a link through.
 *
 * Titles, descriptions and choice texts are drawn as plain text: the web app
 * does not turn on SurveyJS's markdown (no `onTextMarkdown` handler in
 * web/src), and without it survey-core escapes them. Add them here if it ever does.
 */
export function rendersHtml(object: Record<string, unknown>, key: string): boolean {
  if (/html$/i.test(key)) return true;
  return key === 'content' && typeof object.type === 'string' && object.type.toLowerCase() === 'flowpanel';
}

export type HtmlText = { path: string; html: string };

/** Every text of a survey JSON that is drawn as HTML, each language on its own path (`….html.en`). */
export function htmlTexts(survey: unknown, path = 'survey'): HtmlText[] {
  const texts: HtmlText[] = [];
  const visit = (value: unknown, here: string): void => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${here}[${index}]`));
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (rendersHtml(value as Record<string, unknown>, key)) collect(child, `${here}.${key}`);
        else visit(child, `${here}.${key}`);
      }
    }
  };
  // A localised text is { "en": …, "cy": … } (or one string for every language);
  // any other shape is read the same way, so no string under an HTML property goes unchecked.
  const collect = (value: unknown, here: string): void => {
    if (typeof value === 'string') texts.push({ path: here, html: value });
    else if (Array.isArray(value)) value.forEach((item, index) => collect(item, `${here}[${index}]`));
    else if (value !== null && typeof value === 'object') for (const [key, child] of Object.entries(value)) collect(child, `${here}.${key}`);
  };
  visit(survey, path);
  return texts;
}

// ---- one text ---------------------------------------------------------------------------------

export type MarkupReading = { problems: string[]; links: { href: string; origin: string }[] };

/** Reads one HTML text against the allow-list: what is wrong with it (each message says what to do), and where its links go. */
export function readMarkup(html: string): MarkupReading {
  const problems = new Set<string>();
  const links: MarkupReading['links'] = [];
  // Reading stops at MAX_PROBLEMS (the text is refused either way): a megabyte of `<x1></x1><x2></x2>…`
  // must not make a megabyte of answer.
  let stopped = false;
  const report = (message: string): void => {
    if (stopped) return;
    problems.add(message);
    if (problems.size < MAX_PROBLEMS) return;
    problems.add('there is more wrong with this text: fix these first, then check it again');
    stopped = true;
    parser.pause();
  };
  // Source ranges the parser reported as tags, comments or declarations, to find the `<` it let go.
  const covered: [number, number][] = [];
  let element = '';
  let attributes: { name: string; value: string }[] = [];
  let depth = 0;

  const parser: Parser = new Parser(
    {
      onopentagname(name) {
        element = name;
        attributes = [];
      },
      onattribute(name, value) {
        attributes.push({ name, value });
      },
      onopentag(name, _attribs, isImplied) {
        if (!isImplied) covered.push([parser.startIndex, parser.endIndex]);
        // htmlparser2 keeps its open elements in an array it unshifts: 200,000 nested tags took 26 s.
        // No survey text needs more than a few levels, so reading stops at a depth no text needs.
        depth += 1;
        if (depth > MAX_DEPTH) {
          report(`elements are nested more than ${MAX_DEPTH} deep: close them (</…>) as you go`);
          stopped = true;
          parser.pause();
          return;
        }
        // `attributes`, not `_attribs`: a repeated attribute is kept once there, and both copies must pass.
        checkElement(name, name === element ? attributes : [], report, links);
      },
      onclosetag(_name, isImplied) {
        depth -= 1;
        if (!isImplied) covered.push([parser.startIndex, parser.endIndex]);
      },
      oncomment() {
        covered.push([parser.startIndex, parser.endIndex]);
        report(`${snippet(html, parser.startIndex, parser.endIndex)} is not allowed: respondents cannot see a comment or declaration, but anyone can read it in the page; remove it`);
      },
      onprocessinginstruction() {
        covered.push([parser.startIndex, parser.endIndex]);
        report(`${snippet(html, parser.startIndex, parser.endIndex)} is not allowed: remove it`);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
  );
  parser.write(html);
  if (stopped) return { problems: [...problems], links };
  parser.end();

  // htmlparser2, like a browser, lets go of some markup without a word: a tag the text ends inside
  // (`…<script`), a closing tag with nothing open (`</div>`), `</>`. Each `<` that would start a tag
  // must therefore be one the parser reported. Only looked for when nothing else is wrong: inside a
  // refused <script> or <textarea>, every `<` is text, and naming them all would bury the real problem.
  if (problems.size === 0) {
    covered.sort((a, b) => a[0] - b[0]);
    const tagStart = /<[A-Za-z/!?]/g;
    let range = 0;
    for (let match = tagStart.exec(html); match && !stopped; match = tagStart.exec(html)) {
      const at = match.index;
      while (range < covered.length && covered[range]![1] < at) range += 1;
      if (range < covered.length && covered[range]![0] <= at) continue;
      report(unreadTag(html, at));
    }
  }
  return { problems: [...problems], links };
}

function checkElement(name: string, attributes: { name: string; value: string }[], report: (message: string) => void, links: MarkupReading['links']): void {
  if (!ALLOWED_ELEMENTS.includes(name)) {
    report(refusedElement(name));
    return;
  }
  const tag = `<${name}>`;
  for (const { name: attribute, value } of attributes) {
    if (name === 'a' && attribute === 'href') {
      const link = checkHref(value);
      if (typeof link === 'string') report(link);
      else links.push(link);
    } else if (attribute === 'lang') {
      if (!LANGUAGE_TAG.test(value)) report(`lang="${clip(value)}" on ${tag} is not a language tag: write e.g. lang="en" or lang="cy"`);
    } else if (attribute === 'class') {
      const unknown = value.split(/\s+/).filter((c) => c && !ALLOWED_CLASSES.includes(c));
      if (unknown.length > 0) report(`class "${clip(unknown.join(' '))}" on ${tag} is not allowed (only ${ALLOWED_CLASSES.join(', ')}): the platform styles every survey; remove it`);
    } else if (name === 'a' && attribute === 'target') {
      // A helpline link may open in a new tab, so the respondent keeps their place in the survey.
      if (value.toLowerCase() !== '_blank') report(`target="${clip(value)}" on <a> is not allowed: use target="_blank" or no target`);
      else if (!relStopsOpener(attributes)) {
        // Without it, older phone browsers give the opened site `window.opener`, with which
        // it can send the survey's tab to a look-alike page (reverse tabnabbing).
        report('<a target="_blank"> needs rel="noopener" (or "noreferrer"): add it');
      }
    } else if (name === 'a' && attribute === 'rel') {
      const unknown = value.split(/\s+/).filter((r) => r && !['noopener', 'noreferrer'].includes(r.toLowerCase()));
      if (unknown.length > 0) report(`rel "${clip(unknown.join(' '))}" on <a> is not allowed: use rel="noopener" or "noreferrer", or none`);
    } else if (attribute.startsWith('on')) {
      report(`the attribute ${attribute} on ${tag} is not allowed: event handlers run code in respondents’ browsers; remove it`);
    } else if (attribute === 'style') {
      report(`the attribute style on ${tag} is not allowed: the platform styles every survey; remove it`);
    } else {
      report(
        `the attribute ${clip(attribute)} on ${tag} is not allowed: instrument HTML takes no attributes except href (and target, rel) on <a>, lang, and class="licence-notice"; remove it`,
      );
    }
  }
}

function relStopsOpener(attributes: { name: string; value: string }[]): boolean {
  return attributes.some((a) => a.name === 'rel' && a.value.toLowerCase().split(/\s+/).some((r) => r === 'noopener' || r === 'noreferrer'));
}

/** An https link, or what is wrong with it. */
function checkHref(raw: string): { href: string; origin: string } | string {
  // As a browser does: leading and trailing spaces are not part of the address.
  const href = raw.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');
  const shown = `<a href="${clip(href)}">`;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(href.replace(/[\t\n\r]/g, ''))?.[1]?.toLowerCase();
  if (scheme === 'javascript' || scheme === 'vbscript') return `${shown} runs code in respondents’ browsers: link to an https:// address instead`;
  if (scheme === 'data') return `${shown} carries a whole page inside the link: link to an https:// address instead`;
  if (scheme === 'http') return `${shown} is not encrypted: link to the https:// address of the site instead`;
  // Not only `new URL(href).protocol`: "https:example.org" parses alone but, on the survey's page, is a
  // path on the platform's own site. A link must be whole: https://, then the site.
  if (scheme !== undefined && scheme !== 'https') {
    return `${shown} is a ${scheme}: link, and only https:// links are allowed: write the address or number as text instead`;
  }
  if (!/^https:\/\//i.test(href)) {
    return `${shown} is not a whole address (relative and protocol-relative links are refused): write it in full, starting https:// (e.g. https://www.meiccymru.org/)`;
  }
  // An address as a browser's address bar shows it has none of these; in a link they can only
  // be there to confuse something (a person reading the file, or a parser reading the page).
  if (/[\s\x00-\x1f\x7f<>"'`\\]/.test(href)) {
    return `${shown} has spaces, quotes, backslashes, < or > in it, which an address does not: copy the address from the browser's address bar`;
  }
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return `${shown} is not a valid address: check it`;
  }
  if (url.username || url.password) {
    return `${shown} has a name before "@", which makes it look like another site (it goes to ${url.host}): remove everything between https:// and @`;
  }
  return { href, origin: url.origin };
}

function refusedElement(name: string): string {
  const why = REFUSED_ELEMENTS[name] ?? `instrument HTML may use only ${ALLOWED_LIST}: remove it or use one of those`;
  return `<${clip(name)}> is not allowed: ${why}`;
}

/** What to say about a `<` the parser let go. */
function unreadTag(html: string, at: number): string {
  const name = /^<\/?([A-Za-z][^\s/>]*)/.exec(html.slice(at))?.[1]?.toLowerCase();
  const finished = /^<[^<]*>/.test(html.slice(at));
  if (name && !ALLOWED_ELEMENTS.includes(name)) return refusedElement(name);
  if (!finished) return `"${clip(html.slice(at), 20)}" (character ${at + 1}) is not a finished tag: finish it with ">", or write &lt; for a "<" sign`;
  return `"${clip(html.slice(at, html.indexOf('>', at) + 1), 40)}" (character ${at + 1}) closes nothing that is open: remove it`;
}

function snippet(html: string, start: number, end: number): string {
  return `"${clip(html.slice(start, end + 1), 40)}"`;
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

// ---- a whole survey ---------------------------------------------------------------------------

/** Every problem with a survey's HTML, each on the JSON path of the text (e.g. `survey.pages[0].elements[2].html.en`). */
export function markupProblems(survey: unknown, path = 'survey'): MarkupProblem[] {
  return htmlTexts(survey, path).flatMap((text) => readMarkup(text.html).problems.map((message) => ({ path: text.path, message })));
}

/** Every well-formed https link in a survey's HTML. */
export function markupLinks(survey: unknown, path = 'survey'): MarkupLink[] {
  return htmlTexts(survey, path).flatMap((text) => readMarkup(text.html).links.map((link) => ({ path: text.path, ...link })));
}

/** The origins (`https://www.meiccymru.org`) a survey's HTML links to, each once, sorted. */
export function linkOrigins(survey: unknown): string[] {
  return [...new Set(markupLinks(survey).map((link) => link.origin))].sort();
}

export type LinkOriginProblem = MarkupProblem & { origin: string };

/**
 * The links of a survey whose origin none of `allowedUrls` has (a study's
 * support contacts' addresses). Origins, not whole addresses: a contact named
 * https://www.meiccymru.org/ lets an instrument link to any page of that site,
 * and to no other (https://meiccymru.org without "www." is another origin).
 */
export function linkOriginProblems(survey: unknown, allowedUrls: readonly (string | undefined)[], path = 'survey'): LinkOriginProblem[] {
  const allowed = new Set(allowedUrls.flatMap((url) => (url && URL.canParse(url) ? [new URL(url).origin] : [])));
  return markupLinks(survey, path)
    .filter((link) => !allowed.has(link.origin))
    .map((link) => ({
      path: link.path,
      origin: link.origin,
      message: `links to ${link.origin}, which none of the study's support contacts names: add a support contact with that site's address, or remove the link`,
    }));
}

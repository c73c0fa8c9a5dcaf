// Picks the translation table for an element from its language: the element's own `lang`, else
// the closest ancestor with one (across shadow roots), else the document's. The host re-renders
// when any of those change.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { en, type Translation } from '../translations/en.ts';
import { zhCN } from '../translations/zh-cn.ts';
import type { ApiError } from './api-client.ts';
import { warnOnce } from './dev-warning.ts';

export type { Translation } from '../translations/en.ts';

/** The languages Signoff ships, by BCP 47 tag. */
export const translations = { en, 'zh-CN': zhCN } as const;
export type SupportedLang = keyof typeof translations;

/**
 * The supported language closest to `tag`: any Chinese tag reads Simplified Chinese (the only
 * Chinese table so far), anything else unknown reads English.
 */
export function matchLang(tag: string): SupportedLang {
  const lower = tag.trim().toLowerCase();
  if (lower === '' || lower === 'en' || lower.startsWith('en-')) return 'en';
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-CN';
  warnOnce(
    'unsupported-lang',
    `No translation for lang="${tag}"; English is used. Supported: ${Object.keys(translations).join(', ')}.`,
  );
  return 'en';
}

/** The `lang` in effect at `element`: its own, an ancestor's across shadow roots, the page's. */
export function langOf(element: Element): string {
  let node: Element | null = element;
  while (node) {
    const match: Element | null = node.closest('[lang]');
    if (match) {
      const lang = match.getAttribute('lang') ?? '';
      if (lang !== '') return lang;
      // `lang=""` means "unknown": keep looking above it.
      node = match.parentElement;
      continue;
    }
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : null;
  }
  return document.documentElement.lang || navigator.language || 'en';
}

type LocalizedHost = ReactiveControllerHost & HTMLElement;

// One observer for every connected host: a `lang` change anywhere in the light DOM may change
// what some host resolves, and re-rendering a few elements is cheap.
const hosts = new Set<LocalizedHost>();
let observer: MutationObserver | undefined;

function observeLangChanges(): void {
  if (observer) return;
  observer = new MutationObserver(() => {
    for (const host of hosts) host.requestUpdate();
  });
  observer.observe(document.documentElement, {
    attributes: true,
    attributeFilter: ['lang'],
    subtree: true,
  });
}

/** Gives an element its translation table, following its language as it changes. */
export class LocalizeController implements ReactiveController {
  private readonly host: LocalizedHost;

  constructor(host: LocalizedHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    hosts.add(this.host);
    observeLangChanges();
  }

  hostDisconnected(): void {
    hosts.delete(this.host);
    if (hosts.size === 0) {
      observer?.disconnect();
      observer = undefined;
    }
  }

  /** The supported language in effect, for example `zh-CN`. */
  get lang(): SupportedLang {
    return matchLang(langOf(this.host));
  }

  /** The translation table of the language in effect. */
  get t(): Translation {
    return translations[this.lang];
  }

  /** A date and time in the language in effect. */
  dateTime(value: string | Date): string {
    const date = typeof value === 'string' ? new Date(value) : value;
    if (Number.isNaN(date.getTime())) return String(value);
    return new Intl.DateTimeFormat(this.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(
      date,
    );
  }
}

/**
 * What to tell a person about a failed API call: the element's own words where it knows better
 * (no connection, not signed in), else the server's message.
 */
export function describeApiError(t: Translation, error: ApiError): string {
  if (error.code === 'network') return t.unreachable;
  if (error.code === 'unauthorized') return t.signInRequired;
  return error.message;
}
